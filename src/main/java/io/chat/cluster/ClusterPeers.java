package io.chat.cluster;

import io.chat.chat.Peers;
import io.chat.socketio.Namespace;
import io.chat.socketio.redis.RedisCluster;
import io.chat.tenant.Tenant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * This node's part in the cluster's presence, socket quotas and message rates, kept in Redis (see package-info): it
 * beats every {@link #BEAT_EVERY}; a node that has not beaten for {@link #DEAD_AFTER} is dead, and the nodes that beat
 * after that remove what it held, a part per call, and tell the users that went offline with it (so within
 * {@code DEAD_AFTER + BEAT_EVERY} of the kill). Makes each tenant's {@link TenantPeers}.
 */
public final class ClusterPeers implements Peers.Factory, AutoCloseable {
    static final Duration BEAT_EVERY = Duration.ofSeconds(2);
    static final Duration DEAD_AFTER = Duration.ofSeconds(10);
    /** Beats between two reconciliations of this node's copy in Redis when nothing suggested a drift. */
    static final int RECONCILE_EVERY_BEATS = 30;
    /**
     * Users of a tenant's room lists checked against the counts at each round of sweeps (a minute): a list of 10,000
     * users is looked at whole within 10 rounds, each script call a few milliseconds of Redis at most.
     */
    static final int SWEEP_BUDGET = 1_000;
    /** The longest a round of sweeps (one a reconciliation's period) goes on. */
    static final Duration SWEEP_ROUND = Duration.ofSeconds(2);
    /**
     * The work of a BEAT call that reaps ({@link ClusterScripts#BEAT}): 1,000 of a dead node's fields with 2 nodes in
     * the set, ~10 ms of Redis here, fewer with more nodes (each field is summed over them); up to
     * {@link #REAP_CALLS_PER_BEAT} calls and {@link #REAP_TIME_PER_BEAT} a beat, the rest at the next. A node of
     * 100,000 room fields: 100 calls of at most 15 ms, ~1 s of Redis in all (one call of 0.54 s before: every node's
     * Redis calls waited that long).
     */
    static final int REAP_WORK_PER_CALL = 10_000;

    static final int REAP_CALLS_PER_BEAT = 100;
    static final Duration REAP_TIME_PER_BEAT = Duration.ofSeconds(1);
    /** How long closing waits for a beat under way (a reaping call's answer, its departures told). */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);
    /** The prefix of this feature's Redis keys. */
    static final String PREFIX = "chat:cluster:";
    /** Separates the parts of a hash field: no name (namespace, room, user) holds it. */
    static final String SEPARATOR = "\u0000";

    private static final System.Logger LOGGER = System.getLogger(ClusterPeers.class.getName());
    /** How long a login waits for the cluster's count of its user's attempts. */
    private static final long LOGIN_WAIT_MILLIS = 1_000;
    /** How long an address that failed a user's login is marked: the minute of loginFailuresPerMinute. */
    private static final long FAILED_MARK_MILLIS = 60_000;

    private final RedisCluster redis;
    private final BucketLeases leases;
    private final FailureWarnings warnings = new FailureWarnings(LOGGER);
    private final Duration deadAfter;
    private final ConcurrentHashMap<String, TenantPeers> byNamespace = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor beats;
    /** The room lists' sweeps, on a thread of their own: however many tenants, they never hold a beat back. */
    private final ScheduledThreadPoolExecutor sweeps;
    /** Where the last round of sweeps stopped: the next starts with the tenant after it (sweep thread only). */
    private String lastSwept = "";
    /** Set by {@link #close}: a beat makes no more reaping calls. */
    private volatile boolean closing;
    /** Whether a beat reached Redis already (only the beat thread reads and writes it, after the constructor's). */
    private volatile boolean beaten;
    /** Whether this node's copy in Redis may have drifted: a beat failed, or a reconciliation (beat thread only). */
    private boolean driftSuspected;

    private int beatsSinceReconcile;
    /** {@link RedisCluster#scriptsSentWhole} at the last beat (beat thread only). */
    private long scriptsSentWholeSeen;
    /** A count failed to reach Redis since the last beat: the cluster's copy is off (any thread sets it). */
    private final AtomicBoolean countsLost = new AtomicBoolean();

    public ClusterPeers(RedisCluster redis) {
        this(redis, BEAT_EVERY, DEAD_AFTER);
    }

    ClusterPeers(RedisCluster redis, Duration beatEvery, Duration deadAfter) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.leases = new BucketLeases(redis);
        this.deadAfter = deadAfter;
        this.beats = new ScheduledThreadPoolExecutor(
                1, Thread.ofPlatform().name("cluster-beat").daemon().factory());
        beats.setRemoveOnCancelPolicy(true);
        requireRedis62(redis);
        beat(); // in the set of nodes before the first socket is counted
        long every = beatEvery.toMillis();
        beats.scheduleWithFixedDelay(this::beat, every, every, TimeUnit.MILLISECONDS);
        this.sweeps = new ScheduledThreadPoolExecutor(
                1, Thread.ofPlatform().name("cluster-sweep").daemon().factory());
        long sweepEvery = every * RECONCILE_EVERY_BEATS;
        sweeps.scheduleWithFixedDelay(this::sweepRound, sweepEvery, sweepEvery, TimeUnit.MILLISECONDS);
    }

    /**
     * An older Redis is refused at the start, not found out at the first reap of a dead node (whose every beat would
     * then fail). Unreachable now: nothing to tell yet.
     */
    private static void requireRedis62(RedisCluster redis) {
        try {
            redis.evalStrings(ClusterScripts.VERSION_PROBE, PREFIX).get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (String.valueOf(e.getCause().getMessage())
                    .toLowerCase(Locale.ROOT)
                    .contains("unknown redis command")) {
                throw new IllegalStateException("the cluster needs Redis 6.2 or later (HRANDFIELD)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException e) {
            LOGGER.log(System.Logger.Level.DEBUG, "event=cluster-redis-version outcome=unanswered");
        }
    }

    /**
     * Token buckets in Redis per tenant and user, holding the tenant's {@code loginFailuresPerMinute} and refilled at
     * that rate, as the tenant counts on one node ({@link ClusterScripts#LOGIN_TAKE}): the user's attempts, then as many
     * again for addresses with no failure mark; each node's own count alone let a guesser try that many times per
     * node. Redis unreachable (or slower than {@link #LOGIN_WAIT_MILLIS}): allowed, the node's own count still holds.
     */
    @Override
    public boolean takeLoginAttempt(Tenant tenant, String user, String network) {
        int perMinute = tenant.limits().loginFailuresPerMinute();
        try {
            long answer = redis.evalInteger(
                            ClusterScripts.LOGIN_TAKE,
                            PREFIX,
                            loginKey(tenant, user),
                            loginKey(tenant, user) + SEPARATOR + "unfailed",
                            failedKey(tenant, user, network),
                            Double.toString(perMinute / 60.0),
                            Integer.toString(perMinute),
                            Long.toString(FAILED_MARK_MILLIS))
                    .get(LOGIN_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            return answer == 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            warnings.failed("event=cluster-login-limit outcome=failed error="
                    + cause.getClass().getSimpleName());
            return true;
        }
    }

    @Override
    public void loginFailed(Tenant tenant, String user, String network) {
        redis.evalInteger(
                        ClusterScripts.MARK,
                        PREFIX,
                        failedKey(tenant, user, network),
                        Long.toString(FAILED_MARK_MILLIS))
                .exceptionally(error -> {
                    // the address then gets the second allowance on the other nodes: each node's own mark still holds
                    warnings.failed("event=cluster-login-mark outcome=failed");
                    return 0L;
                });
    }

    @Override
    public void loginSucceeded(Tenant tenant, String user, String network) {
        redis.evalInteger(
                        ClusterScripts.FORGET,
                        PREFIX,
                        loginKey(tenant, user),
                        loginKey(tenant, user) + SEPARATOR + "unfailed",
                        failedKey(tenant, user, network))
                .exceptionally(error -> 0L);
    }

    private static String loginKey(Tenant tenant, String user) {
        return "login" + SEPARATOR + tenant.id().namespace() + SEPARATOR + user;
    }

    /** A user name holds no separator, so the network (an IPv6 one holds colons) is all that follows it. */
    private static String failedKey(Tenant tenant, String user, String network) {
        return "loginfailed" + SEPARATOR + tenant.id().namespace() + SEPARATOR + user + SEPARATOR + network;
    }

    @Override
    public Peers of(Tenant tenant, Namespace namespace, Peers.Departures departures) {
        TenantPeers peers = new TenantPeers(this, tenant, namespace, departures);
        byNamespace.put(namespace.name(), peers);
        return peers;
    }

    RedisCluster redis() {
        return redis;
    }

    /** This node's takes from the tenants' message and event buckets in Redis. */
    BucketLeases leases() {
        return leases;
    }

    /** The warnings of failed Redis calls, a line per kind a period at most. */
    FailureWarnings warnings() {
        return warnings;
    }

    String node() {
        return redis.uid();
    }

    /** A count of a tenant's failed to reach Redis: every tenant's copy is put right at the next beat. */
    void countLost() {
        countsLost.set(true);
    }

    void closed(TenantPeers peers) {
        byNamespace.remove(peers.namespaceName(), peers);
    }

    private void beat() {
        warnings.flush();
        leases.forgetIdle(); // while Redis is down too: the takes meanwhile still made leases
        try {
            boolean absent = false;
            long left;
            int calls = 0;
            long until = System.nanoTime() + REAP_TIME_PER_BEAT.toNanos();
            do { // a dead node's fields a part per call: Redis serves the other nodes between two
                List<String> answer = redis.evalStrings(
                                ClusterScripts.BEAT,
                                PREFIX,
                                node(),
                                Long.toString(deadAfter.toMillis()),
                                Integer.toString(REAP_WORK_PER_CALL))
                        .get(deadAfter.toMillis(), TimeUnit.MILLISECONDS);
                absent |= answer.getFirst().equals("absent");
                left = Long.parseLong(answer.get(1));
                answer.subList(2, answer.size()).forEach(this::departed);
                // a call sent is answered whole (its users are out of the lists already): closing waits for it
            } while (left > 0 && ++calls < REAP_CALLS_PER_BEAT && System.nanoTime() < until && !closing);
            if (absent && beaten) {
                // Redis restarted empty, or this node was cut off alone for longer than DEAD_AFTER and another node
                // reaped it, or began to (and told its users offline): what it holds is gone from the cluster
                LOGGER.log(System.Logger.Level.WARNING, "event=cluster-beat outcome=absent");
                driftSuspected = true;
            }
            beaten = true;
            // a count lost, or counts that may have run out of order (sent whole again after Redis lost its scripts)
            long sentWhole = redis.scriptsSentWhole();
            boolean lost = countsLost.getAndSet(false) | sentWhole != scriptsSentWholeSeen;
            scriptsSentWholeSeen = sentWhole;
            if (driftSuspected || lost || ++beatsSinceReconcile >= RECONCILE_EVERY_BEATS) {
                beatsSinceReconcile = 0;
                driftSuspected = false;
                for (TenantPeers peers : byNamespace.values()) {
                    driftSuspected |= !peers.reconcile();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // Redis is down: the next beat tries again, and counts lost meanwhile are put right once it is back
            warnings.failed("event=cluster-beat outcome=failed");
            driftSuspected = beaten;
        }
    }

    /**
     * Part of every tenant's room lists checked against the counts ({@link TenantPeers#sweep}), tenant after tenant
     * from where the last round stopped, for {@link #SWEEP_ROUND} at most: a round never runs into the next, and with
     * many tenants each gets its turn over several rounds. Nothing while Redis is unreachable.
     */
    private void sweepRound() {
        long deadline = System.nanoTime() + SWEEP_ROUND.toNanos();
        List<String> namespaces = new ArrayList<>(byNamespace.keySet());
        Collections.sort(namespaces);
        int start = 0;
        while (start < namespaces.size() && namespaces.get(start).compareTo(lastSwept) <= 0) {
            start++;
        }
        int dropped = 0;
        try {
            for (int i = 0; i < namespaces.size() && System.nanoTime() < deadline && redis.connected(); i++) {
                String namespace = namespaces.get((start + i) % namespaces.size());
                TenantPeers peers = byNamespace.get(namespace);
                if (peers != null) {
                    dropped += peers.sweep(SWEEP_BUDGET);
                }
                lastSwept = namespace;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            warnings.failed("event=cluster-sweep outcome=failed");
        }
        if (dropped > 0) {
            LOGGER.log(System.Logger.Level.INFO, "event=cluster-sweep outcome=dropped count=" + dropped);
        }
    }

    /** A field a dead node held and no live node holds: tells its tenant's sockets, if the tenant is open here. */
    private void departed(String field) {
        String[] parts = field.split(SEPARATOR, -1);
        TenantPeers peers = byNamespace.get(parts[0]);
        if (peers != null) {
            peers.departed(parts);
        }
    }

    /** Stops beating and marks this node dead, so that another node clears what it held at its next beat. */
    @Override
    public void close() {
        closing = true;
        beats.shutdown(); // a beat under way ends after the call it made (its departures told), never mid-call
        sweeps.shutdownNow();
        try {
            if (!beats.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                beats.shutdownNow();
            }
        } catch (InterruptedException e) {
            beats.shutdownNow();
            Thread.currentThread().interrupt();
        }
        warnings.flushAll();
        try {
            redis.evalInteger(ClusterScripts.LEAVE, PREFIX, node()).get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOGGER.log(System.Logger.Level.DEBUG, "event=cluster-leave outcome=failed");
        }
    }
}
