package io.chat.chat;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.chat.tenant.Limits;

/**
 * The rate limits of one tenant's users, each user's sockets and REST calls together: a message bucket and an event
 * bucket per user name. A user whose buckets have both refilled is dropped at the next sweep: a full bucket is what a
 * new one would be, so dropping it changes no answer, and the map holds the users active lately rather than every user
 * ever seen. Sweeps run at most once a {@link #SWEEP_INTERVAL_NANOS}, when a user without buckets arrives (the map
 * grows only then), on that caller's thread.
 */
final class UserBuckets {
    static final long SWEEP_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(60);

    /** One user's buckets. */
    record Pair(TokenBucket messages, TokenBucket events) {
        static Pair of(Limits limits, long nowNanos) {
            return new Pair(new TokenBucket(limits.messagesPerSecond(), limits.messageBurst(), nowNanos),
                            new TokenBucket(limits.eventsPerSecond(), limits.eventBurst(), nowNanos));
        }

        boolean full(long nowNanos) {
            return messages.full(nowNanos) && events.full(nowNanos);
        }
    }

    private final Supplier<Limits> limits;
    private final ConcurrentHashMap<String, Pair> byUser = new ConcurrentHashMap<>();
    private final AtomicLong lastSweep;

    UserBuckets(Supplier<Limits> limits, long nowNanos) {
        this.limits = limits;
        this.lastSweep = new AtomicLong(nowNanos);
    }

    Pair of(String username, long nowNanos) {
        Pair pair = byUser.get(username);
        if (pair != null) {
            return pair;
        }
        sweepIfDue(nowNanos);
        return byUser.computeIfAbsent(username, u -> Pair.of(limits.get(), nowNanos));
    }

    /** Users with buckets in memory. */
    int size() {
        return byUser.size();
    }

    private void sweepIfDue(long nowNanos) {
        long last = lastSweep.get();
        if (nowNanos - last < SWEEP_INTERVAL_NANOS || !lastSweep.compareAndSet(last, nowNanos)) {
            return;
        }
        // removes an entry only while it still maps to the pair found full; a caller that fetched that pair just
        // before may still take one token from it: at most one extra event per call in flight, once a minute
        byUser.values().removeIf(pair -> pair.full(nowNanos));
    }
}
