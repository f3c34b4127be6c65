package io.chat.socketio.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A sender and the WebSocket's writer meet as two stores and two loads (Dekker). The sender
 * ({@link EngineSession#send}) links its packet ({@link Outbox#add}, a release store after the tail swap), then reads
 * {@code transport} and {@code writeScheduled} ({@code WebSocketConnection.wake()}, a plain read first). The writer
 * ({@code WebSocketConnection.writeLoop}) clears {@code writeScheduled}, then asks {@code hasQueued()} (an acquire
 * read of the head's link). For no wake-up to be lost, at least one side must see the other's store. A release store
 * followed by a volatile load is no StoreLoad barrier (on x86 the link waits in the store buffer while the flag is
 * read), so both can miss: the sender sees a writer still scheduled and does not wake it, the writer sees an empty
 * queue and returns, and the packet waits for the session's next send (a ping 25 s later; if the stranded packet is
 * the ping itself, the session dies of a ping timeout). With ConcurrentLinkedQueue the link was a CAS, a full fence.
 * <p>
 * The same race, one level up: {@code switchTo} sets {@code transport} and then the new writer asks
 * {@code hasQueued()}, while a sender links and then reads {@code transport} (the old, retired polling transport).
 * <p>
 * The Outbox now tells emptiness by its tail, which the sender swaps with a full fence before it reads the flag.
 */
class OutboxWakeUpTest {
    private static final int ACTORS = 1 << 12;

    /** One sender/writer meeting: a queue and the writer's flag, set while "a writer is scheduled". */
    private interface Meeting {
        void send(EnginePacket packet);

        boolean empty();
    }

    @Test
    void aSenderAndAFinishingWriterNeverBothMissEachOther() throws Exception {
        // the queue before the fix lost about one in 150,000 meetings here: 10 s makes millions
        long lost = litmus(10, () -> {
            Outbox outbox = new Outbox();
            return new Meeting() {
                @Override
                public void send(EnginePacket packet) {
                    outbox.add(packet);
                }

                @Override
                public boolean empty() {
                    return outbox.isEmpty();
                }
            };
        });
        assertEquals(0, lost, "lost wake-ups: a packet queued, its sender saw a writer, the writer saw nothing");
    }

    /** The harness on the queue the Outbox replaced: it finds none (the CAS that links is a full fence). */
    @Test
    void theReplacedQueueNeverLosesOne() throws Exception {
        long lost = litmus(2, () -> {
            Queue<EnginePacket> queue = new ConcurrentLinkedQueue<>();
            return new Meeting() {
                @Override
                public void send(EnginePacket packet) {
                    queue.add(packet);
                }

                @Override
                public boolean empty() {
                    return queue.isEmpty();
                }
            };
        });
        assertEquals(0, lost);
    }

    private interface Factory {
        Meeting make();
    }

    /** Rounds of ACTORS meetings, the two threads starting each round together; counts the forbidden outcome. */
    private static long litmus(int seconds, Factory factory) throws Exception {
        EnginePacket packet = EnginePacket.message("m");
        AtomicInteger round = new AtomicInteger();
        AtomicInteger senderAt = new AtomicInteger(-1);
        AtomicInteger writerAt = new AtomicInteger(-1);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong lost = new AtomicLong();
        AtomicLong rounds = new AtomicLong();
        Meeting[][] meetings = new Meeting[2][ACTORS];
        AtomicBoolean[][] scheduled = new AtomicBoolean[2][ACTORS];
        boolean[][] senderSawScheduled = new boolean[2][ACTORS];
        boolean[][] writerSawEmpty = new boolean[2][ACTORS];
        prepare(factory, meetings[0], scheduled[0]);
        Thread sender = Thread.ofPlatform().start(() -> {
            for (int r = 0; !stop.get(); r++) {
                while (round.get() != r && !stop.get()) {
                    Thread.onSpinWait();
                }
                if (stop.get()) {
                    break;
                }
                int b = r & 1;
                Meeting[] m = meetings[b];
                AtomicBoolean[] s = scheduled[b];
                boolean[] out = senderSawScheduled[b];
                for (int i = 0; i < ACTORS; i++) {
                    m[i].send(packet); // EngineSession.enqueue -> Outbox.add
                    out[i] = s[i].get(); // WebSocketConnection.wake(): !writeScheduled.get()
                }
                senderAt.set(r);
            }
        });
        Thread writer = Thread.ofPlatform().start(() -> {
            for (int r = 0; !stop.get(); r++) {
                while (round.get() != r && !stop.get()) {
                    Thread.onSpinWait();
                }
                if (stop.get()) {
                    break;
                }
                int b = r & 1;
                Meeting[] m = meetings[b];
                AtomicBoolean[] s = scheduled[b];
                boolean[] out = writerSawEmpty[b];
                for (int i = 0; i < ACTORS; i++) {
                    s[i].set(false); // writeLoop: writeScheduled.set(false)
                    out[i] = m[i].empty(); // then !somethingToWrite(): session.hasQueued()
                }
                writerAt.set(r);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (int r = 0; System.nanoTime() < deadline && lost.get() == 0; r++) {
            int b = r & 1;
            // the next round's meetings, made while this one runs
            round.set(r);
            prepare(factory, meetings[b ^ 1], scheduled[b ^ 1]);
            while ((senderAt.get() != r || writerAt.get() != r) && sender.isAlive() && writer.isAlive()) {
                Thread.yield(); // two cores: leave them to the two threads that race
            }
            for (int i = 0; i < ACTORS; i++) {
                if (senderSawScheduled[b][i] && writerSawEmpty[b][i]) {
                    lost.incrementAndGet();
                }
            }
            rounds.incrementAndGet();
        }
        stop.set(true);
        sender.join();
        writer.join();
        System.out.println("litmus: " + rounds.get() * ACTORS + " meetings, " + lost.get() + " lost wake-ups");
        return lost.get();
    }

    private static void prepare(Factory factory, Meeting[] meetings, AtomicBoolean[] scheduled) {
        for (int i = 0; i < ACTORS; i++) {
            meetings[i] = factory.make();
            scheduled[i] = new AtomicBoolean(true);
        }
    }
}
