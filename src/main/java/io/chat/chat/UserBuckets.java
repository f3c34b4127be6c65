package io.chat.chat;

import io.chat.limits.Bucket;
import io.chat.limits.KeyedLimits;
import io.chat.tenant.Limits;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The rate limits of one tenant's users, each user's sockets and REST calls together: a message bucket and an event
 * bucket per user name, in a {@link KeyedLimits} table. A user whose buckets have both refilled is dropped at the next
 * sweep: a full bucket is what a new one would be, so dropping it changes no answer, and the table holds the users
 * active lately rather than every user ever seen. Sweeps run at most once a {@link #SWEEP_INTERVAL_NANOS}, when a user
 * without buckets arrives (the table grows only then), on that caller's thread.
 */
final class UserBuckets {
    static final long SWEEP_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(60);

    /** One user's buckets. */
    record Pair(Bucket messages, Bucket events) {
        static Pair of(Limits limits, long nowNanos) {
            return new Pair(
                    Bucket.tokens(limits.messagesPerSecond(), limits.messageBurst(), nowNanos),
                    Bucket.tokens(limits.eventsPerSecond(), limits.eventBurst(), nowNanos));
        }

        boolean full(long nowNanos) {
            return messages.full(nowNanos) && events.full(nowNanos);
        }
    }

    private static final KeyedLimits.Idle<Pair> IDLE = new KeyedLimits.Idle<>() {
        @Override
        public boolean idle(Pair pair, long nowNanos) {
            return pair.full(nowNanos);
        }

        @Override
        public long since(Pair pair) {
            return 0; // the table has no bound on keys: nothing is evicted by age
        }
    };

    private final KeyedLimits<Pair> byUser;

    UserBuckets(Supplier<Limits> limits, long nowNanos) {
        // no bound on users (each has passed authentication); user names are at most 32 characters, JWT claims longer
        this.byUser = new KeyedLimits<>(
                now -> Pair.of(limits.get(), now),
                IDLE,
                Integer.MAX_VALUE,
                Integer.MAX_VALUE,
                SWEEP_INTERVAL_NANOS,
                nowNanos);
    }

    Pair of(String username, long nowNanos) {
        return byUser.of(username, nowNanos);
    }

    /** Users with buckets in memory. */
    int size() {
        return byUser.size();
    }
}
