package io.chat.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TenantStoreTest {
    @TempDir
    Path tenants;

    private final ExecutorService reads = Executors.newFixedThreadPool(4);
    private final AtomicInteger batches = new AtomicInteger();
    private final AtomicLong batchedWrites = new AtomicLong();
    private final CommitObserver observer = (size, nanos) -> {
        batches.incrementAndGet();
        batchedWrites.addAndGet(size);
    };
    private final List<TenantStore> opened = new ArrayList<>();

    @AfterEach
    void tearDown() throws InterruptedException {
        opened.forEach(TenantStore::close);
        reads.shutdown();
        assertTrue(reads.awaitTermination(10, TimeUnit.SECONDS));
    }

    private TenantStore open(String tenant) {
        TenantStore store = TenantStore.open(tenants.resolve(tenant), tenant, reads, observer);
        opened.add(store);
        return store;
    }

    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("future failed", e);
        }
    }

    static Throwable failure(CompletableFuture<?> future) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(30, TimeUnit.SECONDS));
        return e.getCause();
    }

    private static AppendResult append(TenantStore store, String room, String from, String text) {
        return await(store.append(room, from, text, Optional.empty()));
    }

    private static List<StoredMessage> all(TenantStore store, String room) {
        return await(store.since(room, 0, TenantStore.MAX_PAGE)).messages();
    }

    private static List<Long> seqs(List<StoredMessage> messages) {
        return messages.stream().map(StoredMessage::seq).toList();
    }

    private static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    @Test
    void seqIsGapFreePerRoomUnderConcurrentAppends() throws Exception {
        TenantStore store = open("acme");
        int threads = 16;
        int perThread = 150;
        List<String> rooms = List.of("general", "random", "dev", "ops");
        Map<String, Set<Long>> acked = new ConcurrentHashMap<>();
        rooms.forEach(room -> acked.put(room, ConcurrentHashMap.newKeySet()));
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    String room = rooms.get((id + i) % rooms.size());
                    AppendResult result = append(store, room, "user" + id, "message " + i);
                    assertFalse(result.duplicate());
                    assertTrue(acked.get(room).add(result.message().seq()), "seq handed out twice");
                }
            }));
        }
        start.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
        long total = 0;
        for (String room : rooms) {
            List<StoredMessage> stored = all(store, room);
            assertEquals(range(1, stored.size()), seqs(stored), room);
            assertEquals(new HashSet<>(seqs(stored)), acked.get(room), room);
            total += stored.size();
        }
        assertEquals((long) threads * perThread, total);
        assertEquals(total, store.messageCount());
        assertEquals(total, batchedWrites.get(), "every write reported to the observer once");
        assertTrue(batches.get() <= total);
    }

    @Test
    void seqAndMessagesSurviveCloseAndReopen() {
        TenantStore store = open("acme");
        for (int i = 0; i < 5; i++) {
            append(store, "a", "alice", "a" + i);
        }
        for (int i = 0; i < 3; i++) {
            append(store, "b", "bob", "b" + i);
        }
        List<StoredMessage> before = all(store, "a");
        store.close();
        store.close(); // idempotent

        TenantStore reopened = open("acme");
        assertEquals(8, reopened.messageCount());
        assertEquals(before, all(reopened, "a"));
        assertEquals(6, append(reopened, "a", "alice", "again").message().seq());
        assertEquals(4, append(reopened, "b", "bob", "again").message().seq());
        assertEquals(1, append(reopened, "c", "carol", "first").message().seq());
        assertEquals(11, reopened.messageCount());
    }

    @Test
    void repeatedClientIdReturnsTheStoredMessageAndStoresNothing() {
        TenantStore store = open("acme");
        AppendResult first = await(store.append("general", "alice", "hello", Optional.of("c-1")));
        assertFalse(first.duplicate());
        AppendResult again = await(store.append("general", "alice", "hello, edited", Optional.of("c-1")));
        assertTrue(again.duplicate());
        assertEquals(first.message(), again.message()); // same id, seq, ts and text as first stored

        // Scoped to (user, room, clientId): another user or another room is a new message.
        assertFalse(await(store.append("general", "bob", "hello", Optional.of("c-1"))).duplicate());
        assertFalse(await(store.append("other", "alice", "hello", Optional.of("c-1"))).duplicate());
        // No clientId: never a duplicate.
        assertFalse(append(store, "general", "alice", "hello").duplicate());
        assertFalse(append(store, "general", "alice", "hello").duplicate());
        assertEquals(range(1, 4), seqs(all(store, "general")));
        store.close();

        TenantStore reopened = open("acme");
        AppendResult afterRestart = await(reopened.append("general", "alice", "x", Optional.of("c-1")));
        assertTrue(afterRestart.duplicate());
        assertEquals(first.message(), afterRestart.message());
        assertEquals(5, reopened.messageCount());
    }

    @Test
    void concurrentDuplicatesStoreOneMessage() throws Exception {
        TenantStore store = open("acme");
        // Many threads racing on the same clientIds (some land in one batch, some in later ones).
        int threads = 12;
        int clientIds = 20;
        CountDownLatch start = new CountDownLatch(1);
        Map<String, Set<StoredMessage>> seen = new ConcurrentHashMap<>();
        AtomicInteger originals = new AtomicInteger();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(Thread.ofVirtual().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int c = 0; c < clientIds; c++) {
                    AppendResult result = await(store.append("general", "alice", "hi " + c, Optional.of("id-" + c)));
                    seen.computeIfAbsent("id-" + c, k -> ConcurrentHashMap.newKeySet()).add(result.message());
                    if (!result.duplicate()) {
                        originals.incrementAndGet();
                    }
                }
            }));
        }
        start.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
        assertEquals(clientIds, originals.get());
        seen.values().forEach(messages -> assertEquals(1, messages.size(), "every ack carries the same message"));
        assertEquals(range(1, clientIds), seqs(all(store, "general")));

        // One thread firing without waiting: the duplicates sit in the same batch as the original.
        List<CompletableFuture<AppendResult>> burst = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            burst.add(store.append("burst", "bob", "same", Optional.of("one")));
        }
        List<AppendResult> results = burst.stream().map(TenantStoreTest::await).toList();
        assertEquals(1, results.stream().filter(r -> !r.duplicate()).count());
        assertEquals(1, results.stream().map(AppendResult::message).distinct().count());
        assertEquals(1, all(store, "burst").size());
        assertEquals(clientIds + 1, store.messageCount());
    }

    @Test
    void pagingBackwardsAndForwards() {
        TenantStore store = open("acme");
        assertEquals(new MessagePage(List.of(), false), await(store.before("empty", OptionalLong.empty(), 50)));
        assertEquals(new MessagePage(List.of(), false), await(store.since("empty", 0, 50)));
        for (int i = 1; i <= 10; i++) {
            append(store, "general", "alice", "m" + i);
            append(store, "noise", "bob", "n" + i);
        }
        assertPage(store.before("general", OptionalLong.empty(), 3), range(8, 10), true);
        assertPage(store.before("general", OptionalLong.of(8), 3), range(5, 7), true);
        assertPage(store.before("general", OptionalLong.of(5), 3), range(2, 4), true);
        assertPage(store.before("general", OptionalLong.of(4), 3), range(1, 3), false);
        assertPage(store.before("general", OptionalLong.of(3), 3), range(1, 2), false);
        assertPage(store.before("general", OptionalLong.of(1), 3), List.of(), false);
        assertPage(store.before("general", OptionalLong.of(0), 3), List.of(), false);
        assertPage(store.before("general", OptionalLong.of(1000), 3), range(8, 10), true);
        assertPage(store.before("general", OptionalLong.empty(), 10), range(1, 10), false);
        assertPage(store.before("general", OptionalLong.empty(), 11), range(1, 10), false);
        assertPage(store.before("general", OptionalLong.empty(), 9), range(2, 10), true);

        assertPage(store.since("general", 0, 3), range(1, 3), true);
        assertPage(store.since("general", 3, 3), range(4, 6), true);
        assertPage(store.since("general", 7, 3), range(8, 10), false);
        assertPage(store.since("general", 8, 3), range(9, 10), false);
        assertPage(store.since("general", 10, 3), List.of(), false);
        assertPage(store.since("general", -5, 100), range(1, 10), false);

        MessagePage page = await(store.before("general", OptionalLong.empty(), 2));
        page.messages().forEach(m -> assertEquals("general", m.room()));
        assertEquals(List.of("m9", "m10"), page.messages().stream().map(StoredMessage::text).toList());
        assertThrows(IllegalArgumentException.class, () -> store.before("general", OptionalLong.empty(), 0));
        assertThrows(IllegalArgumentException.class, () -> store.since("general", 0, TenantStore.MAX_PAGE + 1));
    }

    private static void assertPage(CompletableFuture<MessagePage> future, List<Long> expected, boolean hasMore) {
        MessagePage page = await(future);
        assertEquals(expected, seqs(page.messages()));
        assertEquals(hasMore, page.hasMore(), "hasMore");
    }

    @Test
    void textIsStoredExactlyAndTimestampsHaveMillisecondPrecision() {
        TenantStore store = open("acme");
        String emoji = "😀".repeat(4000); // 4000 code points, 8000 UTF-16 units
        List<String> texts = List.of("plain", emoji, "a\u0000b", "e\u0301 \u202e ' \" ; -- \\", "x".repeat(4000));
        List<StoredMessage> appended = texts.stream().map(t -> append(store, "room.name_with-64-chars-" + "x".repeat(40), "a.b_c-d", t).message()).toList();
        List<StoredMessage> stored = all(store, "room.name_with-64-chars-" + "x".repeat(40));
        assertEquals(appended, stored);
        assertEquals(texts, stored.stream().map(StoredMessage::text).toList());
        for (StoredMessage m : stored) {
            assertEquals(0, m.ts().getNano() % 1_000_000);
            assertTrue(m.ts().toString().endsWith("Z"));
            assertFalse(m.id().isBlank());
        }
        assertEquals(texts.size(), stored.stream().map(StoredMessage::id).distinct().count());
        assertThrows(IllegalArgumentException.class, () -> store.append("r", "a", "x".repeat(Database.MAX_TEXT + 1), Optional.empty()));
    }

    @Test
    void usersAndSessions() {
        TenantStore store = open("acme");
        Instant created = Instant.parse("2025-01-02T03:04:05.678Z");
        UserRecord bob = new UserRecord("bob", Optional.of("Bob B. 😀"), "pbkdf2$hash-b", created);
        UserRecord alice = new UserRecord("alice", Optional.empty(), "pbkdf2$hash-a", created);
        await(store.createUser(bob));
        await(store.createUser(alice));
        assertInstanceOf(DuplicateUserException.class, failure(store.createUser(bob)));
        assertEquals(Optional.of(bob), await(store.user("bob")));
        assertEquals(Optional.of(alice), await(store.user("alice")));
        assertEquals(Optional.empty(), await(store.user("nobody")));
        assertEquals(List.of(alice, bob), await(store.users()));

        Instant now = Instant.parse("2025-06-01T00:00:00Z");
        SessionRecord live = new SessionRecord("hash-live", "bob", now.plusSeconds(3600));
        SessionRecord old = new SessionRecord("hash-old", "bob", now.minusSeconds(1));
        SessionRecord edge = new SessionRecord("hash-edge", "alice", now);
        SessionRecord other = new SessionRecord("hash-alice", "alice", now.plusSeconds(60));
        for (SessionRecord s : List.of(live, old, edge, other)) {
            await(store.saveSession(s));
        }
        assertEquals(Optional.of(live), await(store.session("hash-live")));
        assertEquals(Optional.empty(), await(store.session("hash-none")));
        assertInstanceOf(NoSuchUserException.class, failure(store.saveSession(new SessionRecord("h", "ghost", now))));

        assertEquals(2, await(store.deleteExpiredSessions(now)));
        assertEquals(Optional.empty(), await(store.session("hash-old")));
        assertEquals(Optional.empty(), await(store.session("hash-edge")));
        assertEquals(Optional.of(other), await(store.session("hash-alice")));

        assertTrue(await(store.deleteSession("hash-alice")));
        assertFalse(await(store.deleteSession("hash-alice")));

        assertTrue(await(store.deleteUser("bob")));
        assertEquals(Optional.empty(), await(store.session("hash-live")), "a deleted user's sessions go too");
        assertFalse(await(store.deleteUser("bob")));
        assertEquals(List.of(alice), await(store.users()));
        await(store.createUser(bob)); // the name is free again
        store.close();

        TenantStore reopened = open("acme");
        assertEquals(List.of(alice, bob), await(reopened.users()));
    }

    @Test
    void aFailedWriteDoesNotSpoilTheOthersInItsBatch() {
        TenantStore store = open("acme");
        await(store.createUser(new UserRecord("bob", Optional.empty(), "h", Instant.now())));
        List<CompletableFuture<?>> futures = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            futures.add(store.append("general", "bob", "m" + i, Optional.empty()));
            futures.add(store.createUser(new UserRecord("bob", Optional.empty(), "h", Instant.now())));
            futures.add(store.saveSession(new SessionRecord("t" + i, "ghost", Instant.now())));
        }
        for (int i = 0; i < futures.size(); i += 3) {
            await(futures.get(i));
            assertInstanceOf(DuplicateUserException.class, failure(futures.get(i + 1)));
            assertInstanceOf(NoSuchUserException.class, failure(futures.get(i + 2)));
        }
        assertEquals(range(1, 50), seqs(all(store, "general")));
    }

    @Test
    void aTornLogTailIsIgnoredAndACleanCloseEmptiesTheLog() throws Exception {
        TenantStore store = open("acme");
        StoredMessage first = append(store, "general", "alice", "one").message();
        append(store, "general", "alice", "two");
        store.close();
        Path log = tenants.resolve("acme").resolve(MessageLog.FILE_NAME);
        assertEquals(0, Files.size(log), "a clean close stores everything in H2 and empties the log");
        // what a write cut short by kill -9 leaves: a length and a checksum that do not match what follows
        Files.write(log, new byte[] {0, 0, 0, 40, 1, 2, 3, 4, 'x', 'y'});
        TenantStore reopened = open("acme");
        assertEquals(0, Files.size(log), "the torn record is dropped once the database is up to date");
        assertEquals(List.of(1L, 2L), seqs(all(reopened, "general")));
        assertEquals(first.id(), all(reopened, "general").getFirst().id());
        assertEquals(3, append(reopened, "general", "bob", "three").message().seq());
        assertTrue(Files.size(log) > 0, "an acknowledged message is in the log until a checkpoint");
    }

    @Test
    void secondOpenOfTheSameFolderFails() {
        TenantStore store = open("acme");
        StoreLockedException e = assertThrows(StoreLockedException.class,
                () -> TenantStore.open(tenants.resolve("acme"), "acme", reads, observer));
        assertTrue(e.getMessage().contains("already open"), e.getMessage());
        assertThrows(StoreLockedException.class,
                () -> TenantStore.open(tenants.resolve("other/../acme"), "acme", reads, observer));
        assertTrue(store.healthy(), "the first store is untouched");
        store.close();
        TenantStore again = open("acme");
        assertTrue(again.healthy());
    }

    @Test
    void interruptedCallersDoNotBreakTheStore() throws Exception {
        TenantStore store = open("acme");
        AtomicInteger acked = new AtomicInteger();
        AtomicInteger interrupted = new AtomicInteger();
        Queue<CompletableFuture<AppendResult>> all = new ConcurrentLinkedQueue<>();
        List<Thread> appenders = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int id = t;
            // Virtual threads, like Helidon's handlers, interrupted while they wait for their acks.
            appenders.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 300; i++) {
                    CompletableFuture<AppendResult> f = store.append("room" + id % 3, "u" + id, "m", Optional.empty());
                    all.add(f);
                    try {
                        f.get();
                        acked.incrementAndGet();
                    } catch (InterruptedException e) {
                        interrupted.incrementAndGet();
                    } catch (ExecutionException e) {
                        throw new AssertionError(e);
                    }
                    if (i % 50 == 0) {
                        Thread.currentThread().interrupt(); // an interrupt pending while calling the store
                        store.before("room0", OptionalLong.empty(), 5).join();
                        store.healthy();
                        Thread.interrupted();
                    }
                }
            }));
        }
        while (appenders.stream().anyMatch(Thread::isAlive)) {
            appenders.forEach(Thread::interrupt);
            Thread.sleep(1);
        }
        for (Thread appender : appenders) {
            appender.join();
        }
        all.forEach(f -> assertFalse(await(f).duplicate()));
        assertTrue(interrupted.get() > 0, "some waits were interrupted");
        assertTrue(store.healthy());
        long total = 0;
        for (int r = 0; r < 3; r++) {
            List<StoredMessage> stored = all(store, "room" + r);
            assertEquals(range(1, stored.size()), seqs(stored));
            total += stored.size();
        }
        assertEquals(8 * 300, total);
        long room0 = all(store, "room0").size();
        assertEquals(room0 + 1, append(store, "room0", "u", "after").message().seq());
        // A read executor that leaves an interrupt pending on its thread: the store clears it around H2.
        ExecutorService careless = Executors.newFixedThreadPool(2);
        try {
            Executor interrupting = task -> careless.execute(() -> {
                Thread.currentThread().interrupt();
                task.run();
            });
            TenantStore sloppy = TenantStore.open(tenants.resolve("sloppy"), "sloppy", interrupting, observer);
            append(sloppy, "r", "u", "x");
            for (int i = 0; i < 20; i++) {
                assertEquals(1, await(sloppy.before("r", OptionalLong.empty(), 10)).messages().size());
            }
            assertTrue(sloppy.healthy());
            sloppy.close();
        } finally {
            careless.shutdown();
        }
        // Opening and closing from an interrupted thread work too, and leave the flag set.
        Thread.currentThread().interrupt();
        TenantStore other = TenantStore.open(tenants.resolve("other"), "other", reads, observer);
        assertEquals(1, other.append("r", "u", "x", Optional.empty()).join().message().seq()); // join ignores interrupts
        other.close();
        assertTrue(Thread.interrupted());
    }

    @Test
    void runtimeConnectionsCannotReachFilesOrAdminCommands() throws Exception {
        TenantStore store = open("acme");
        Path secret = Files.writeString(tenants.resolve("secret.txt"), "top secret");
        List<String> refused = List.of(
                "SELECT FILE_READ('" + secret + "')",
                "SELECT * FROM CSVREAD('" + secret + "')",
                "SELECT FILE_WRITE('x', '" + tenants.resolve("written") + "')",
                "SELECT * FROM LINK_SCHEMA('L', '', 'jdbc:h2:mem:x', 'sa', '', 'PUBLIC')",
                "CREATE ALIAS EXEC AS 'String exec(String s) { return s; }'",
                "SCRIPT TO '" + tenants.resolve("dump.sql") + "'",
                "RUNSCRIPT FROM '" + secret + "'",
                "BACKUP TO '" + tenants.resolve("backup.zip") + "'",
                "CREATE TABLE extra (x INT)",
                "SET WRITE_DELAY 500",
                "SHUTDOWN");
        for (String sql : refused) {
            for (boolean writer : List.of(false, true)) {
                SqlWork<Boolean> work = c -> {
                    try (Statement statement = c.createStatement()) {
                        statement.execute(sql);
                        return true;
                    } catch (SQLException e) {
                        assertTrue(e.getErrorCode() == 90040 || e.getErrorCode() == 90096, sql + ": " + e);
                        return false;
                    }
                };
                assertFalse(await(writer ? store.write(work) : store.read(work)), "allowed: " + sql);
            }
        }
        assertFalse(Files.exists(tenants.resolve("written")));
        assertFalse(Files.exists(tenants.resolve("dump.sql")));
        assertTrue(store.healthy());
        assertEquals(1, append(store, "r", "u", "still works").message().seq());
    }

    @Test
    void closeCommitsQueuedWritesThenRefusesNewOnes() {
        TenantStore store = open("acme");
        List<CompletableFuture<AppendResult>> pending = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            pending.add(store.append("r" + i % 7, "u", "m" + i, Optional.of("c" + i)));
        }
        store.close();
        pending.forEach(f -> assertTrue(f.isDone() && !f.isCompletedExceptionally(), "completed by close"));
        assertFalse(store.healthy());
        assertInstanceOf(StoreException.class, failure(store.append("r", "u", "late", Optional.empty())));
        assertInstanceOf(StoreException.class, failure(store.before("r0", OptionalLong.empty(), 5)));
        store.close();

        TenantStore reopened = open("acme");
        assertEquals(3000, reopened.messageCount());
        assertEquals(3000 / 7 + 1, all(reopened, "r0").size());
    }

    @Test
    void credentialsStayPrivate() throws Exception {
        open("acme");
        Path credentials = tenants.resolve("acme").resolve(Credentials.FILE_NAME);
        assertTrue(Files.exists(credentials));
        if (credentials.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials)));
        }
        assertNotEquals(-1, Files.readString(credentials).indexOf("app.password"));
    }
}
