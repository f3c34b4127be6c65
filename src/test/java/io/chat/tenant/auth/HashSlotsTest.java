package io.chat.tenant.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The slow hashes' processors: a calm lane's hash waiting behind many flooded lanes' hashes (one each: each tenant's own
 * limit holds them to that) gets the next processor; among equals, first come first served; a flooded lane still
 * gets a processor nobody else waits for.
 */
class HashSlotsTest {
    private static final boolean CALM = false;
    private static final boolean BUSY = true;

    @Test
    void aCalmLanesHashGoesBeforeEveryWaitingBusyOne() throws Exception {
        HashSlots slots = new HashSlots(1);
        slots.acquire(CALM); // the processor is busy
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            threads.add(waiter(slots, BUSY, "flood-" + i, order));
            awaitWaiting(slots, i + 1);
        }
        threads.add(waiter(slots, CALM, "calm-0", order));
        awaitWaiting(slots, 4);
        threads.add(waiter(slots, CALM, "calm-1", order));
        awaitWaiting(slots, 5);

        slots.release();
        for (Thread thread : threads) {
            thread.join(10_000);
            assertFalse(thread.isAlive(), thread.getName());
        }
        assertEquals(List.of("calm-0", "calm-1", "flood-0", "flood-1", "flood-2"), order);
        assertEquals(0, slots.waiting());
        slots.acquire(BUSY); // and the processor is free again, for a busy lane too
        slots.release();
    }

    @Test
    void anInterruptWhileWaitingIsKeptAndTheHashStillWaitsItsTurn() throws Exception {
        HashSlots slots = new HashSlots(1);
        slots.acquire(CALM);
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        Thread waiting = waiter(slots, CALM, "waiting", order);
        awaitWaiting(slots, 1);
        waiting.interrupt();
        Thread.sleep(50);
        assertTrue(order.isEmpty(), "an interrupt does not hand it a processor");
        slots.release();
        waiting.join(10_000);
        assertEquals(List.of("waiting+interrupted"), order);
    }

    /** A thread that takes a processor, notes its name (and whether it was interrupted), and gives it back. */
    private static Thread waiter(HashSlots slots, boolean suspect, String name, List<String> order) {
        return Thread.ofPlatform().name(name).start(() -> {
            slots.acquire(suspect);
            order.add(Thread.currentThread().isInterrupted() ? name + "+interrupted" : name);
            slots.release();
        });
    }

    private static void awaitWaiting(HashSlots slots, int count) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (slots.waiting() < count) {
            assertTrue(System.nanoTime() < deadline, "waiting: " + slots.waiting());
            Thread.sleep(5);
        }
    }
}
