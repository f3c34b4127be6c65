package io.chat.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Logins per address: a few at once, the next ones wait their turn for a bounded time, in bounded numbers. */
class LoginSlotsTest {
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    private Future<Optional<LoginSlots.Slot>> acquireLater(LoginSlots slots, String address) {
        return threads.submit(() -> slots.acquire(address));
    }

    @Test
    void aThirdLoginWaitsForASlotInsteadOfBeingRefused() throws Exception {
        LoginSlots slots = new LoginSlots(2, 4, 10, 100, Duration.ofSeconds(10));
        LoginSlots.Slot first = slots.acquire("10.0.0.1").orElseThrow();
        LoginSlots.Slot second = slots.acquire("10.0.0.1").orElseThrow();
        Future<Optional<LoginSlots.Slot>> third = acquireLater(slots, "10.0.0.1");
        Thread.sleep(100);
        assertFalse(third.isDone(), "waits while both slots are taken");
        slots.acquire("10.0.0.2").orElseThrow().close();
        first.close();
        LoginSlots.Slot got = third.get(5, TimeUnit.SECONDS).orElseThrow();
        first.close(); // closing twice gives back nothing more
        Future<Optional<LoginSlots.Slot>> fourth = acquireLater(slots, "10.0.0.1");
        Thread.sleep(100);
        assertFalse(fourth.isDone(), "still two in progress");
        got.close();
        fourth.get(5, TimeUnit.SECONDS).orElseThrow().close();
        second.close();
        assertEquals(0, slots.addresses(), "an address with nothing in progress is forgotten");
    }

    @Test
    void theWaitIsBoundedInTimeAndInWaiters() throws Exception {
        LoginSlots slots = new LoginSlots(1, 2, 10, 100, Duration.ofMillis(300));
        LoginSlots.Slot held = slots.acquire("10.0.0.1").orElseThrow();
        List<Future<Optional<LoginSlots.Slot>>> waiters =
                List.of(acquireLater(slots, "10.0.0.1"), acquireLater(slots, "10.0.0.1"));
        Thread.sleep(100);
        long start = System.nanoTime();
        assertTrue(slots.acquire("10.0.0.1").isEmpty(), "a third waiter is refused");
        assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(100), "at once");
        for (Future<Optional<LoginSlots.Slot>> waiter : waiters) {
            assertTrue(waiter.get(5, TimeUnit.SECONDS).isEmpty(), "refused once the wait ran out");
        }
        held.close();
        assertEquals(0, slots.addresses());
    }

    @Test
    void addressesAndWaitersInAllAreBounded() throws Exception {
        LoginSlots slots = new LoginSlots(1, 10, 3, 2, Duration.ofSeconds(5));
        List<LoginSlots.Slot> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(slots.acquire("10.0.0." + i).orElseThrow());
        }
        assertTrue(slots.acquire("10.0.0.9").isEmpty(), "a fourth address is refused");
        List<Future<Optional<LoginSlots.Slot>>> waiters =
                List.of(acquireLater(slots, "10.0.0.0"), acquireLater(slots, "10.0.0.0"));
        Thread.sleep(100);
        long start = System.nanoTime();
        assertTrue(slots.acquire("10.0.0.1").isEmpty(), "no third waiter in all");
        assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(100), "at once");
        held.forEach(LoginSlots.Slot::close);
        // both waiters want 10.0.0.0's one slot: whichever got it first (not necessarily the first started) is served
        // and closes it, then the other; waiting on them in start order could outwait the other's 5 s
        List<Future<Optional<LoginSlots.Slot>>> pending = new ArrayList<>(waiters);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!pending.isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "a waiter was not served after the other closed its slot");
            for (var it = pending.iterator(); it.hasNext(); ) {
                Future<Optional<LoginSlots.Slot>> waiter = it.next();
                if (waiter.isDone()) {
                    waiter.get().orElseThrow().close();
                    it.remove();
                }
            }
            Thread.sleep(5);
        }
        assertEquals(0, slots.addresses());
    }
}
