package io.chat.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.history.CommitObserver;
import io.chat.history.H2TenantStore;
import io.chat.json.Json;
import io.chat.tenant.auth.PasswordHasher;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Revocations travel as tenant events, as user deletions do: the registry revokes first, then tells its listener. */
class TenantEventsTest {
    private final ExecutorService reads = Executors.newFixedThreadPool(1);
    private final List<String> events = new CopyOnWriteArrayList<>();
    /** Tokens by their key, for the listener to try. */
    private final Map<String, String> tokens = new ConcurrentHashMap<>();

    private TenantRegistry registry;

    @BeforeEach
    void wire() throws Exception {
        TenantRegistry.TenantListener recorder = new TenantRegistry.TenantListener() {
            @Override
            public void opened(Tenant tenant) {}

            @Override
            public void suspended(Tenant tenant) {}

            @Override
            public void resumed(Tenant tenant) {}

            @Override
            public void deleting(Tenant tenant) {}

            @Override
            public void sessionsEnded(Tenant tenant, String username, String keptTokenKey) {
                events.add("sessionsEnded " + tenant.id() + " " + username + " " + keptTokenKey);
            }

            @Override
            public void tokenRevoked(Tenant tenant, String tokenKey) {
                // by then no use of the token succeeds
                assertEquals(Optional.empty(), tenant.authenticate(tokens.get(tokenKey)));
                events.add("tokenRevoked " + tenant.id() + " " + tokenKey);
            }
        };
        registry = new TenantRegistry(
                FolderTenantCatalog.create(
                        Files.createTempDirectory("tenant-events"), H2TenantStore.opener(reads, CommitObserver.NONE)),
                new PasswordHasher(),
                Clock.systemUTC(),
                TenantRegistry.TenantListener.all(recorder));
    }

    @AfterEach
    void close() {
        registry.close();
        reads.shutdown();
    }

    @Test
    void logoutIsAnEventOfTheTenantOnlyWhenItRevokedSomething() throws Exception {
        Tenant acme = registry.provision(TenantJson.fromRequest(
                Json.mapper().readTree("{\"id\":\"acme\",\"auth\":{\"type\":\"password\"}}"), Instant.now()));
        acme.createUser("alice", "correct horse", Optional.empty());
        String token = ((LoginResult.Success) acme.login("alice", "correct horse", "127.0.0.1")).token();
        tokens.put(Tenant.tokenKey(token), token);
        assertTrue(acme.authenticate(token).isPresent());

        assertTrue(registry.logout(acme, token));
        assertEquals(List.of("tokenRevoked acme " + Tenant.tokenKey(token)), events);

        assertFalse(registry.logout(acme, token), "a revoked token is not revoked again");
        assertFalse(registry.logout(acme, "not-a-token"));
        assertEquals(1, events.size(), "no event for what revoked nothing");

        assertTrue(registry.deleteUser(acme, "alice"));
        assertEquals("sessionsEnded acme alice ", events.get(1));
    }
}
