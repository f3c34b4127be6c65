package io.chat.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
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
    void aStepThatThrowsEvenAnErrorDoesNotHoldBackTheNext() throws Exception {
        EventOrder order = new EventOrder();
        CompletableFuture<Boolean> first = new CompletableFuture<>();
        CountDownLatch second = new CountDownLatch(1);
        order.later(first, () -> {
            throw new IllegalStateException("a step's own failure");
        });
        assertTrue(order.behindOthers());
        order.later(DONE, () -> {
            throw new StackOverflowError("an Error, which left the queue draining for good (a review)");
        });
        order.later(DONE, second::countDown);
        first.completeExceptionally(new IllegalStateException("the wait failed"));
        assertTrue(second.await(10, TimeUnit.SECONDS));
        awaitIdle(order);
    }

    /**
     * Many rounds of events, some ready at once, the others' waits ended by four threads in random order, some while
     * events are still coming: each runs exactly once, in the order it came, and the queue ends idle.
     */
    @Test
    void waitsEndedByManyThreadsNeverLoseOrRepeatAnEvent() throws Exception {
        ExecutorService completers = Executors.newFixedThreadPool(4);
        Random random = new Random(20261207);
        try {
            for (int round = 0; round < 500; round++) {
                EventOrder order = new EventOrder();
                int n = 1 + random.nextInt(30);
                List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
                CountDownLatch all = new CountDownLatch(n);
                List<CompletableFuture<Boolean>> waits = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    CompletableFuture<Boolean> wait = random.nextInt(3) == 0 ? DONE : new CompletableFuture<>();
                    int event = i;
                    Runnable work = () -> {
                        ran.add(event);
                        all.countDown();
                    };
                    if (order.ready(wait)) {
                        work.run();
                    } else {
                        order.later(wait, work);
                    }
                    if (wait != DONE) {
                        waits.add(wait);
                        if (random.nextBoolean()) {
                            completers.execute(() -> wait.complete(true)); // while events still come
                        }
                    }
                }
                Collections.shuffle(waits, random);
                waits.forEach(wait -> completers.execute(() -> wait.complete(true)));
                assertTrue(all.await(10, TimeUnit.SECONDS), "round " + round + " ran " + ran);
                awaitIdle(order);
                assertEquals(IntStream.range(0, n).boxed().toList(), ran, "round " + round);
            }
        } finally {
            completers.shutdownNow();
        }
    }

    private static void awaitIdle(EventOrder order) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (order.behindOthers() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertFalse(order.behindOthers());
    }
}
