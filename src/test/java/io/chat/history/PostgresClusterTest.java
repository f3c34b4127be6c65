package io.chat.history;

import static io.chat.history.MessageStoreContract.all;
import static io.chat.history.MessageStoreContract.range;
import static io.chat.history.MessageStoreContract.seqs;
import static io.chat.history.StoreContract.await;
import static io.chat.history.StoreContract.failure;
import static io.chat.history.StoreContract.healthy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the cluster asks of the PostgreSQL store beyond the contract: two nodes appending to one room at once, the
 * database keeping tenants apart by itself, and PostgreSQL going away (stopped, or killed with -9) and coming back.
 */
class PostgresClusterTest {
    private static PostgresFixture postgres;

    private final ExecutorService reads = PostgresFixture.readExecutor();
    private final String prefix = PostgresFixture.freshTenantPrefix();
    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = PostgresFixture.start("chat_cluster");
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : opened.reversed()) {
            closeable.close();
        }
        PostgresFixture.shutDown(reads);
        if (!postgres.server.isRunning()) {
            postgres.server.startAgain();
        }
    }

    private PostgresDatabase node() {
        PostgresDatabase database = postgres.openDatabase(reads, CommitObserver.NONE);
        opened.add(database);
        return database;
    }

    private TenantStore store(PostgresDatabase node, String tenant) {
        PostgresFixture.register(node, prefix + tenant);
        TenantStore store = node.forTenant(prefix + tenant);
        opened.add(store);
        return store;
    }

    @Test
    void twoNodesAppendingToOneRoomAtOnceGetSeqsOneToNWithoutGapsOrDuplicates() throws Exception {
        List<TenantStore> nodes = List.of(store(node(), "acme"), store(node(), "acme"));
        int sendersPerNode = 16;
        int perSender = 60;
        Set<Long> acked = ConcurrentHashMap.newKeySet();
        Map<String, Set<String>> messageIdsByClientId = new ConcurrentHashMap<>();
        AtomicInteger originals = new AtomicInteger();
        Queue<Throwable> problems = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> senders = new ArrayList<>();
        for (int n = 0; n < nodes.size(); n++) {
            TenantStore node = nodes.get(n);
            for (int s = 0; s < sendersPerNode; s++) {
                int sender = s;
                senders.add(Thread.ofVirtual().start(() -> {
                    try {
                        start.await();
                        for (int i = 0; i < perSender; i++) {
                            // every third message is sent through both nodes at once, with one clientId
                            Optional<String> clientId =
                                    i % 3 == 0 ? Optional.of("c-" + sender + "-" + i) : Optional.empty();
                            AppendResult result = node.append("hot", "user" + sender, "m" + i, clientId)
                                    .get(60, TimeUnit.SECONDS);
                            clientId.ifPresent(id -> messageIdsByClientId
                                    .computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet())
                                    .add(result.message().id()));
                            if (!result.duplicate()) {
                                originals.incrementAndGet();
                                if (!acked.add(result.message().seq())) {
                                    problems.add(new AssertionError("seq acked twice: " + result.message()));
                                }
                            }
                        }
                    } catch (Throwable e) {
                        problems.add(e);
                    }
                }));
            }
        }
        start.countDown();
        for (Thread sender : senders) {
            sender.join();
        }
        assertEquals(List.of(), List.copyOf(problems));
        int sentOnce = perSender - perSender / 3; // messages without clientId, sent through one node each
        int expected = nodes.size() * sendersPerNode * sentOnce + sendersPerNode * (perSender / 3);
        assertEquals(expected, originals.get());
        List<StoredMessage> stored = all(nodes.getFirst(), "hot");
        assertEquals(range(1, expected), seqs(stored), "gap-free, no duplicates, in order");
        assertEquals(new HashSet<>(seqs(stored)), acked, "every seq acked once, every acked seq stored");
        assertEquals(stored, all(nodes.getLast(), "hot"), "both nodes read the same history");
        messageIdsByClientId.forEach((id, ids) -> assertEquals(1, ids.size(), "both nodes answered " + id + " alike"));
    }

    /**
     * A node that has not heard of a tenant's deletion yet (a lost notice, a write in flight) writes for it after the
     * delete: refused, since the tenant's row is gone (V8), so a tenant provisioned again with the same id starts
     * empty instead of inheriting those rows. Before V8 the late rows were stored and the new tenant had them.
     */
    @Test
    void rowsWrittenForADeletedTenantAreRefusedSoATenantOfTheSameIdStartsEmpty() {
        PostgresDatabase deleting = node();
        TenantStore late = store(node(), "reborn");
        String id = prefix + "reborn";
        assertFalse(await(late.append("general", "alice", "before", Optional.empty()))
                .duplicate());

        deleting.tenantRecords().delete(id);
        assertInstanceOf(StoreException.class, failure(late.append("general", "alice", "late", Optional.empty())));

        PostgresFixture.register(deleting, id);
        TenantStore reborn = deleting.forTenant(id);
        opened.add(reborn);
        assertEquals(List.of(), all(reborn, "general"), "the tenant of the same id inherits no message");
    }

    @Test
    void aWriteTheDatabaseRefusesFailsAloneInABatchOfManyTenants() {
        PostgresDatabase node = node();
        List<TenantStore> tenants = List.of(store(node, "a"), store(node, "b"), store(node, "c"));
        List<CompletableFuture<AppendResult>> good = new ArrayList<>();
        List<CompletableFuture<AppendResult>> bad = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            TenantStore tenant = tenants.get(i % 3);
            good.add(tenant.append("general", "alice", "m" + i, Optional.of("c" + i)));
            if (i % 100 == 50) {
                // PostgreSQL's text cannot hold U+0000: the database (or its driver) refuses this one
                bad.add(tenant.append("bad\u0000room", "alice", "x", Optional.empty()));
            }
        }
        good.forEach(f -> assertFalse(await(f).duplicate()));
        bad.forEach(f -> assertInstanceOf(StoreException.class, failure(f)));
        for (TenantStore tenant : tenants) {
            assertEquals(range(1, 100), seqs(all(tenant, "general")));
            assertEquals(100, tenant.messageCount());
        }
    }

    @Test
    void rowSecurityKeepsATenantInsideItsRowsWhateverTheQuery() throws Exception {
        PostgresDatabase node = node();
        PostgresTenantStore a = (PostgresTenantStore) store(node, "a");
        PostgresTenantStore b = (PostgresTenantStore) store(node, "b");
        String tenantB = prefix + "b";
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        for (TenantStore store : List.of(a, b)) {
            await(store.createUser(new UserRecord("bob", Optional.empty(), "hash", now)));
            assertTrue(await(store.saveSession(new SessionRecord("token", "bob", now.plusSeconds(60)), "hash")));
            MessageStoreContract.append(store, "general", "bob", "hello");
        }
        MessageStoreContract.append(b, "general", "bob", "second");

        // Hand-written statements without any tenant filter, on tenant a's connections: only a's rows exist.
        assertEquals(1L, (long) await(a.read(c -> single(c, "SELECT count(*) FROM messages"))));
        assertEquals(1L, (long) await(a.read(c -> single(c, "SELECT count(*) FROM users"))));
        assertEquals(1L, (long) await(a.read(c -> single(c, "SELECT count(*) FROM sessions"))));
        assertEquals(1L, (long) await(a.read(c -> single(c, "SELECT count(*) FROM room_counters"))));
        assertEquals(0L, (long)
                await(a.read(c -> single(c, "SELECT count(*) FROM messages WHERE tenant_id = '" + tenantB + "'"))));
        assertEquals(1, (int) await(a.write(c -> update(c, "UPDATE messages SET sender = 'mallory'"))));
        assertEquals(
                0, (int) await(a.write(c -> update(c, "DELETE FROM sessions WHERE tenant_id = '" + tenantB + "'"))));
        assertEquals(1, (int) await(a.write(c -> update(c, "DELETE FROM users"))));
        Throwable refused = failure(a.write(c -> update(
                c,
                "INSERT INTO users (tenant_id, username, password_hash, created_at) VALUES ('" + tenantB
                        + "', 'mallory', 'x', 0)")));
        assertInstanceOf(StoreException.class, refused);
        assertInstanceOf(SQLException.class, refused.getCause());
        assertTrue(
                refused.getCause().getMessage().contains("row-level security"),
                refused.getCause().getMessage());
        // RESET ROLE comes back to the startup role, not to the login's
        assertEquals("chat_app", await(a.read(c -> {
            update(c, "RESET ROLE");
            return text(c, "SELECT current_user");
        })));

        // b saw none of it
        assertEquals(
                List.of("bob", "bob"),
                all(b, "general").stream().map(StoredMessage::from).toList());
        assertEquals(1, await(b.users()).size());
        assertTrue(await(b.session("token")).isPresent());

        // A connection as the runtime role that names no tenant sees nothing: the policy's expression fails.
        Properties login = new Properties();
        login.setProperty("user", postgres.server.ownerUser());
        login.setProperty("password", postgres.server.ownerPassword());
        login.setProperty("options", "-c role=chat_app");
        try (Connection bare = DriverManager.getConnection(postgres.url, login)) {
            SQLException noTenant = assertThrows(SQLException.class, () -> single(bare, "SELECT count(*) FROM users"));
            assertTrue(noTenant.getMessage().contains("chat.tenant"), noTenant.getMessage());
            try (PreparedStatement role = bare.prepareStatement(
                            "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user");
                    ResultSet rows = role.executeQuery()) {
                assertTrue(rows.next());
                assertFalse(rows.getBoolean(1), "superuser");
                assertFalse(rows.getBoolean(2), "bypassrls");
            }
        }
    }

    @Test
    void whilePostgresIsDownCallsFailWithinSecondsAndHealthSaysSoThenItRecoversAlone() throws Exception {
        PostgresDatabase node = node();
        TenantStore store = store(node, "acme");
        MessageStoreContract.append(store, "general", "alice", "before");
        assertTrue(healthy(store));

        postgres.server.stop();
        long started = System.nanoTime();
        CompletableFuture<AppendResult> append = store.append("general", "alice", "while down", Optional.empty());
        assertInstanceOf(StoreException.class, failure(append));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertTrue(took.compareTo(Duration.ofSeconds(15)) < 0, "an append failed after " + took);
        assertInstanceOf(StoreException.class, failure(store.since("general", 0, 10)));
        assertInstanceOf(StoreException.class, failure(store.user("alice")));
        assertFalse(healthy(store));
        assertFalse(healthy(store), "still down");

        postgres.server.startAgain();
        AppendResult after = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (after == null && System.nanoTime() < deadline) {
            try {
                after = store.append("general", "alice", "after", Optional.empty())
                        .get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                Thread.sleep(200); // the pool may hand out a dead connection once more
            }
        }
        assertTrue(after != null, "appends succeed again without reopening the store");
        assertEquals(range(1, after.message().seq()), seqs(all(store, "general")), "no gap, nothing half-stored");
        assertTrue(pollHealthy(store), "healthy again");
    }

    @Test
    void everyAcknowledgedAppendSurvivesAKillDashNineOfPostgres() throws Exception {
        PostgresDatabase node = node();
        TenantStore store = store(node, "acme");
        Queue<StoredMessage> acked = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch enough = new CountDownLatch(2_000);
        List<Thread> senders = new ArrayList<>();
        for (int s = 0; s < 32; s++) {
            int sender = s;
            senders.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; !stop.get(); i++) {
                    try {
                        acked.add(store.append("room" + sender % 4, "u" + sender, "m" + i, Optional.of("c" + i))
                                .get(60, TimeUnit.SECONDS)
                                .message());
                        enough.countDown();
                    } catch (ExecutionException e) {
                        assertInstanceOf(StoreException.class, e.getCause()); // after the kill
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                }
            }));
        }
        assertTrue(enough.await(120, TimeUnit.SECONDS), "2000 appends acknowledged");
        stop.set(true); // each sender ends after its append in flight
        postgres.server.kill(); // while appends are in flight
        for (Thread sender : senders) {
            sender.join();
        }
        postgres.server.startAgain(); // crash recovery from the WAL

        Set<StoredMessage> stored = new HashSet<>();
        for (int r = 0; r < 4; r++) {
            List<StoredMessage> room = readWhenBack(store, "room" + r);
            assertEquals(range(1, room.size()), seqs(room), "room" + r + " gap-free");
            stored.addAll(room);
        }
        List<StoredMessage> lost =
                acked.stream().filter(m -> !stored.contains(m)).toList();
        assertEquals(List.of(), lost, "acknowledged but lost (" + acked.size() + " acknowledged)");
    }

    private static List<StoredMessage> readWhenBack(TenantStore store, String room) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                return store.since(room, 0, MessageStore.MAX_PAGE)
                        .get(30, TimeUnit.SECONDS)
                        .messages();
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("PostgreSQL did not come back", e);
                }
                Thread.sleep(200);
            }
        }
    }

    private static boolean pollHealthy(TenantStore store) throws InterruptedException {
        for (int i = 0; i < 60; i++) {
            if (healthy(store)) {
                return true;
            }
            Thread.sleep(500);
        }
        return false;
    }

    private static long single(Connection connection, String sql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql);
                ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static String text(Connection connection, String sql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql);
                ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getString(1);
        }
    }

    private static int update(Connection connection, String sql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.execute();
            return Math.max(0, statement.getUpdateCount());
        }
    }
}
