package io.chat.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6: "a handler thread interrupted while the store writes: the store stays open". Virtual and platform
 * threads call every kind of store operation while another thread interrupts them at random, before, during
 * and after their calls, while they block in a future's get() and while the writer's commits are in flight.
 * An interrupt reaching H2's file I/O would close the database for every connection (FileChannel is
 * interruptible); the store promises that callers' interrupts never get there: writes run on the writer's own
 * thread, reads on the read executor (platform threads, as in Main, never interrupted).
 *
 * <p>The test can fail: with reads run on the caller's thread instead of the read executor, an interrupted
 * caller reading from the file (the second round, after a reopen, has a cold cache) closed H2's FileChannel,
 * the writer's next commit failed with ClosedChannelException and H2 closed the database: every run failed.
 */
class InterruptedCallersTest {
    private static final int ROOMS = 5;
    private static final long CHAOS_MILLIS = 4_000;
    private static final long COLD_READ_MILLIS = 2_000;
    /** Long texts, so that reads after a reopen (cold cache) go to the file. */
    private static final String PADDING = "p".repeat(3_000);

    @TempDir
    Path tenants;

    private record Sent(String room, String text, CompletableFuture<AppendResult> result) {}

    @Test
    void interruptedCallersNeverCloseTheStoreAndLoseNoAcknowledgedAppend() throws Exception {
        AtomicLong commits = new AtomicLong();
        AtomicLong commitsDuringChaos = new AtomicLong();
        AtomicBoolean chaos = new AtomicBoolean(true);
        CommitObserver observer = (size, nanos) -> {
            commits.incrementAndGet();
            if (chaos.get()) {
                commitsDuringChaos.incrementAndGet();
            }
        };
        ExecutorService reads = readExecutor();
        H2TenantStore store = H2TenantStore.open(tenants.resolve("acme"), "acme", reads, observer);
        await(store.createUser(new UserRecord("owner", Optional.empty(), "hash", Instant.now())));

        Chaos first = new Chaos(store, false, chaos);
        first.run(CHAOS_MILLIS);
        chaos.set(false);
        first.check();

        // Every call completed, none failed: interrupts of callers are no store failures.
        List<Sent> appends = new ArrayList<>(first.sent);
        for (Sent s : appends) {
            assertTrue(!await(s.result()).duplicate());
        }
        assertTrue(store.healthy(), "store healthy after the interrupts");
        System.out.printf(
                "interrupted callers (writes and reads): %s, %d appends, %d commits (%d during the interrupts)%n",
                first, appends.size(), commits.get(), commitsDuringChaos.get());
        assertTrue(commitsDuringChaos.get() > 0, "commits were in flight during the interrupts");

        // Every acknowledged append is stored, once, gap-free per room; later writes and reads work.
        assertStored(store, appends);
        AppendResult after = await(store.append("r0", "late", "after the interrupts", Optional.empty()));
        assertEquals(countIn(appends, "r0") + 1, after.message().seq());
        Set<String> expectedUsers = new HashSet<>(first.users);
        expectedUsers.add("owner");
        assertEquals(expectedUsers, names(await(store.users())));
        assertEquals(appends.size() + 1, store.messageCount());

        // And the same after a reopen: everything acknowledged was committed to the file.
        store.close();
        reads.shutdown();
        ExecutorService reads2 = readExecutor();
        H2TenantStore reopened = H2TenantStore.open(tenants.resolve("acme"), "acme", reads2, (size, nanos) -> {});
        try {
            // Reads on a cold cache go to the file: interrupt their callers too.
            Chaos coldReads = new Chaos(reopened, true, new AtomicBoolean(true));
            coldReads.run(COLD_READ_MILLIS);
            coldReads.chaos.set(false);
            coldReads.check();
            System.out.printf("interrupted callers (reads after reopen): %s%n", coldReads);
            assertTrue(reopened.healthy());
            assertEquals(appends.size() + 1, reopened.messageCount());
            List<Sent> withLate = new ArrayList<>(appends);
            withLate.add(new Sent("r0", "after the interrupts", CompletableFuture.completedFuture(after)));
            assertStored(reopened, withLate);
            assertEquals(expectedUsers, names(await(reopened.users())));
        } finally {
            reopened.close();
            reads2.shutdown();
        }
    }

    /** Callers of the store, half virtual and half platform threads, and the interrupts sent to them. */
    private static final class Chaos {
        final H2TenantStore store;
        final boolean readsOnly;
        final AtomicBoolean chaos;
        final Queue<Sent> sent = new ConcurrentLinkedQueue<>();
        final Queue<CompletableFuture<?>> others = new ConcurrentLinkedQueue<>();
        final Queue<String> users = new ConcurrentLinkedQueue<>();
        final Queue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        final AtomicInteger interruptedWaits = new AtomicInteger();
        final AtomicInteger callsWithInterruptPending = new AtomicInteger();
        final AtomicInteger interruptedDuringGet = new AtomicInteger();
        final AtomicLong operations = new AtomicLong();
        long interrupts;

        Chaos(H2TenantStore store, boolean readsOnly, AtomicBoolean chaos) {
            this.store = store;
            this.readsOnly = readsOnly;
            this.chaos = chaos;
        }

        void run(long millis) throws InterruptedException {
            List<Thread> callers = new ArrayList<>();
            for (int w = 0; w < 12; w++) {
                int worker = w;
                Runnable body = () -> {
                    try {
                        callerLoop(
                                worker,
                                store,
                                readsOnly,
                                chaos,
                                sent,
                                others,
                                users,
                                operations,
                                interruptedWaits,
                                callsWithInterruptPending,
                                interruptedDuringGet);
                    } catch (Throwable e) {
                        unexpected.add(e);
                    }
                };
                // Half virtual (Helidon's handlers), half platform.
                callers.add(
                        worker % 2 == 0
                                ? Thread.ofVirtual().name("caller-v" + worker).start(body)
                                : Thread.ofPlatform().name("caller-p" + worker).start(body));
            }
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            while (System.nanoTime() < end) {
                callers.get(ThreadLocalRandom.current().nextInt(callers.size())).interrupt();
                interrupts++;
                LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(20_000, 300_000));
            }
            chaos.set(false);
            for (Thread caller : callers) {
                caller.join(TimeUnit.SECONDS.toMillis(60));
                assertTrue(!caller.isAlive(), caller.getName() + " did not end");
            }
        }

        /** No caller saw a failure of the store, every call completed, and the interrupts hit where they should. */
        void check() {
            if (!unexpected.isEmpty()) {
                AssertionError error = new AssertionError(unexpected.size() + " unexpected failures in callers");
                unexpected.forEach(error::addSuppressed);
                throw error;
            }
            for (CompletableFuture<?> other : others) {
                await(other);
            }
            assertTrue(interruptedDuringGet.get() > 0, "some callers were interrupted while blocked in get()");
            assertTrue(callsWithInterruptPending.get() > 0, "some calls were made with an interrupt pending");
        }

        @Override
        public String toString() {
            return interrupts + " interrupts sent, " + interruptedWaits + " waits interrupted (" + interruptedDuringGet
                    + " of them in get()), " + callsWithInterruptPending + " calls made with an interrupt pending, "
                    + operations + " operations";
        }
    }

    private static void callerLoop(
            int worker,
            H2TenantStore store,
            boolean readsOnly,
            AtomicBoolean chaos,
            Queue<Sent> sent,
            Queue<CompletableFuture<?>> others,
            Queue<String> users,
            AtomicLong operations,
            AtomicInteger interruptedWaits,
            AtomicInteger callsWithInterruptPending,
            AtomicInteger interruptedDuringGet)
            throws TimeoutException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; chaos.get(); i++) {
            if (random.nextInt(4) == 0) {
                Thread.currentThread().interrupt(); // an interrupt pending when the store is called
            }
            if (Thread.currentThread().isInterrupted()) {
                callsWithInterruptPending.incrementAndGet();
            }
            String room = "r" + random.nextInt(ROOMS);
            CompletableFuture<?> future;
            int op = readsOnly ? 5 + random.nextInt(2) + (random.nextInt(10) == 0 ? 4 : 0) : random.nextInt(10);
            if (op < 5) {
                String text = "w" + worker + "-" + i + " " + PADDING.substring(0, random.nextInt(PADDING.length()));
                CompletableFuture<AppendResult> append = store.append(room, "u" + worker, text, Optional.empty());
                sent.add(new Sent(room, text, append));
                future = append;
            } else if (op == 5) {
                future = store.before(room, OptionalLong.empty(), 20);
            } else if (op == 6) {
                future = store.since(room, random.nextLong(0, 2_000), 50);
            } else if (op == 7) {
                String user = "user-" + worker + "-" + i;
                users.add(user);
                future = store.createUser(new UserRecord(user, Optional.empty(), "hash", Instant.now()));
            } else if (op == 8) {
                String token = "token-" + worker + "-" + i;
                future = store.saveSession(
                                new SessionRecord(token, "owner", Instant.now().plusSeconds(60)), "hash")
                        .thenComposeAsync(ignored -> store.session(token))
                        .thenComposeAsync(ignored -> store.deleteSession(token));
            } else if (op == 10) {
                future = store.since(room, 0, H2TenantStore.MAX_PAGE);
            } else {
                boolean healthy = store.healthy(); // ignores interrupts, answers within about 2 s
                if (!healthy) {
                    throw new AssertionError("store unhealthy while callers were interrupted");
                }
                future = store.user("owner");
            }
            if (op >= 5) {
                others.add(future);
            }
            operations.incrementAndGet();
            switch (random.nextInt(4)) {
                case 0, 1 -> {
                    try {
                        future.get(30, TimeUnit.SECONDS); // interruptible: the chaos thread hits these
                    } catch (InterruptedException e) {
                        interruptedWaits.incrementAndGet();
                        interruptedDuringGet.incrementAndGet();
                    } catch (ExecutionException e) {
                        throw new AssertionError("store call failed", e.getCause());
                    }
                }
                case 2 -> {
                    try {
                        future.join(); // not interruptible: the flag stays set for the next call
                    } catch (RuntimeException e) {
                        throw new AssertionError("store call failed", e);
                    }
                }
                default -> {
                    // fire and forget: the next call races this one's commit
                }
            }
            if (random.nextInt(8) == 0 && Thread.interrupted()) {
                interruptedWaits.incrementAndGet();
            }
        }
        Thread.interrupted();
    }

    private static void assertStored(H2TenantStore store, List<Sent> appends) {
        for (int r = 0; r < ROOMS; r++) {
            String room = "r" + r;
            List<StoredMessage> stored = new ArrayList<>();
            long afterSeq = 0;
            while (true) {
                MessagePage page = await(store.since(room, afterSeq, H2TenantStore.MAX_PAGE));
                stored.addAll(page.messages());
                if (!page.hasMore()) {
                    break;
                }
                afterSeq = page.messages().getLast().seq();
            }
            assertEquals(
                    LongStream.rangeClosed(1, stored.size()).boxed().toList(),
                    stored.stream().map(StoredMessage::seq).toList(),
                    room + ": seq gap-free from 1");
            Set<String> expected = new HashSet<>();
            for (Sent s : appends) {
                if (s.room().equals(room)) {
                    expected.add(s.text());
                    StoredMessage acked = await(s.result()).message();
                    StoredMessage found = stored.get((int) acked.seq() - 1);
                    assertEquals(s.text(), found.text(), room + " seq " + acked.seq() + " holds what was acknowledged");
                }
            }
            Set<String> texts = new HashSet<>();
            stored.forEach(m -> texts.add(m.text()));
            assertEquals(expected, texts, room + ": exactly the acknowledged appends");
            assertEquals(expected.size(), stored.size(), room + ": each once");
        }
    }

    private static long countIn(List<Sent> appends, String room) {
        return appends.stream().filter(s -> s.room().equals(room)).count();
    }

    private static Set<String> names(List<UserRecord> users) {
        Set<String> names = new HashSet<>();
        users.forEach(u -> names.add(u.username()));
        return names;
    }

    /** Like Main's: a few platform threads that nobody interrupts. */
    private static ExecutorService readExecutor() {
        return Executors.newFixedThreadPool(
                4, Thread.ofPlatform().name("store-read-", 0).daemon().factory());
    }

    private static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return fail("store call failed", e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            return fail("store call did not complete", e);
        }
    }
}
