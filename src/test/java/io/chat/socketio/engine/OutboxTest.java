package io.chat.socketio.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/** A session's queue: many senders at once, and consumers that take turns, as a poll and then a writer do. */
class OutboxTest {
    @Test
    void takesInTheOrderAdded() {
        Outbox outbox = new Outbox();
        assertTrue(outbox.isEmpty());
        assertNull(outbox.poll());
        EnginePacket first = EnginePacket.message("a");
        EnginePacket second = EnginePacket.message("b");
        outbox.add(first);
        outbox.add(second);
        assertFalse(outbox.isEmpty());
        assertSame(first, outbox.poll());
        assertSame(second, outbox.poll());
        assertTrue(outbox.isEmpty());
        assertNull(outbox.poll());
        outbox.add(first);
        assertSame(first, outbox.poll());
    }

    @Test
    void everyPacketOfEverySenderArrivesOnceAndInItsSendersOrder() throws Exception {
        int senders = 4;
        int perSender = 100_000;
        Outbox outbox = new Outbox();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            int sender = s;
            threads.add(Thread.ofPlatform().start(() -> {
                await(start);
                for (int i = 0; i < perSender; i++) {
                    outbox.add(EnginePacket.message(sender + ":" + i));
                }
            }));
        }
        // consumers take turns under a lock, as polls (and then the upgraded WebSocket's writer) do
        ReentrantLock consumerTurn = new ReentrantLock();
        int[] nextOf = new int[senders];
        AtomicInteger taken = new AtomicInteger();
        List<String> disorder = new ArrayList<>();
        List<Thread> consumers = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            consumers.add(Thread.ofPlatform().start(() -> {
                await(start);
                while (taken.get() < senders * perSender) {
                    consumerTurn.lock();
                    try {
                        EnginePacket packet;
                        int batch = 0;
                        while (batch++ < 50 && (packet = outbox.poll()) != null) {
                            String text = new String(packet.payload(), StandardCharsets.UTF_8).substring(1);
                            int sender = Integer.parseInt(text.substring(0, text.indexOf(':')));
                            int seq = Integer.parseInt(text.substring(text.indexOf(':') + 1));
                            if (seq != nextOf[sender] && disorder.size() < 10) {
                                disorder.add(text + " expected " + nextOf[sender]);
                            }
                            nextOf[sender] = seq + 1;
                            taken.incrementAndGet();
                        }
                    } finally {
                        consumerTurn.unlock();
                    }
                }
            }));
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        for (Thread consumer : consumers) {
            consumer.join(60_000);
            assertFalse(consumer.isAlive(), "a consumer never saw every packet: " + taken.get());
        }
        assertEquals(List.of(), disorder);
        assertEquals(senders * perSender, taken.get());
        for (int s = 0; s < senders; s++) {
            assertEquals(perSender, nextOf[s]);
        }
        assertTrue(outbox.isEmpty());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
