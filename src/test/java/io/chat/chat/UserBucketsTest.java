package io.chat.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.tenant.Limits;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Per-user buckets are dropped once full (idle), so the map holds the users active lately, not every user seen. */
class UserBucketsTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    // events: 10 a second, burst 20 (full again 2 s after emptied); messages: 1 a second, burst 5
    private static final Limits LIMITS = Limits.DEFAULTS.with(
            Map.of("eventsPerSecond", 10, "eventBurst", 20, "messagesPerSecond", 1, "messageBurst", 5));

    @Test
    void idleUsersAreDroppedAtTheNextSweepAndActiveOnesKept() {
        long t0 = 1_000 * SECOND;
        UserBuckets buckets = new UserBuckets(() -> LIMITS, t0);
        for (int i = 0; i < 10_000; i++) {
            assertTrue(buckets.of("user-" + i, t0).events().tryTake(t0));
        }
        assertEquals(10_000, buckets.size());

        long later = t0 + UserBuckets.SWEEP_INTERVAL_NANOS;
        UserBuckets.Held messaging = buckets.of("user-1", later);
        assertTrue(messaging.messages().tryTake(later)); // not full until 1 s later
        UserBuckets.Held emptied = buckets.of("user-2", later);
        for (int i = 0; i < 20; i++) {
            assertTrue(emptied.events().tryTake(later));
        }
        assertFalse(emptied.events().tryTake(later), "the burst is used up");

        buckets.of("newcomer", later + 1); // a new user arrives: the sweep runs
        assertEquals(3, buckets.size(), "the two users still refilling, and the newcomer");
        assertSame(emptied, buckets.of("user-2", later + 2), "a bucket still refilling is kept, tokens and all");
        assertFalse(emptied.events().tryTake(later + 2));

        UserBuckets.Held again = buckets.of("user-3", later + 3);
        assertTrue(again.full(later + 3), "a dropped user starts again with a full bucket, as it had");
    }

    @Test
    void noSweepBeforeTheInterval() {
        long t0 = 5 * SECOND;
        UserBuckets buckets = new UserBuckets(() -> LIMITS, t0);
        buckets.of("alice", t0);
        buckets.of("bob", t0 + UserBuckets.SWEEP_INTERVAL_NANOS - 1);
        assertEquals(2, buckets.size());
        UserBuckets.Held carol = buckets.of("carol", t0 + UserBuckets.SWEEP_INTERVAL_NANOS);
        assertEquals(1, buckets.size(), "alice and bob were full: only carol is left");
        assertNotSame(carol, buckets.of("alice", t0 + UserBuckets.SWEEP_INTERVAL_NANOS + 1));
    }

    @Test
    void newConversationsRefillOverAnHour() {
        long t0 = 7 * SECOND;
        UserBuckets buckets = new UserBuckets(() -> LIMITS, t0);
        UserBuckets.Held eve = buckets.of("eve", t0);
        for (int i = 0; i < UserBuckets.NEW_CONVERSATIONS_BURST; i++) {
            assertTrue(eve.conversations().tryTake(t0));
        }
        assertFalse(eve.conversations().tryTake(t0), "the burst is used up");
        long oneRefill = 3_600 * SECOND / UserBuckets.NEW_CONVERSATIONS_PER_HOUR;
        assertFalse(eve.conversations().tryTake(t0 + oneRefill - SECOND));
        assertTrue(eve.conversations().tryTake(t0 + oneRefill), "one an hour / 20: every 3 minutes");
        buckets.of("newcomer", t0 + UserBuckets.SWEEP_INTERVAL_NANOS + oneRefill);
        assertSame(eve, buckets.of("eve", t0 + UserBuckets.SWEEP_INTERVAL_NANOS + oneRefill), "kept while refilling");
    }
}
