package io.chat.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A revocation stops the socket's writes and waits for those under way (below). Presence counts a socket in a room once and uncounts it once, whichever of entering, leaving and disconnecting
 * comes first: an entry that finishes after its socket disconnected counts nothing (it left a ghost member), and a
 * disconnect uncounts only the rooms that were counted (it told a room a user left whose other socket was there).
 */
class SocketWorkTest {
    private final SocketWork work = new SocketWork();
    private final Presence presence = new Presence();

    @Test
    void aRoomIsCountedOnceAndUncountedOnce() {
        assertTrue(work.enterCounted("general", () -> presence.enter("general", "alice")));
        assertFalse(work.enterCounted("general", () -> presence.enter("general", "alice")), "counted already");
        assertEquals(List.of("alice"), presence.members("general"));
        assertTrue(work.exitCounted("general", () -> presence.exit("general", "alice")));
        assertFalse(work.exitCounted("general", () -> presence.exit("general", "alice")), "not counted any more");
        assertEquals(List.of(), presence.members("general"));
    }

    @Test
    void anEntryThatFinishesAfterTheDisconnectCountsNothing() {
        assertEquals(List.of(), work.exitAllCounted(room -> presence.exit(room, "alice")));
        assertFalse(work.enterCounted("general", () -> presence.enter("general", "alice")));
        assertEquals(List.of(), presence.members("general"), "no ghost member");
    }

    @Test
    void theDisconnectUncountsOnlyWhatWasCounted() {
        SocketWork other = new SocketWork();
        other.enterCounted("general", () -> presence.enter("general", "alice"));
        work.enterCounted("random", () -> presence.enter("random", "alice"));
        work.enterCounted("general", () -> presence.enter("general", "alice"));
        assertEquals(
                List.of("random"),
                work.exitAllCounted(room -> presence.exit(room, "alice")),
                "alice's other socket is still in general");
        assertEquals(List.of("alice"), presence.members("general"));
        assertEquals(List.of(), presence.members("random"));
    }

    @Test
    void aRevocationWaitsForTheWritesStartedBeforeIt() {
        CompletableFuture<Void> first = new CompletableFuture<>();
        CompletableFuture<Void> second = new CompletableFuture<>();
        work.write(() -> first);
        work.write(() -> second);
        CompletableFuture<Void> settled = work.stopWrites();
        assertFalse(settled.isDone(), "two writes under way");
        first.complete(null);
        assertFalse(settled.isDone(), "one write under way");
        second.completeExceptionally(new IllegalStateException("the store failed"));
        assertTrue(settled.isDone(), "a failed write is over too");
        assertSame(settled, work.stopWrites(), "idempotent");
    }

    @Test
    void noWriteStartsAfterARevocation() {
        assertFalse(work.writesStopped());
        assertTrue(work.stopWrites().isDone(), "nothing was under way");
        assertTrue(work.writesStopped(), "every event of the socket is refused from now on");
        AtomicBoolean started = new AtomicBoolean();
        Acks.Refusal refusal = assertThrows(
                Acks.Refusal.class,
                () -> work.write(() -> {
                    started.set(true);
                    return CompletableFuture.completedFuture(null);
                }));
        assertEquals(Acks.ErrorCode.FORBIDDEN, refusal.code());
        assertFalse(started.get());
    }

    @Test
    void aWriteThatFailsToStartIsNotWaitedFor() {
        assertThrows(
                IllegalStateException.class,
                () -> work.write(() -> {
                    throw new IllegalStateException("refused at once");
                }));
        assertTrue(work.stopWrites().isDone());
    }

    /** Writes starting on many threads while the revocation runs: it waits for exactly those that started. */
    @Test
    void writesRacingARevocationAreEitherRefusedOrWaitedFor() throws Exception {
        for (int round = 0; round < 200; round++) {
            SocketWork racing = new SocketWork();
            List<CompletableFuture<Void>> started = new CopyOnWriteArrayList<>();
            // the writers and this thread leave the barrier together: the revocation runs while they write
            CyclicBarrier go = new CyclicBarrier(5);
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                writers.add(Thread.ofPlatform().start(() -> {
                    awaitQuietly(go);
                    for (int i = 0; i < 50; i++) {
                        try {
                            racing.write(() -> {
                                CompletableFuture<Void> write = new CompletableFuture<>();
                                started.add(write);
                                return write;
                            });
                        } catch (Acks.Refusal refused) {
                            return;
                        }
                    }
                }));
            }
            awaitQuietly(go);
            CompletableFuture<Void> settled = racing.stopWrites();
            for (Thread writer : writers) {
                writer.join();
            }
            List<CompletableFuture<Void>> startedBefore = List.copyOf(started);
            for (CompletableFuture<Void> write : startedBefore) {
                assertFalse(settled.isDone(), "settled with a write under way");
                write.complete(null);
            }
            assertTrue(settled.isDone(), "every write that started is done");
        }
    }

    private static void awaitQuietly(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (InterruptedException | BrokenBarrierException e) {
            throw new AssertionError(e);
        }
    }
}
