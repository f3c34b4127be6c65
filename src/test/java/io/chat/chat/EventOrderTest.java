package io.chat.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A socket's events run in the order they came, whatever order their waits end in. */
class EventOrderTest {
    private static final CompletableFuture<Boolean> DONE = CompletableFuture.completedFuture(true);

    @Test
    void waitsEndingInAnyOrderRunTheirEventsInTheOrderTheyCame() throws Exception {
        EventOrder order = new EventOrder();
        List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Boolean>> waits = new ArrayList<>();
        CountDownLatch all = new CountDownLatch(20);
        for (int i = 0; i < 20; i++) {
            // the later half's waits are over already: they still wait for the earlier ones' turn
            CompletableFuture<Boolean> wait = i < 10 ? new CompletableFuture<>() : DONE;
            waits.add(wait);
            assertFalse(order.ready(wait), "event " + i + " waits itself or behind an earlier one");
            int event = i;
            order.later(wait, () -> {
                ran.add(event);
                all.countDown();
            });
        }
        for (int i = 9; i >= 0; i--) { // last first, as a shared grant's dependents resume
            waits.get(i).complete(true);
        }
        assertTrue(all.await(10, TimeUnit.SECONDS));
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            expected.add(i);
        }
        assertEquals(expected, ran);
        awaitIdle(order);
        assertTrue(order.ready(DONE), "nothing waits: the next event runs at once, on its own thread");
    }

    @Test
    void aStepThatThrowsDoesNotHoldBackTheNext() throws Exception {
        EventOrder order = new EventOrder();
        CompletableFuture<Boolean> first = new CompletableFuture<>();
        CountDownLatch second = new CountDownLatch(1);
        order.later(first, () -> {
            throw new IllegalStateException("a step's own failure");
        });
        assertTrue(order.behindOthers());
        order.later(DONE, second::countDown);
        first.completeExceptionally(new IllegalStateException("the wait failed"));
        assertTrue(second.await(10, TimeUnit.SECONDS));
        awaitIdle(order);
    }

    private static void awaitIdle(EventOrder order) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (order.behindOthers() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertFalse(order.behindOthers());
    }
}
