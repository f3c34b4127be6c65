package io.chat.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The writer's queue gathers a batch until a given time (group commit spaced for fsync), never past full or stop. */
class WriteQueueTest {
    private static final String STOP = "stop";
    private static final long FAR = Duration.ofMinutes(5).toNanos();

    @Test
    void withoutGatheringABatchIsWhatWasQueued() {
        WriteQueue<String> queue = new WriteQueue<>("test", 100, STOP);
        assertNull(queue.offer("a"));
        assertNull(queue.offer("b"));
        List<String> batch = new ArrayList<>();
        assertFalse(queue.nextBatch(batch, 10));
        assertEquals(List.of("a", "b"), batch);
    }

    @Test
    void gatheringTakesWritesThatComeLaterUntilTheBatchIsFull() throws Exception {
        WriteQueue<String> queue = new WriteQueue<>("test", 100, STOP);
        assertNull(queue.offer("a"));
        CompletableFuture<Void> later = CompletableFuture.runAsync(
                () -> {
                    assertNull(queue.offer("b"));
                    assertNull(queue.offer("c"));
                    assertNull(queue.offer("d")); // past the batch: the next one's
                },
                CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS));
        List<String> batch = new ArrayList<>();
        // returns when full, not at the deadline minutes away
        assertFalse(queue.nextBatch(batch, 3, System.nanoTime() + FAR));
        assertEquals(List.of("a", "b", "c"), batch);
        later.get(10, TimeUnit.SECONDS);
        assertFalse(queue.nextBatch(batch, 3));
        assertEquals(List.of("d"), batch);
    }

    @Test
    void gatheringEndsAtTheStopMarker() {
        WriteQueue<String> queue = new WriteQueue<>("test", 100, STOP);
        assertNull(queue.offer("a"));
        CompletableFuture.runAsync(queue::stop, CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS));
        List<String> batch = new ArrayList<>();
        assertTrue(queue.nextBatch(batch, 10, System.nanoTime() + FAR));
        assertEquals(List.of("a"), batch);
    }

    @Test
    void holdingTakesWhatCameUntilThenWithoutPassingFull() throws Exception {
        WriteQueue<String> queue = new WriteQueue<>("test", 100, STOP);
        assertNull(queue.offer("a"));
        List<String> batch = new ArrayList<>();
        assertFalse(queue.nextBatch(batch, 3));
        CompletableFuture<Void> later = CompletableFuture.runAsync(
                () -> {
                    assertNull(queue.offer("b"));
                    assertNull(queue.offer("c"));
                    assertNull(queue.offer("d")); // past the batch: the next one's
                },
                CompletableFuture.delayedExecutor(10, TimeUnit.MILLISECONDS));
        long start = System.nanoTime();
        assertFalse(queue.addHeld(batch, 3, start + Duration.ofMillis(300).toNanos()));
        assertTrue(System.nanoTime() - start >= Duration.ofMillis(300).toNanos());
        later.get(10, TimeUnit.SECONDS);
        assertEquals(List.of("a", "b", "c"), batch);
        assertFalse(queue.nextBatch(batch, 3));
        assertEquals(List.of("d"), batch);
    }

    @Test
    void holdingEndsTheBatchAtTheStopMarker() {
        WriteQueue<String> queue = new WriteQueue<>("test", 100, STOP);
        assertNull(queue.offer("a"));
        List<String> batch = new ArrayList<>();
        assertFalse(queue.nextBatch(batch, 10));
        assertNull(queue.offer("b"));
        queue.stop();
        assertTrue(queue.addHeld(
                batch, 10, System.nanoTime() + Duration.ofMillis(20).toNanos()));
        assertEquals(List.of("a", "b"), batch);
    }
}
