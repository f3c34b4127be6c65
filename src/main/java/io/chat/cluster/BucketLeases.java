package io.chat.cluster;

import io.chat.socketio.redis.RedisCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * This node's takes from the cluster's token buckets in Redis (the tenants' message and event rates), a few tokens
 * at a time: a take that finds none left of what this node was granted asks Redis ({@link ClusterScripts#LEASE}) for
 * about as many as this node took from the bucket in the last window or so far in this one, and the next takes spend
 * them here, without a round trip. A call per take cost Redis ~26 µs of script, over half of its CPU on W5's durable
 * load, and the node a round trip (docs/cluster-capacity.md).
 *
 * <p>The limit holds for the cluster as one bucket: a lease may be spent for {@link #validNanos} from when it was
 * asked for, and Redis counts what it granted within the last one or two such periods as still held by the nodes,
 * refilling the bucket only up to its burst less that, so the bucket and the tokens the nodes hold never exceed the
 * burst. The period is {@link #MOST_VALID_NANOS} or less, short enough that the bucket refills at most an eighth of its
 * burst in it, and a lease holds at most what the bucket refills in half of it (more only for takes already waiting to
 * spend it): a user sending now and then asks for one at a time, as before, and what a lease leaves unspent when its
 * user stops is small. What Redis counts as held after a burst may keep the bucket from refilling for two periods at
 * most, a quarter of its burst. A bucket whose period would be under {@link #LEAST_VALID_NANOS} (a burst small for its
 * rate) is taken from one token a take, nothing held. While one request for a bucket is under way, the takes of that
 * bucket wait for its answer rather than asking again, and spend it even when it came later than the lease's time;
 * those it left without a token are asked for together in the next. A lease ends when the tenant's limits change.
 */
final class BucketLeases {
    /** The longest a lease may be spent for. */
    static final long MOST_VALID_NANOS = TimeUnit.MILLISECONDS.toNanos(400);
    /** How far back this node's takes of a bucket size its next request (at most {@link #mostHeld}). */
    static final long WINDOW_NANOS = MOST_VALID_NANOS / 2;
    /** The most tokens one request asks for. */
    static final int MOST_AT_ONCE = 1_000;
    /**
     * The shortest a lease may be spent for: a bucket that refills an eighth of its burst sooner is taken from one token
     * a take, none held (leases that short would end before Redis's answer, and what Redis counts as held would keep
     * such a bucket far below its rate).
     */
    static final long LEAST_VALID_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private static final CompletableFuture<Boolean> TAKEN = CompletableFuture.completedFuture(true);
    private static final CompletableFuture<Boolean> REFUSED = CompletableFuture.completedFuture(false);

    private final RedisCluster redis;
    private final ConcurrentHashMap<String, Lease> leases = new ConcurrentHashMap<>();
    private final LongAdder requests = new LongAdder();

    /** A bucket in Redis: its key (after the cluster's prefix), its refill per second and its size. */
    record Bucket(String key, int rate, int burst) {}

    BucketLeases(RedisCluster redis) {
        this.redis = redis;
    }

    /** How long a lease of the bucket may be spent: at most {@link #MOST_VALID_NANOS}, and an eighth of a refill. */
    static long validNanos(Bucket bucket) {
        return Math.min(MOST_VALID_NANOS, TimeUnit.SECONDS.toNanos(1) * bucket.burst() / (8L * bucket.rate()));
    }

    /** Whether the bucket is taken from by leases, or one token a take ({@link #LEAST_VALID_NANOS}). */
    static boolean leased(Bucket bucket) {
        return leased(validNanos(bucket));
    }

    private static boolean leased(long validNanos) {
        return validNanos >= LEAST_VALID_NANOS;
    }

    /** The most a lease of the bucket holds: what it refills in half of {@link #validNanos}, at least 1. */
    static int mostHeld(Bucket bucket) {
        long refilled = bucket.rate() * validNanos(bucket) / 2 / TimeUnit.SECONDS.toNanos(1);
        return (int) Math.max(1, Math.min(MOST_AT_ONCE, refilled));
    }

    /**
     * Takes a token from each bucket in turn (a message: the user's, then the tenant's), stopping at an empty one: true
     * when each gave one. Fails when Redis could not be asked.
     */
    CompletableFuture<Boolean> take(Bucket... buckets) {
        return takeFrom(buckets, 0);
    }

    private CompletableFuture<Boolean> takeFrom(Bucket[] buckets, int next) {
        if (next == buckets.length) {
            return TAKEN;
        }
        return take(buckets[next], true).thenCompose(taken -> taken ? takeFrom(buckets, next + 1) : REFUSED);
    }

    /** {@code counted}: false when this take was counted already (it asks again after others spent a grant). */
    private CompletableFuture<Boolean> take(Bucket bucket, boolean counted) {
        long valid = validNanos(bucket);
        if (!leased(valid)) {
            return ask(bucket, 1).thenApply(count -> count == 1);
        }
        Lease lease;
        int want;
        long asked;
        CompletableFuture<Long> granted;
        while (true) {
            lease = leases.computeIfAbsent(bucket.key(), key -> new Lease());
            synchronized (lease) {
                if (lease.forgotten) {
                    continue; // forgetIdle dropped it meanwhile: this take belongs with the one in the map
                }
                asked = System.nanoTime();
                if (counted) {
                    lease.count(asked);
                }
                if (lease.spend(bucket, asked)) {
                    return TAKEN;
                }
                if (lease.asking != null) {
                    lease.waiting++;
                    Lease waited = lease;
                    return lease.asking.thenCompose(count -> afterGrant(waited, bucket, count));
                }
                want = lease.want(mostHeld(bucket));
                granted = lease.asking = new CompletableFuture<>();
                break;
            }
        }
        Lease asking = lease;
        long from = asked;
        ask(bucket, want, Long.toString(TimeUnit.NANOSECONDS.toMicros(valid))).whenComplete((count, error) -> {
            synchronized (asking) {
                asking.asking = null;
                int takers = asking.waiting + 1;
                asking.waiting = 0;
                if (error == null) {
                    // the takes refused with an empty bucket wait no longer: none is backlog
                    asking.backlog = count == 0 ? 0 : (int) Math.max(0, takers - count);
                    asking.grantedFor = bucket;
                    // from the ask, not the answer: Redis counts it as held from its grant, which came later
                    asking.tokens = count.intValue();
                    asking.validUntil = from + valid;
                }
            }
            if (error == null) {
                granted.complete(count);
            } else {
                granted.completeExceptionally(error);
            }
        });
        return granted.thenCompose(count -> afterGrant(asking, bucket, count));
    }

    /** Asks Redis for {@code want} tokens of the bucket ({@link ClusterScripts#LEASE}; its lease time, if leased). */
    private CompletableFuture<Long> ask(Bucket bucket, int want, String... validMicros) {
        requests.increment();
        List<String> arguments = new ArrayList<>(List.of(
                ClusterPeers.PREFIX,
                bucket.key(),
                Integer.toString(bucket.rate()),
                Integer.toString(bucket.burst()),
                Integer.toString(want)));
        arguments.addAll(List.of(validMicros));
        return redis.evalInteger(ClusterScripts.LEASE, arguments.toArray(String[]::new));
    }

    /**
     * After a request for the bucket was answered: none granted means the bucket was empty (refused, as a take of
     * that moment would be); else a token of the grant, or, when the other takes waiting spent it all, a new request.
     */
    private CompletableFuture<Boolean> afterGrant(Lease lease, Bucket bucket, long granted) {
        if (granted == 0) {
            return REFUSED;
        }
        synchronized (lease) {
            // the takes that waited for this answer spend it even when it came late, as they would a token each
            if (lease.tokens > 0 && bucket.equals(lease.grantedFor)) {
                lease.tokens--;
                return TAKEN;
            }
        }
        return take(bucket, false);
    }

    /** Requests made to Redis so far. */
    long requests() {
        return requests.sum();
    }

    /** Drops the leases with nothing left to spend and no request under way (called now and then: the beat). */
    void forgetIdle() {
        long now = System.nanoTime();
        leases.values().removeIf(lease -> {
            synchronized (lease) {
                lease.forgotten = lease.asking == null
                        && now - lease.validUntil > 0
                        && now - lease.windowStart > 2 * WINDOW_NANOS;
                return lease.forgotten;
            }
        });
    }

    /** What this node holds of one bucket; guarded by its own lock. */
    private static final class Lease {
        int tokens;
        long validUntil;
        /** The answer of the request under way, if any. */
        CompletableFuture<Long> asking;
        /** The bucket as it was when the tokens were granted: a change of the tenant's limits ends the lease. */
        Bucket grantedFor;
        /** Out of the map: a take that found it there takes it again from the map. */
        boolean forgotten;
        /** Takes waiting for the request under way. */
        int waiting;
        /** Takes that waited for the last answer and found no token of it: the next request asks for them too. */
        int backlog;

        long windowStart = System.nanoTime();
        int thisWindow;
        int lastWindow;

        /** Counts a take in this node's windows of the bucket ({@link #WINDOW_NANOS} each). */
        void count(long now) {
            if (now - windowStart > WINDOW_NANOS) {
                lastWindow = now - windowStart > 2 * WINDOW_NANOS ? 0 : thisWindow;
                thisWindow = 0;
                windowStart = now;
            }
            thisWindow++;
        }

        /**
         * What the next request asks for: as many as this node took from the bucket in the last window or so far in
         * this one, up to {@code mostHeld}; more when takes that waited for the last answer are still without a token
         * (they spend what comes at once).
         */
        int want(int mostHeld) {
            int recent = Math.min(mostHeld, Math.max(1, Math.max(lastWindow, thisWindow)));
            int want = Math.min(MOST_AT_ONCE, Math.max(recent, backlog));
            backlog = 0;
            return want;
        }

        boolean spend(Bucket bucket, long now) {
            if (tokens > 0 && now - validUntil < 0 && bucket.equals(grantedFor)) {
                tokens--;
                return true;
            }
            return false;
        }
    }
}
