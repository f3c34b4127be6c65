package io.chat.tenant.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

/** The login and admin throttles: limits per key, and a table bounded by size whatever is thrown at it. */
class FailureWindowsTest {
    private static final Instant T0 = Instant.parse("2026-01-01T09:00:00Z");

    private final FailureWindows windows = new FailureWindows(Duration.ofMinutes(1), 100, 32);

    @Test
    void pastTheLimitAKeyWaitsForTheEndOfItsWindow() {
        for (int i = 0; i < 3; i++) {
            assertEquals(0, windows.attempt("alice", 3, T0.plusSeconds(i)));
        }
        assertEquals(57, windows.attempt("alice", 3, T0.plusSeconds(3)));
        assertEquals(57, windows.retryAfter("alice", 3, T0.plusSeconds(3)));
        assertEquals(0, windows.attempt("bob", 3, T0.plusSeconds(3)), "another key is not affected");
        assertEquals(0, windows.attempt("alice", 3, T0.plusSeconds(60)), "a new window");
        windows.clear("alice");
        assertEquals(0, windows.retryAfter("alice", 1, T0.plusSeconds(61)));
    }

    @Test
    void failWithoutALimitCountsAndRetryAfterOnlyLooks() {
        for (int i = 0; i < 10; i++) {
            assertEquals(0, windows.retryAfter("10.0.0.1", 10, T0));
            windows.fail("10.0.0.1", T0);
        }
        assertEquals(60, windows.retryAfter("10.0.0.1", 10, T0));
        assertEquals(1, windows.retryAfter("10.0.0.1", 10, T0.plusMillis(59_900)));
        assertEquals(0, windows.retryAfter("10.0.0.1", 10, T0.plusSeconds(60)));
    }

    @Test
    void aFloodOfDistinctKeysNeverGrowsTheTablePastItsBound() {
        for (int i = 0; i < 100_000; i++) {
            windows.attempt("name-" + i, 10, T0.plusMillis(i));
            assertTrue(windows.size() <= 100, "size " + windows.size() + " after " + i);
        }
        assertEquals(100, windows.size());
    }

    @Test
    void aFullTableEvictsExpiredWindowsBeforeLiveOnes() {
        for (int i = 0; i < 99; i++) {
            windows.attempt("old-" + i, 10, T0);
        }
        for (int i = 0; i < 10; i++) {
            windows.attempt("victim", 10, T0.plusSeconds(30));
        }
        // the old windows have ended: newcomers take their places, the victim's live window stays
        for (int i = 0; i < 99; i++) {
            windows.attempt("new-" + i, 10, T0.plusSeconds(61));
        }
        assertEquals(29, windows.retryAfter("victim", 10, T0.plusSeconds(61)));
        assertTrue(windows.size() <= 100);
    }

    @Test
    void keysLongerThanTheBoundAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> windows.attempt("u".repeat(33), 10, T0));
        assertEquals(0, windows.size());
    }
}
