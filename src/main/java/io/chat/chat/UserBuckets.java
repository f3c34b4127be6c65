package io.chat.chat;

import io.chat.limits.Bucket;
import io.chat.limits.KeyedLimits;
import io.chat.tenant.Limits;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The rate limits of one tenant's users, each user's sockets and REST calls together: a message bucket, an event
 * bucket, a bucket of new conversations ({@code dm:open}) and one of CONNECTs per user name, in a {@link KeyedLimits} table. A user whose buckets have both refilled is dropped at the next
 * sweep: a full bucket is what a new one would be, so dropping it changes no answer, and the table holds the users
 * active lately rather than every user ever seen. Sweeps run at most once a {@link #SWEEP_INTERVAL_NANOS}, when a user
 * without buckets arrives (the table grows only then), on that caller's thread.
 */
final class UserBuckets {
    static final long SWEEP_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(60);

    /**
     * New conversations a user may open an hour, and at once: each one is remembered for every member, so it bounds
     * how fast one user can fill others' rooms (a member hides one with {@code room:leave}). Not a tenant setting.
     */
    static final int NEW_CONVERSATIONS_PER_HOUR = 20;

    static final int NEW_CONVERSATIONS_BURST = 20;

    /**
     * CONNECTs a user may make a second once the burst is spent. Each one can tell the whole tenant the user came
     * online and, once closed, went offline: a loop of them would fan out without bound. Not a tenant setting.
     */
    static final int CONNECTS_PER_SECOND = 1;

    /** CONNECTs at once beyond the user's sockets: every socket of the user reconnecting after a restart, and more. */
    static final int CONNECT_BURST_SPARE = 50;

    /** One user's buckets. */
    record Held(Bucket messages, Bucket events, Bucket conversations, Bucket connects) {
        static Held of(Limits limits, long nowNanos) {
            return new Held(
                    Bucket.tokens(limits.messagesPerSecond(), limits.messageBurst(), nowNanos),
                    Bucket.tokens(limits.eventsPerSecond(), limits.eventBurst(), nowNanos),
                    Bucket.tokens(NEW_CONVERSATIONS_PER_HOUR, Duration.ofHours(1), NEW_CONVERSATIONS_BURST, nowNanos),
                    Bucket.tokens(
                            CONNECTS_PER_SECOND,
                            (int) Math.min(Integer.MAX_VALUE, (long) limits.socketsPerUser() + CONNECT_BURST_SPARE),
                            nowNanos));
        }

        boolean full(long nowNanos) {
            return messages.full(nowNanos)
                    && events.full(nowNanos)
                    && conversations.full(nowNanos)
                    && connects.full(nowNanos);
        }
    }

    private static final KeyedLimits.Idle<Held> IDLE = new KeyedLimits.Idle<>() {
        @Override
        public boolean idle(Held pair, long nowNanos) {
            return pair.full(nowNanos);
        }

        @Override
        public long since(Held pair) {
            return 0; // the table has no bound on keys: nothing is evicted by age
        }
    };

    private final KeyedLimits<Held> byUser;

    UserBuckets(Supplier<Limits> limits, long nowNanos) {
        // no bound on users (each has passed authentication); user names are at most 32 characters, JWT claims longer
        this.byUser = new KeyedLimits<>(
                now -> Held.of(limits.get(), now),
                IDLE,
                Integer.MAX_VALUE,
                Integer.MAX_VALUE,
                SWEEP_INTERVAL_NANOS,
                nowNanos);
    }

    Held of(String username, long nowNanos) {
        return byUser.of(username, nowNanos);
    }

    /** Users with buckets in memory. */
    int size() {
        return byUser.size();
    }
}
