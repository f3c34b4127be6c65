package io.chat.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * What every {@link MessageStore} guarantees: gap-free seqs per room under concurrent appends, acknowledgement only
 * once committed, clientId dedupe answering with the original message, paging and catch-up boundaries, limits, and
 * all of it across a close and reopen. An implementation passes it by subclassing with {@link #openStore}.
 */
abstract class MessageStoreContract extends StoreContract {
    static AppendResult append(MessageStore store, String room, String from, String text) {
        return await(store.append(room, from, text, Optional.empty()));
    }

    static List<StoredMessage> all(MessageStore store, String room) {
        return await(store.since(room, 0, MessageStore.MAX_PAGE)).messages();
    }

    static List<Long> seqs(List<StoredMessage> messages) {
        return messages.stream().map(StoredMessage::seq).toList();
    }

    static List<Long> range(long from, long to) {
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
    void anAcknowledgedAppendIsCommittedForEveryLaterRead() throws Exception {
        TenantStore store = open("acme");
        int threads = 8;
        int perThread = 100;
        List<Thread> workers = new ArrayList<>();
        Queue<String> problems = new ConcurrentLinkedQueue<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < perThread; i++) {
                    String room = "room" + id % 2;
                    StoredMessage acked =
                            append(store, room, "user" + id, "m" + i).message();
                    // read at once, on a read path of its own: the ack came after the commit, never before
                    List<StoredMessage> read =
                            await(store.since(room, acked.seq() - 1, 1)).messages();
                    if (!read.equals(List.of(acked))) {
                        problems.add("acked " + acked + ", then read " + read);
                    }
                    if (await(store.before(room, OptionalLong.empty(), 1))
                                    .messages()
                                    .getLast()
                                    .seq()
                            < acked.seq()) {
                        problems.add("newest message older than acked " + acked);
                    }
                }
            }));
        }
        for (Thread worker : workers) {
            worker.join();
        }
        assertEquals(List.of(), List.copyOf(problems));
        assertEquals((long) threads * perThread, store.messageCount());
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
        assertFalse(await(store.append("general", "bob", "hello", Optional.of("c-1")))
                .duplicate());
        assertFalse(await(store.append("other", "alice", "hello", Optional.of("c-1")))
                .duplicate());
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
                    seen.computeIfAbsent("id-" + c, k -> ConcurrentHashMap.newKeySet())
                            .add(result.message());
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
        List<AppendResult> results = burst.stream().map(StoreContract::await).toList();
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
        assertEquals(
                List.of("m9", "m10"),
                page.messages().stream().map(StoredMessage::text).toList());
        assertThrows(IllegalArgumentException.class, () -> store.before("general", OptionalLong.empty(), 0));
        assertThrows(IllegalArgumentException.class, () -> store.since("general", 0, MessageStore.MAX_PAGE + 1));
    }

    private static void assertPage(CompletableFuture<MessagePage> future, List<Long> expected, boolean hasMore) {
        MessagePage page = await(future);
        assertEquals(expected, seqs(page.messages()));
        assertEquals(hasMore, page.hasMore(), "hasMore");
    }

    @Test
    void catchUpWalksEveryMessageOncePageByPage() {
        TenantStore store = open("acme");
        for (int i = 1; i <= 25; i++) {
            append(store, "general", "alice", "m" + i);
        }
        List<Long> walked = new ArrayList<>();
        long after = 0;
        MessagePage page;
        do {
            page = await(store.since("general", after, 7));
            page.messages().forEach(m -> walked.add(m.seq()));
            after = page.messages().isEmpty()
                    ? after
                    : page.messages().getLast().seq();
        } while (page.hasMore());
        assertEquals(range(1, 25), walked);
        List<Long> backwards = new ArrayList<>();
        OptionalLong before = OptionalLong.empty();
        do {
            page = await(store.before("general", before, 7));
            backwards.addAll(0, seqs(page.messages()));
            before = OptionalLong.of(page.messages().getFirst().seq());
        } while (page.hasMore());
        assertEquals(range(1, 25), backwards);
        assertPage(store.since("general", 0, MessageStore.MAX_PAGE), range(1, 25), false);
        assertPage(store.before("general", OptionalLong.empty(), 1), List.of(25L), true);
        assertPage(store.since("general", 24, 1), List.of(25L), false);
    }

    @Test
    void textIsStoredExactlyAndTimestampsHaveMillisecondPrecision() {
        TenantStore store = open("acme");
        String emoji = "😀".repeat(4000); // 4000 code points, 8000 UTF-16 units
        List<String> texts = List.of("plain", emoji, "a\u0000b", "e\u0301 \u202e ' \" ; -- \\", "x".repeat(4000));
        List<StoredMessage> appended = texts.stream()
                .map(t -> append(store, "room.name_with-64-chars-" + "x".repeat(40), "a.b_c-d", t)
                        .message())
                .toList();
        List<StoredMessage> stored = all(store, "room.name_with-64-chars-" + "x".repeat(40));
        assertEquals(appended, stored);
        assertEquals(texts, stored.stream().map(StoredMessage::text).toList());
        for (StoredMessage m : stored) {
            assertEquals(0, m.ts().getNano() % 1_000_000);
            assertTrue(m.ts().toString().endsWith("Z"));
            assertFalse(m.id().isBlank());
        }
        assertEquals(
                texts.size(), stored.stream().map(StoredMessage::id).distinct().count());
        assertThrows(
                IllegalArgumentException.class,
                () -> store.append("r", "a", "x".repeat(MessageStore.MAX_TEXT + 1), Optional.empty()));
    }

    @Test
    void argumentsPastTheLimitsThrowAtOnceAndValuesAtThemAreStored() {
        TenantStore store = open("acme");
        String room = "r".repeat(MessageStore.MAX_ROOM);
        String from = "u".repeat(AccountStore.MAX_USER);
        String clientId = "c".repeat(MessageStore.MAX_CLIENT_ID);
        StoredMessage longest = await(
                        store.append(room, from, "t".repeat(MessageStore.MAX_TEXT), Optional.of(clientId)))
                .message();
        assertEquals(List.of(longest), all(store, room));
        assertEquals(
                longest,
                await(store.append(room, from, "again", Optional.of(clientId))).message());

        assertThrows(IllegalArgumentException.class, () -> store.append(room + "r", from, "t", Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> store.append(room, from + "u", "t", Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> store.append(room, from, "t", Optional.of(clientId + "c")));
        assertThrows(NullPointerException.class, () -> store.append(null, from, "t", Optional.empty()));
        assertThrows(NullPointerException.class, () -> store.append(room, from, null, Optional.empty()));
        assertThrows(NullPointerException.class, () -> store.append(room, from, "t", null));
        assertThrows(IllegalArgumentException.class, () -> store.before(room + "r", OptionalLong.empty(), 1));
        assertThrows(IllegalArgumentException.class, () -> store.since(room + "r", 0, 1));
        assertThrows(IllegalArgumentException.class, () -> store.since(room, 0, 0));
        assertThrows(
                IllegalArgumentException.class,
                () -> store.before(room, OptionalLong.empty(), MessageStore.MAX_PAGE + 1));
        assertEquals(1, store.messageCount(), "nothing refused was stored");
    }

    @Test
    void aFailedWriteDoesNotSpoilTheOthersInItsBatch() {
        TenantStore store = open("acme");
        await(store.createUser(new UserRecord("bob", Optional.empty(), "h", Instant.now())));
        List<CompletableFuture<?>> futures = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            futures.add(store.append("general", "bob", "m" + i, Optional.empty()));
            futures.add(store.createUser(new UserRecord("bob", Optional.empty(), "h", Instant.now())));
            futures.add(store.saveSession(new SessionRecord("t" + i, "ghost", Instant.now()), "h"));
        }
        for (int i = 0; i < futures.size(); i += 3) {
            await(futures.get(i));
            assertInstanceOf(DuplicateUserException.class, failure(futures.get(i + 1)));
            assertEquals(false, await(futures.get(i + 2)), "no session for a user that does not exist");
        }
        assertEquals(range(1, 50), seqs(all(store, "general")));
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
                        healthy(store);
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
        assertTrue(healthy(store));
        long total = 0;
        for (int r = 0; r < 3; r++) {
            List<StoredMessage> stored = all(store, "room" + r);
            assertEquals(range(1, stored.size()), seqs(stored));
            total += stored.size();
        }
        assertEquals(8 * 300, total);
        long room0 = all(store, "room0").size();
        assertEquals(room0 + 1, append(store, "room0", "u", "after").message().seq());
        // Opening and closing from an interrupted thread work too, and leave the flag set.
        Thread.currentThread().interrupt();
        TenantStore other = openStore("other", observer);
        assertEquals(
                1,
                other.append("r", "u", "x", Optional.empty()).join().message().seq()); // join ignores interrupts
        other.close();
        assertTrue(Thread.interrupted());
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
        assertFalse(healthy(store));
        assertInstanceOf(StoreException.class, failure(store.append("r", "u", "late", Optional.empty())));
        assertInstanceOf(StoreException.class, failure(store.before("r0", OptionalLong.empty(), 5)));
        store.close();

        TenantStore reopened = open("acme");
        assertEquals(3000, reopened.messageCount());
        assertEquals(3000 / 7 + 1, all(reopened, "r0").size());
    }
}
