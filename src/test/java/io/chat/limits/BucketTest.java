package io.chat.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Both refills of a bucket, driven by the times the test passes in. */
class BucketTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long T0 = 1_000 * SECOND;

    @Test
    void aTokenBucketSpendsItsBurstThenRefillsContinuously() {
        Bucket bucket = Bucket.tokens(2, 4, T0); // 2 a second, burst 4
        assertTrue(bucket.full(T0));
        for (int i = 0; i < 4; i++) {
            assertTrue(bucket.tryTake(T0));
        }
        assertFalse(bucket.tryTake(T0), "the burst is spent");
        assertEquals(SECOND / 2, bucket.waitNanos(T0), "one token every half second");
        assertFalse(bucket.tryTake(T0 + SECOND / 2 - 1));
        assertTrue(bucket.tryTake(T0 + SECOND / 2));
        assertFalse(bucket.full(T0 + 2 * SECOND), "3 of 4 tokens back 1.5 s later");
        assertTrue(bucket.full(T0 + SECOND / 2 + 2 * SECOND), "4 tokens back after 2 s");
        assertTrue(bucket.full(T0 + 100 * SECOND), "never more than the burst");
        for (int i = 0; i < 4; i++) {
            assertTrue(bucket.tryTake(T0 + 100 * SECOND));
        }
        assertFalse(bucket.tryTake(T0 + 100 * SECOND));
    }

    @Test
    void aPermitGivenBackIsTakenAgainButNeverPastTheCapacity() {
        Bucket bucket = Bucket.window(2, Duration.ofMinutes(1), T0);
        assertTrue(bucket.tryTake(T0));
        bucket.giveBack();
        assertTrue(bucket.full(T0), "as if nothing was taken");
        bucket.giveBack();
        assertTrue(bucket.tryTake(T0 + SECOND));
        assertTrue(bucket.tryTake(T0 + SECOND));
        assertFalse(bucket.tryTake(T0 + SECOND), "a give-back of a full bucket adds nothing");
        bucket.giveBack();
        assertTrue(bucket.tryTake(T0 + 2 * SECOND));
        assertFalse(bucket.tryTake(T0 + 2 * SECOND));
        assertEquals(59 * SECOND, bucket.waitNanos(T0 + 2 * SECOND), "the window still runs from its first take");
    }

    @Test
    void anOlderTimeRefillsNothingAndMovesNothingBack() {
        Bucket bucket = Bucket.tokens(1, 1, T0);
        assertTrue(bucket.tryTake(T0 + SECOND));
        assertFalse(bucket.tryTake(T0), "a caller that read its clock earlier gets no token from the past");
        assertFalse(bucket.tryTake(T0 + SECOND + SECOND / 2));
        assertTrue(bucket.tryTake(T0 + 2 * SECOND));
    }

    @Test
    void aWindowStartsAtTheFirstTakeAndGivesEverythingBackAtItsEnd() {
        Bucket bucket = Bucket.window(3, Duration.ofMinutes(1), T0);
        assertTrue(bucket.tryTake(T0 + 10 * SECOND)); // the window runs from here for 60 s
        assertTrue(bucket.tryTake(T0 + 20 * SECOND));
        assertTrue(bucket.tryTake(T0 + 30 * SECOND));
        assertFalse(bucket.tryTake(T0 + 40 * SECOND));
        assertEquals(30 * SECOND, bucket.waitNanos(T0 + 40 * SECOND));
        assertFalse(bucket.full(T0 + 70 * SECOND - 1), "nothing comes back before the window ends");
        assertTrue(bucket.full(T0 + 70 * SECOND), "all of it at once when it ends");
        assertTrue(bucket.tryTake(T0 + 100 * SECOND)); // a new window from here
        assertTrue(bucket.tryTake(T0 + 100 * SECOND));
        assertTrue(bucket.tryTake(T0 + 100 * SECOND));
        assertEquals(60 * SECOND, bucket.waitNanos(T0 + 100 * SECOND));
    }

    @Test
    void epochNanosIsAnInjectedClocksTimeLine() {
        Instant at = Instant.parse("2026-01-01T09:00:00.000000123Z");
        assertEquals(at.getEpochSecond() * SECOND + 123, Bucket.epochNanos(at));
        assertEquals(SECOND, Bucket.epochNanos(at.plusSeconds(1)) - Bucket.epochNanos(at));
    }

    @Test
    void badShapesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Bucket.tokens(-1, 1, T0));
        assertThrows(IllegalArgumentException.class, () -> Bucket.tokens(1, 0, T0));
        assertThrows(IllegalArgumentException.class, () -> Bucket.window(1, Duration.ZERO, T0));
    }
}
