package io.chat.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The token bucket on a clock the test sets. */
class TokenBucketTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long T0 = 1_000 * SECOND;

    private static int takeAll(Bucket bucket, long now) {
        int taken = 0;
        while (bucket.tryTake(now)) {
            taken++;
        }
        return taken;
    }

    @Test
    void startsFullWithTheBurst() {
        Bucket bucket = Bucket.tokens(5, 20, T0);
        assertEquals(20, takeAll(bucket, T0));
        assertFalse(bucket.tryTake(T0));
    }

    @Test
    void refillsAtTheRate() {
        Bucket bucket = Bucket.tokens(5, 20, T0);
        takeAll(bucket, T0);
        // one token every 200 ms
        assertFalse(bucket.tryTake(T0 + 199_000_000L));
        assertTrue(bucket.tryTake(T0 + 201_000_000L));
        assertFalse(bucket.tryTake(T0 + 201_000_000L));
        assertEquals(5, takeAll(bucket, T0 + 1_202_000_000L), "one second: five more");
    }

    @Test
    void fractionsOfATokenAddUp() {
        Bucket bucket = Bucket.tokens(1, 1, T0);
        assertTrue(bucket.tryTake(T0));
        for (int i = 1; i < 10; i++) {
            assertFalse(bucket.tryTake(T0 + i * SECOND / 10), "after " + i + " tenths");
        }
        assertTrue(bucket.tryTake(T0 + SECOND + 1_000));
    }

    @Test
    void neverHoldsMoreThanTheBurst() {
        Bucket bucket = Bucket.tokens(100, 3, T0);
        takeAll(bucket, T0);
        assertEquals(3, takeAll(bucket, T0 + 3600 * SECOND), "an hour idle still gives only the burst");
    }

    @Test
    void anOlderTimeAddsNothingAndDoesNotMoveTheClockBack() {
        Bucket bucket = Bucket.tokens(1, 1, T0);
        assertTrue(bucket.tryTake(T0 + SECOND));
        // a caller that read the clock before another took the lock brings an older time
        assertFalse(bucket.tryTake(T0));
        assertFalse(bucket.tryTake(T0 + SECOND / 2));
        // had the clock gone back to T0, a token would be due at T0 + 1 s; it is due at T0 + 2 s
        assertFalse(bucket.tryTake(T0 + SECOND + SECOND / 2));
        assertTrue(bucket.tryTake(T0 + 2 * SECOND + 1_000));
    }

    @Test
    void aZeroRateNeverRefills() {
        Bucket bucket = Bucket.tokens(0, 2, T0);
        assertEquals(2, takeAll(bucket, T0));
        assertFalse(bucket.tryTake(T0 + 3600 * SECOND));
    }

    @Test
    void worksAnywhereOnTheNanoClock() {
        for (long start : new long[] {Long.MIN_VALUE / 2, -SECOND, 0, Long.MAX_VALUE / 2}) {
            Bucket bucket = Bucket.tokens(2, 2, start);
            assertEquals(2, takeAll(bucket, start), "start " + start);
            assertFalse(bucket.tryTake(start + SECOND / 4), "start " + start);
            assertTrue(bucket.tryTake(start + SECOND), "start " + start);
        }
    }

    @Test
    void concurrentTakersShareTheBurstExactly() throws Exception {
        int threads = 16;
        int attemptsEach = 1_000;
        Bucket bucket = Bucket.tokens(1, 500, T0);
        AtomicInteger taken = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < attemptsEach; i++) {
                        if (bucket.tryTake(T0)) {
                            taken.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : done) {
                future.get(10, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(500, taken.get());
    }
}
