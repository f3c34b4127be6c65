package io.chat.limits;

import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongFunction;

/**
 * A limit per key (a user name, a client address): the key's {@link Bucket}s, made on first use and held in a table
 * of bounded size. A limit that is idle (its buckets full again, as new ones would be) is dropped by the next sweep,
 * which changes no answer: the table holds the keys active lately, not every key ever seen. A sweep runs when a new
 * key arrives, at most once a {@code sweepIntervalNanos} or whenever the table is at {@code maxKeys}; a table still at
 * its bound then drops the limits that started longest ago (their windows end first), never one that is exhausted. Keys longer than
 * {@code maxKeyLength} are refused, so the memory a table takes is bounded too.
 *
 * <p>A sweep removes a limit only while it is still idle; a caller that fetched it just before may still take one
 * permit from the dropped one: at most one extra per call in flight, once a sweep.
 *
 * @param <L> what one key holds: a bucket, or several
 */
public final class KeyedLimits<L> {
    /** Whether a key's limit is as a new one would be at {@code nowNanos}, and when it started (for eviction). */
    public interface Idle<L> {
        boolean idle(L limit, long nowNanos);

        long since(L limit);

        /**
         * Whether the limit allows nothing now (a locked-out key): such a limit is never evicted, or flooding the
         * table with new keys would lift the lockout.
         */
        default boolean exhausted(L limit, long nowNanos) {
            return false;
        }
    }

    /** For tables of single buckets. */
    public static final Idle<Bucket> BUCKET = new Idle<>() {
        @Override
        public boolean idle(Bucket bucket, long nowNanos) {
            return bucket.full(nowNanos);
        }

        @Override
        public long since(Bucket bucket) {
            return bucket.since();
        }

        @Override
        public boolean exhausted(Bucket bucket, long nowNanos) {
            return bucket.waitNanos(nowNanos) > 0;
        }
    };

    private final LongFunction<L> create;
    private final Idle<L> idle;
    private final int maxKeys;
    private final int maxKeyLength;
    private final long sweepIntervalNanos;
    private final ConcurrentHashMap<String, L> limits = new ConcurrentHashMap<>();
    /** New keys are added one at a time, so that the bound holds exactly. */
    private final ReentrantLock adding = new ReentrantLock();

    private long lastSweep; // guarded by adding

    /**
     * @param create makes a new key's limit at the given time
     */
    public KeyedLimits(
            LongFunction<L> create,
            Idle<L> idle,
            int maxKeys,
            int maxKeyLength,
            long sweepIntervalNanos,
            long nowNanos) {
        if (maxKeys < 1 || maxKeyLength < 1 || sweepIntervalNanos < 1) {
            throw new IllegalArgumentException("maxKeys, maxKeyLength and sweepIntervalNanos must be positive");
        }
        this.create = create;
        this.idle = idle;
        this.maxKeys = maxKeys;
        this.maxKeyLength = maxKeyLength;
        this.sweepIntervalNanos = sweepIntervalNanos;
        this.lastSweep = nowNanos;
    }

    /** A table of one {@link Bucket} per key. */
    public static KeyedLimits<Bucket> ofBuckets(
            LongFunction<Bucket> create, int maxKeys, int maxKeyLength, long sweepIntervalNanos, long nowNanos) {
        return new KeyedLimits<>(create, BUCKET, maxKeys, maxKeyLength, sweepIntervalNanos, nowNanos);
    }

    /** The key's limit, made now when it has none. {@link IllegalArgumentException} for a key over the length bound. */
    public L of(String key, long nowNanos) {
        L limit = limits.get(key);
        if (limit != null) {
            return limit;
        }
        if (key.length() > maxKeyLength) {
            throw new IllegalArgumentException("key longer than " + maxKeyLength + " characters");
        }
        adding.lock();
        try {
            if (!limits.containsKey(key)) {
                if (limits.size() >= maxKeys || nowNanos - lastSweep >= sweepIntervalNanos) {
                    lastSweep = nowNanos;
                    limits.values().removeIf(l -> idle.idle(l, nowNanos));
                }
                while (limits.size() >= maxKeys) {
                    var oldest = limits.entrySet().stream()
                            .filter(e -> !idle.exhausted(e.getValue(), nowNanos))
                            .min(Comparator.comparingLong(e -> idle.since(e.getValue())))
                            .map(Map.Entry::getKey);
                    if (oldest.isEmpty()) {
                        // every key held is locked out: the table grows past its bound rather than lift one; how
                        // far is bounded by how fast keys can be exhausted (a slow hash per failed login)
                        break;
                    }
                    limits.remove(oldest.get());
                }
            }
            return limits.computeIfAbsent(key, k -> create.apply(nowNanos));
        } finally {
            adding.unlock();
        }
    }

    /** The key's limit when it has one; null otherwise (nothing is made). */
    public L peek(String key) {
        return limits.get(key);
    }

    /** Forgets the key's limit (after a success that clears it). */
    public void remove(String key) {
        limits.remove(key);
    }

    /** Keys held now; above {@code maxKeys} only by keys that are exhausted. */
    public int size() {
        return limits.size();
    }
}
