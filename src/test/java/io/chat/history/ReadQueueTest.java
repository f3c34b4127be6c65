package io.chat.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The tenant read queue's bounds hold while every slot is taken by a read that does not end. */
class ReadQueueTest {
    @Test
    void aWaitingReadFailsWhenItsAgeRunsOutEvenWhileEverySlotIsHeld() throws Exception {
        ExecutorService executor = Executors.newCachedThreadPool();
        CountDownLatch release = new CountDownLatch(1);
        try {
            ReadQueue queue = new ReadQueue("acme", executor, 1, 1, Duration.ofMillis(200));
            CompletableFuture<String> slow = queue.submit(() -> {
                await(release);
                return "slow";
            });
            AtomicInteger ran = new AtomicInteger();
            CompletableFuture<Integer> waiting = queue.submit(ran::incrementAndGet);

            ExecutionException failure =
                    assertThrows(ExecutionException.class, () -> waiting.get(10, TimeUnit.SECONDS));
            assertInstanceOf(ReadsBusyException.class, failure.getCause());
            // its place in the bound is free again: the next read waits instead of being refused
            CompletableFuture<Integer> next = queue.submit(() -> 7);
            assertTrue(!next.isDone() || !next.isCompletedExceptionally());

            release.countDown();
            assertEquals("slow", slow.get(10, TimeUnit.SECONDS));
            assertEquals(7, next.get(10, TimeUnit.SECONDS));
            assertEquals(0, ran.get(), "an expired read never runs");
            assertEquals(0, queue.skipped(), "an expired read is not counted as cancelled by its caller");
        } finally {
            release.countDown();
            executor.shutdownNow();
        }
    }

    @Test
    void aCancelledWaitingReadLeavesTheQueueAndIsCounted() throws Exception {
        ExecutorService executor = Executors.newCachedThreadPool();
        CountDownLatch release = new CountDownLatch(1);
        try {
            ReadQueue queue = new ReadQueue("acme", executor, 1, 1, Duration.ofSeconds(30));
            CompletableFuture<String> slow = queue.submit(() -> {
                await(release);
                return "slow";
            });
            CompletableFuture<Integer> waiting = queue.submit(() -> 1);
            waiting.cancel(false);
            CompletableFuture<Integer> next = queue.submit(() -> 2);
            release.countDown();
            assertEquals("slow", slow.get(10, TimeUnit.SECONDS));
            assertEquals(2, next.get(10, TimeUnit.SECONDS));
            assertEquals(1, queue.skipped());
        } finally {
            release.countDown();
            executor.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
