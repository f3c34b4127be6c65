package io.chat.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.history.CommitObserver;
import io.chat.history.PostgresDatabase;
import io.chat.json.Json;
import io.chat.tenant.auth.PasswordHasher;
import io.chat.testing.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes on one PostgreSQL database: a tenant provisioned through one is there on the other once it syncs, with
 * its users (one store); a deletion removes every row of the tenant, so an id provisioned again starts empty.
 */
class SharedTenantCatalogTest {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private final ExecutorService reads = Executors.newFixedThreadPool(4);
    private final AtomicInteger changes = new AtomicInteger();
    private PostgresServer server;
    private String database;
    private PostgresDatabase postgresA;
    private PostgresDatabase postgresB;
    private TenantRegistry nodeA;
    private TenantRegistry nodeB;

    @BeforeEach
    void start() throws Exception {
        server = PostgresServer.shared();
        database = "catalog_" + DATABASES.incrementAndGet() + "_"
                + ProcessHandle.current().pid();
        String url = server.createDatabase(database);
        postgresA = PostgresDatabase.open(url, server.ownerUser(), server.ownerPassword(), reads, CommitObserver.NONE);
        postgresB = PostgresDatabase.open(url, server.ownerUser(), server.ownerPassword(), reads, CommitObserver.NONE);
        nodeA = node(postgresA);
        nodeB = node(postgresB);
    }

    @AfterEach
    void stop() {
        nodeA.close();
        nodeB.close();
        postgresA.close();
        postgresB.close();
        reads.shutdown();
    }

    @Test
    void aTenantProvisionedOnOneNodeServesItsUsersOnTheOther() throws Exception {
        Tenant onA = nodeA.provision(definition("acme"));
        assertEquals(1, changes.get(), "the other nodes are told");
        onA.createUser("alice", "correct horse", Optional.empty());
        assertThrows(TenantRegistry.TenantExists.class, () -> nodeB.provision(definition("acme")));

        assertEquals(1, nodeB.sync());
        Tenant onB = nodeB.find("acme").orElseThrow();
        assertInstanceOf(LoginResult.Success.class, onB.login("alice", "correct horse", "127.0.0.1"));

        nodeA.suspend(onA.id());
        assertEquals(1, nodeB.sync());
        assertTrue(onB.suspended());
    }

    /**
     * A JWT tenant that would accept the tokens of one another node stored is refused, before this node has synced it,
     * and of two provisioned on two nodes at once one is stored (the insert's check runs under a database lock).
     */
    @Test
    void aJwtTenantSharingTheIssuerAndKeyOfAnotherNodesTenantIsRefused() throws Exception {
        String issuer = "https://realm.example";
        String secret = "one-secret-for-every-tenant-of-the-realm";
        nodeA.provision(SharedJwtKeysTest.jwt("cust-a", issuer, null, secret));
        InvalidRequest refused = assertThrows(
                InvalidRequest.class,
                () -> nodeB.provision(SharedJwtKeysTest.jwt("cust-b", issuer, "b", secret)),
                "node B has not synced cust-a yet");
        assertEquals(SharedJwtKeys.REFUSED, refused.getMessage());
        assertEquals(1, nodeB.sync());
        assertEquals(List.of("cust-a"), ids(nodeB));

        SharedJwtKeysTest.assertOneOfTwoAtOnceIsStored(nodeA, nodeB, secret);
        nodeA.sync();
        assertEquals(6, ids(nodeA).size(), ids(nodeA).toString());
    }

    private static List<String> ids(TenantRegistry node) {
        return node.all().stream().map(tenant -> tenant.id().value()).sorted().toList();
    }

    @Test
    void aLogoutThroughOneNodeEndsTheTokenOnEveryNodeAtOnce() throws Exception {
        Tenant onA = nodeA.provision(definition("acme"));
        onA.createUser("alice", "correct horse", Optional.empty());
        nodeB.sync();
        Tenant onB = nodeB.find("acme").orElseThrow();
        String token = ((LoginResult.Success) onB.login("alice", "correct horse", "127.0.0.1")).token();
        assertTrue(onB.authenticate(token).isPresent());
        assertTrue(onA.authenticate(token).isPresent());

        assertTrue(nodeA.logout(onA, token));
        assertTrue(onB.authenticate(token).isEmpty(), "node B must not use a session it read before the logout");
        assertTrue(!onB.notRevoked(Tenant.tokenKey(token)));
    }

    @Test
    void deletingATenantRemovesAllItsRows() throws Exception {
        Tenant acme = nodeA.provision(definition("acme"));
        acme.createUser("alice", "correct horse", Optional.empty());
        acme.store().append("lobby", "alice", "hello", Optional.of("c1")).join();
        Tenant other = nodeA.provision(definition("other"));
        other.store().append("lobby", "bob", "kept", Optional.empty()).join();

        nodeA.delete(acme.id());
        assertEquals(0, rowsOf("acme"), "no row of the deleted tenant is left");
        assertEquals(2, rowsOf("other"), "another tenant's rows stay (its message and its room counter)");

        Tenant again = nodeA.provision(definition("acme"));
        assertTrue(again.store().users().join().isEmpty());
        assertEquals(
                1,
                again.store()
                        .append("lobby", "x", "y", Optional.empty())
                        .join()
                        .message()
                        .seq());
    }

    /** Rows of a tenant in its tables, counted by the owner (who is not bound by row security here). */
    private long rowsOf(String tenant) throws Exception {
        long rows = 0;
        try (Connection owner = server.ownerConnection(database);
                Statement statement = owner.createStatement()) {
            statement.execute("SET row_security = off");
            for (String table : new String[] {"messages", "users", "sessions", "room_counters"}) {
                try (ResultSet count = statement.executeQuery(
                        "SELECT count(*) FROM " + table + " WHERE tenant_id = '" + tenant + "'")) {
                    count.next();
                    rows += count.getLong(1);
                }
            }
        }
        return rows;
    }

    private TenantRegistry node(PostgresDatabase postgres) {
        TenantRegistry registry = new TenantRegistry(
                new SharedTenantCatalog(postgres.tenantRecords(), postgres::forTenant, changes::incrementAndGet),
                new PasswordHasher(),
                Clock.systemUTC(),
                TenantRegistry.TenantListener.all());
        registry.loadAll();
        return registry;
    }

    private static TenantDefinition definition(String id) throws Exception {
        return TenantJson.fromRequest(
                Json.mapper().readTree("{\"id\":\"" + id + "\",\"auth\":{\"type\":\"password\"}}"), Instant.now());
    }
}
