package io.chat.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The login and admin throttles (a window bucket per key, on an injected clock) and their table, bounded by size
 * whatever is thrown at it.
 */
class KeyedLimitsTest {
    private static final long T0 = Bucket.epochNanos(Instant.parse("2026-01-01T09:00:00Z"));
    private static final long SECOND = 1_000_000_000L;
    private static final Duration MINUTE = Duration.ofMinutes(1);

    private static KeyedLimits<Bucket> windows(int perMinute) {
        return KeyedLimits.ofBuckets(now -> Bucket.window(perMinute, MINUTE, now), 100, 32, MINUTE.toNanos(), T0);
    }

    private static long retryAfterSeconds(KeyedLimits<Bucket> table, String key, long now) {
        Bucket bucket = table.peek(key);
        return bucket == null ? 0 : bucket.retryAfterSeconds(now);
    }

    @Test
    void pastTheLimitAKeyWaitsForTheEndOfItsWindow() {
        KeyedLimits<Bucket> windows = windows(3);
        for (int i = 0; i < 3; i++) {
            assertTrue(windows.of("alice", T0 + i * SECOND).tryTake(T0 + i * SECOND));
        }
        assertFalse(windows.of("alice", T0 + 3 * SECOND).tryTake(T0 + 3 * SECOND));
        assertEquals(57, retryAfterSeconds(windows, "alice", T0 + 3 * SECOND), "the window started at the first");
        assertTrue(windows.of("bob", T0 + 3 * SECOND).tryTake(T0 + 3 * SECOND), "another key is not affected");
        assertTrue(windows.of("alice", T0 + 60 * SECOND).tryTake(T0 + 60 * SECOND), "a new window");
        windows.remove("alice");
        assertNull(windows.peek("alice"));
        assertEquals(0, retryAfterSeconds(windows, "alice", T0 + 61 * SECOND));
    }

    @Test
    void failuresPastTheLimitDoNotExtendTheWindowAndPeekingCountsNothing() {
        KeyedLimits<Bucket> windows = windows(10);
        for (int i = 0; i < 10; i++) {
            assertEquals(0, retryAfterSeconds(windows, "10.0.0.1", T0));
            windows.of("10.0.0.1", T0).tryTake(T0);
        }
        windows.of("10.0.0.1", T0 + 30 * SECOND).tryTake(T0 + 30 * SECOND);
        assertEquals(60, retryAfterSeconds(windows, "10.0.0.1", T0));
        assertEquals(1, retryAfterSeconds(windows, "10.0.0.1", T0 + 59_900_000_000L));
        assertEquals(0, retryAfterSeconds(windows, "10.0.0.1", T0 + 60 * SECOND));
    }

    @Test
    void aFloodOfDistinctKeysNeverGrowsTheTablePastItsBound() {
        KeyedLimits<Bucket> windows = windows(10);
        for (int i = 0; i < 100_000; i++) {
            long now = T0 + i * 1_000_000L;
            windows.of("name-" + i, now).tryTake(now);
            assertTrue(windows.size() <= 100, "size " + windows.size() + " after " + i);
        }
        assertEquals(100, windows.size());
    }

    /**
     * A reviewer lifted a locked-out user's lockout by making up 4,096 new names: the oldest window went first,
     * locked or not. A locked-out key is never evicted; the table grows past its bound rather than lift it.
     */
    @Test
    void aFloodOfNewKeysNeverLiftsALockout() {
        KeyedLimits<Bucket> windows = windows(10);
        for (int i = 0; i < 10; i++) {
            windows.of("victim", T0).tryTake(T0);
        }
        for (int i = 0; i < 10_000; i++) {
            long now = T0 + SECOND + i * 1_000L;
            windows.of("made-up-" + i, now).tryTake(now);
        }
        long later = T0 + 2 * SECOND;
        assertFalse(windows.of("victim", later).tryTake(later), "the lockout held");
        assertEquals(58, retryAfterSeconds(windows, "victim", later));
        assertEquals(100, windows.size(), "still bounded: the made-up keys made way for each other");
    }

    @Test
    void aFullTableEvictsEndedWindowsBeforeLiveOnes() {
        KeyedLimits<Bucket> windows = windows(10);
        for (int i = 0; i < 99; i++) {
            windows.of("old-" + i, T0).tryTake(T0);
        }
        long victimAt = T0 + 30 * SECOND;
        for (int i = 0; i < 10; i++) {
            windows.of("victim", victimAt).tryTake(victimAt);
        }
        // the old windows have ended: newcomers take their places, the victim's live window stays
        long later = T0 + 61 * SECOND;
        for (int i = 0; i < 99; i++) {
            windows.of("new-" + i, later).tryTake(later);
        }
        assertEquals(29, retryAfterSeconds(windows, "victim", later));
        assertTrue(windows.size() <= 100);
    }

    @Test
    void keysLongerThanTheBoundAreRefused() {
        KeyedLimits<Bucket> windows = windows(10);
        assertThrows(IllegalArgumentException.class, () -> windows.of("u".repeat(33), T0));
        assertEquals(0, windows.size());
    }

    @Test
    void idleKeysAreSweptOnlyOnceTheIntervalHasPassed() {
        KeyedLimits<Bucket> tokens =
                KeyedLimits.ofBuckets(now -> Bucket.tokens(1, 2, now), Integer.MAX_VALUE, 32, MINUTE.toNanos(), T0);
        Bucket alice = tokens.of("alice", T0);
        tokens.of("bob", T0 + 59 * SECOND);
        assertEquals(2, tokens.size(), "no sweep before the interval");
        assertTrue(alice.tryTake(T0 + 60 * SECOND));
        tokens.of("carol", T0 + 60 * SECOND);
        assertEquals(2, tokens.size(), "bob was full and is gone; alice is refilling and kept");
        assertSame(alice, tokens.of("alice", T0 + 60 * SECOND));
    }
}
