package io.chat.cluster;

import io.chat.chat.Peers;
import io.chat.cluster.BucketLeases.Bucket;
import io.chat.socketio.BroadcastOptions;
import io.chat.socketio.Namespace;
import io.chat.socketio.redis.ClusterTimeoutException;
import io.chat.socketio.redis.RedisAdapter;
import io.chat.socketio.redis.RedisCluster;
import io.chat.socketio.redis.SocketSnapshot;
import io.chat.tenant.Limits;
import io.chat.tenant.Tenant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * One tenant's presence, sockets and message rate across the cluster. Online users, room members and sockets are
 * counted per node in Redis ({@link ClusterScripts}), and the lists ({@code presence:list}, a join's members, {@code
 * rooms:list}) read from what those counts keep beside them in the same scripts: a room's users, the tenant's rooms by
 * their users. An answer is as long as the list, whatever the sockets behind it (fetching every node's sockets with
 * their rooms, socket.io's way, cost a tenant's every socket per {@code rooms:list} and came back partial past a few
 * thousand of them). Callers asking for the same list while it is being read share the next read.
 */
final class TenantPeers implements Peers {
    private static final System.Logger LOGGER = System.getLogger(TenantPeers.class.getName());

    /** The server-side event that carries a user's remembered rooms' changes to the other nodes, and its values. */
    static final String MEMBERSHIP = "chat:membership";
    /** A user's read position moved: room, user, seq. */
    static final String READ = "chat:read";

    private static final String JOINED = "joined";
    private static final String LEFT = "left";

    private static final String ONLINE = "o";
    private static final String ROOM = "r";
    private static final String SOCKETS = "s";
    private static final String USER_SOCKETS = "u";
    private static final String USER_MESSAGES = "m";
    private static final String TENANT_MESSAGES = "t";
    private static final String USER_EVENTS = "e";

    /** Fields set or removed by one call of {@link ClusterScripts#RECONCILE}: bounds how long it holds Redis. */
    private static final int RECONCILE_CHUNK = 500;
    /** A reconciliation's chunks sent and not answered yet, at most: other calls of the node get in between. */
    private static final int RECONCILE_IN_FLIGHT = 8;

    /** How long a CONNECT waits for the cluster's socket quota before it counts on this node's only. */
    private static final long RESERVE_WAIT_MILLIS = 2_000;

    private final ClusterPeers cluster;
    private final Tenant tenant;
    private final Namespace namespace;
    private final RedisAdapter adapter;
    private final Departures departures;
    /** The fields this node changed in Redis since its last reconciliation: any may have drifted. */
    private final Set<String> touched = ConcurrentHashMap.newKeySet();
    /**
     * Held while a count is sent, and while a reconciliation reads this node's counts and sends them: one connection
     * carries both, so Redis runs a count made after the reading after the reconciliation, never before it (where the
     * reconciliation would put back what the count had just taken out: a user who left listed until the next one).
     */
    private final ReentrantLock sending = new ReentrantLock();
    /** The fields the last reconciliation set (written by the beat thread only; the sweep's thread reads it). */
    private volatile Set<String> reconciled = Set.of();
    /** The tenant's room lists checked against the counts, a part at each round of sweeps (the sweep's thread). */
    private final ListSweep sweep;

    /** Where a rooms:list answer is written (to one socket, of up to 1,000 rooms): off Redis's I/O thread. */
    private static final Executor LISTS_ANSWERED =
            runnable -> Thread.ofVirtual().name("chat-list-answered").start(runnable);

    /** Where what follows a presence answer runs ({@link #presenceEvents}). */
    private final InOrder countsAnswered;
    /** The users of a room on every node, one read at a time per room. */
    private final SharedFetches<String, List<String>> roomMembers = new SharedFetches<>(this::readMembers);
    /** The tenant's busiest rooms, one read at a time per cap. */
    private final SharedFetches<Integer, Listing> busiestRooms = new SharedFetches<>(this::readBusiest);

    TenantPeers(ClusterPeers cluster, Tenant tenant, Namespace namespace, Departures departures) {
        this.cluster = cluster;
        this.tenant = tenant;
        this.namespace = namespace;
        this.adapter = RedisCluster.of(namespace);
        this.departures = departures;
        this.countsAnswered = new InOrder("chat-presence-" + namespace.name());
        this.sweep = new ListSweep(cluster.redis(), ClusterPeers.PREFIX, namespace.name());
        adapter.onServerSideEmit(MEMBERSHIP, (args, ack) -> {
            if (args.size() == 3
                    && args.get(0).isTextual()
                    && args.get(1).isTextual()
                    && args.get(2).isTextual()) {
                departures.membershipChanged(
                        args.get(0).asText(),
                        args.get(1).asText(),
                        JOINED.equals(args.get(2).asText()));
            }
        });
        adapter.onServerSideEmit(READ, (args, ack) -> {
            if (args.size() == 3
                    && args.get(0).isTextual()
                    && args.get(1).isTextual()
                    && args.get(2).canConvertToLong()) {
                departures.readMoved(
                        args.get(0).asText(), args.get(1).asText(), args.get(2).asLong());
            }
        });
    }

    @Override
    public void membershipChanged(String room, String user, boolean joined) {
        adapter.serverSideEmit(MEMBERSHIP, room, user, joined ? JOINED : LEFT);
    }

    @Override
    public void readMoved(String room, String user, long seq) {
        adapter.serverSideEmit(READ, room, user, seq);
    }

    String namespaceName() {
        return namespace.name();
    }

    /**
     * Off Redis's I/O thread (which carries every tenant's calls), one at a time, in the order the counts answered: the
     * counts of one node reach Redis in the order they were made, on one connection.
     */
    @Override
    public Executor presenceEvents() {
        return countsAnswered;
    }

    @Override
    public CompletableFuture<Boolean> online(String user) {
        return count(field(ONLINE, user), 1).thenApply(total -> total == 1);
    }

    @Override
    public CompletableFuture<Boolean> offline(String user) {
        return count(field(ONLINE, user), -1).thenApply(total -> total == 0);
    }

    @Override
    public CompletableFuture<Boolean> entered(String room, String user) {
        return count(field(ROOM, room, user), 1).thenApply(total -> total == 1);
    }

    @Override
    public CompletableFuture<Boolean> exited(String room, String user) {
        return count(field(ROOM, room, user), -1).thenApply(total -> total == 0);
    }

    /**
     * This node's count of the field changed by {@code delta}: the cluster's total after it. Redis unreachable: the
     * total is taken as this node's own (1 after its first, 0 after its last), as a single node would answer.
     */
    private CompletableFuture<Long> count(String field, int delta) {
        return send(List.of(field), ClusterScripts.COUNT, field, Integer.toString(delta))
                .exceptionally(error -> {
                    cluster.warnings().failed("event=cluster-presence outcome=failed");
                    cluster.countLost(); // the cluster's copy is off by it: put right at the next beat
                    return delta > 0 ? 1L : 0L;
                });
    }

    /** Sends a script that changes this node's counts of {@code fields}, in order with the reconciliations. */
    private CompletableFuture<Long> send(List<String> fields, String script, String... arguments) {
        String[] all = nodeArguments(Stream.of(arguments));
        sending.lock();
        try {
            touched.addAll(fields);
            return cluster.redis().evalInteger(script, all);
        } finally {
            sending.unlock();
        }
    }

    /**
     * On the presence events' executor, after the room:joined of a join's count: a joiner's answer, and so its first
     * message, never reaches the room before the room:joined that names it.
     */
    @Override
    public CompletableFuture<List<String>> members(String room, List<String> here) {
        return roomMembers
                .get(room)
                .handleAsync(
                        (everywhere, error) -> {
                            // this node's users are in Redis already, unless a count of theirs was lost
                            Set<String> users = new TreeSet<>(here);
                            if (error == null) {
                                users.addAll(everywhere);
                            } else {
                                cluster.warnings().failed("event=cluster-members outcome=failed");
                            }
                            return List.copyOf(users);
                        },
                        countsAnswered);
    }

    private CompletableFuture<List<String>> readMembers(String room) {
        return cluster.redis().evalStrings(ClusterScripts.MEMBERS, ClusterPeers.PREFIX, namespace.name(), room);
    }

    @Override
    public CompletableFuture<Boolean> isSocketElsewhere(String room) {
        // the room of a socket's id holds that socket alone: the fetch of the room's sockets finds it on its server,
        // whoever's it is (a Node socket.io server's sockets among them), asked of the servers Redis counts, as the
        // official adapter asks. Our own nodes' socket ids are never room names
        // (SocketIds), so a node of ours cut off from Redis, which Redis does not count, holds none of these
        CompletableFuture<List<SocketSnapshot>> fetched;
        try {
            fetched = !cluster.redis().connected()
                    ? CompletableFuture.failedFuture(new IllegalStateException("not connected to Redis"))
                    : adapter.fetchAllSockets(BroadcastOptions.rooms(Set.of(room)));
        } catch (RuntimeException e) {
            fetched = CompletableFuture.failedFuture(e);
        }
        return fetched.thenApply(sockets ->
                        sockets.stream().anyMatch(socket -> socket.id().equals(room)))
                .exceptionallyCompose(error -> {
                    Throwable cause = cause(error);
                    if (cause instanceof ClusterTimeoutException timeout
                            && timeout.partial().stream()
                                    .anyMatch(json -> json.path("id").asText().equals(room))) {
                        return CompletableFuture.completedFuture(true);
                    }
                    // the server that did not answer may hold that socket: unknown, which the join refuses
                    cluster.warnings().failed("event=cluster-socket-check outcome=failed");
                    return CompletableFuture.failedFuture(cause);
                });
    }

    @Override
    public CompletableFuture<Listing> busiestRooms(int max, Listing here) {
        return busiestRooms
                .get(max)
                .handleAsync((everywhere, error) -> merged(everywhere, error, here, max), LISTS_ANSWERED);
    }

    /**
     * The cluster's busiest rooms with this node's own, which a count lost (or Redis restarted empty) may have left
     * out meanwhile; this node's alone when the cluster could not be asked.
     */
    private Listing merged(Listing everywhere, Throwable error, Listing here, int max) {
        if (error != null) {
            cluster.warnings().failed("event=cluster-rooms outcome=failed");
            return here;
        }
        Map<String, Integer> rooms = new HashMap<>(everywhere.rooms());
        here.rooms().forEach((room, users) -> rooms.merge(room, users, Math::max));
        Listing merged = Listing.busiest(rooms, max);
        boolean truncated = everywhere.truncated() || here.truncated() || merged.truncated();
        return new Listing(merged.rooms(), truncated);
    }

    /** {@link ClusterScripts#ROOMS}' answer: how many rooms have users, then each room and its users. */
    private CompletableFuture<Listing> readBusiest(int max) {
        return cluster.redis()
                .evalStrings(ClusterScripts.ROOMS, ClusterPeers.PREFIX, namespace.name(), Integer.toString(max))
                .thenApply(answer -> {
                    Map<String, Integer> rooms = new HashMap<>();
                    for (int i = 1; i + 1 < answer.size(); i += 2) {
                        rooms.put(answer.get(i), Integer.parseInt(answer.get(i + 1)));
                    }
                    return new Listing(rooms, Integer.parseInt(answer.getFirst()) > rooms.size());
                });
    }

    @Override
    public Optional<String> reserveSocket(String user, int maxTotal, int maxPerUser) {
        try {
            List<String> fields = List.of(field(SOCKETS), field(USER_SOCKETS, user));
            long answer = send(
                            fields,
                            ClusterScripts.RESERVE,
                            fields.get(0),
                            fields.get(1),
                            Integer.toString(maxTotal),
                            Integer.toString(maxPerUser))
                    .get(RESERVE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            if (answer == 1) {
                return Optional.of("tenant full");
            }
            return answer == 2 ? Optional.of("too many connections") : Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cluster.countLost(); // the script may have run all the same: the copy is put right at the next beat
            return Optional.of("unavailable");
        } catch (Exception e) {
            // Redis unreachable: this node's own quota, which gave a place, is the limit meanwhile
            cluster.warnings().failed("event=cluster-quota outcome=failed");
            cluster.countLost();
            return Optional.empty();
        }
    }

    @Override
    public void releaseSocket(String user) {
        List<String> fields = List.of(field(SOCKETS), field(USER_SOCKETS, user));
        send(fields, ClusterScripts.RELEASE, fields.get(0), fields.get(1)).exceptionally(error -> {
            cluster.warnings().failed("event=cluster-quota-release outcome=failed");
            cluster.countLost();
            return 0L;
        });
    }

    @Override
    public CompletableFuture<Boolean> takeMessage(String user) {
        Limits limits = tenant.limits();
        return take(
                "cluster-rate",
                new Bucket(field(USER_MESSAGES, user), limits.messagesPerSecond(), limits.messageBurst()),
                new Bucket(field(TENANT_MESSAGES), limits.tenantMessagesPerSecond(), limits.tenantMessageBurst()));
    }

    @Override
    public CompletableFuture<Boolean> takeEvent(String user) {
        Limits limits = tenant.limits();
        return take(
                "cluster-event-rate",
                new Bucket(field(USER_EVENTS, user), limits.eventsPerSecond(), limits.eventBurst()));
    }

    /** Takes a token from each bucket in turn: true when each gave one. */
    private CompletableFuture<Boolean> take(String event, Bucket... buckets) {
        return cluster.leases().take(buckets).exceptionally(error -> {
            // Redis unreachable: this node's own buckets, which gave a token, are the limit meanwhile
            cluster.warnings().failed("event=" + event + " outcome=failed");
            return true;
        });
    }

    /** A field a killed node held that no node holds now. */
    void departed(String[] parts) {
        if (parts.length == 3 && parts[1].equals(ONLINE)) {
            departures.offline(parts[2]);
        } else if (parts.length == 4 && parts[1].equals(ROOM)) {
            departures.left(parts[2], parts[3]);
        }
    }

    /**
     * Makes this node's copy in Redis what it holds by its own counts: its users online and in rooms, its sockets. A
     * count lost while Redis was unreachable, or everything after Redis restarted empty or this node was taken for
     * dead, is put right without a socket dropped (closing them made every client of every node reconnect after a
     * Redis restart). No event is sent: the lists follow the counts put right. A count made after its reading reaches
     * Redis after it ({@link #sending}); one the chat made just before its reading and sends just after it is counted
     * twice until the next reconciliation (rare: it needs a reading within that instant). Waits for Redis; false when
     * it could not be reached.
     */
    boolean reconcile() {
        Set<String> changed = Set.of();
        Set<String> gone = Set.of();
        Map<String, String> counts = new HashMap<>();
        Deque<CompletableFuture<Long>> sent = new ArrayDeque<>();
        sending.lock(); // a count made after this reading reaches Redis after what it sends
        try {
            changed = new HashSet<>(touched);
            touched.removeAll(changed);
            Held held = departures.held();
            held.online().forEach(user -> counts.put(field(ONLINE, user), "1"));
            held.rooms().forEach((room, users) -> users.forEach(user -> counts.put(field(ROOM, room, user), "1")));
            int sockets = 0;
            for (Map.Entry<String, Integer> user : held.sockets().entrySet()) {
                counts.put(field(USER_SOCKETS, user.getKey()), Integer.toString(user.getValue()));
                sockets += user.getValue();
            }
            if (sockets > 0) {
                counts.put(field(SOCKETS), Integer.toString(sockets));
            }
            gone = new HashSet<>(reconciled);
            gone.addAll(changed);
            gone.removeAll(counts.keySet());
            List<Map.Entry<String, String>> pairs = new ArrayList<>(counts.entrySet());
            for (int from = 0; from < pairs.size(); from += RECONCILE_CHUNK) {
                List<String> arguments = new ArrayList<>();
                List<Map.Entry<String, String>> chunk =
                        pairs.subList(from, Math.min(pairs.size(), from + RECONCILE_CHUNK));
                arguments.add(Integer.toString(chunk.size()));
                chunk.forEach(pair -> {
                    arguments.add(pair.getKey());
                    arguments.add(pair.getValue());
                });
                reconcile(arguments, sent);
            }
            List<String> removed = new ArrayList<>(gone);
            for (int from = 0; from < removed.size(); from += RECONCILE_CHUNK) {
                List<String> arguments = new ArrayList<>();
                arguments.add("0");
                arguments.addAll(removed.subList(from, Math.min(removed.size(), from + RECONCILE_CHUNK)));
                reconcile(arguments, sent);
            }
            sending.unlock();
            while (!sent.isEmpty()) {
                sent.poll().get(RESERVE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            }
            reconciled = counts.keySet();
            return true;
        } catch (Exception e) {
            touched.addAll(changed); // not put right: tried again next time
            touched.addAll(gone);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            cluster.warnings().failed("event=cluster-reconcile outcome=failed");
            return false;
        } finally {
            if (sending.isHeldByCurrentThread()) {
                sending.unlock();
            }
        }
    }

    /**
     * Part of the tenant's room lists checked against the counts ({@link ListSweep}), while this node holds some of the
     * tenant: the tenants open here without a user here cost Redis no call a minute (a tenant with nobody on any node
     * keeps a wrong list until someone comes back). The sweep thread only.
     */
    int sweep(int budget) throws Exception {
        return reconciled.isEmpty() ? 0 : sweep.next(budget);
    }

    /**
     * Sends a chunk of a reconciliation (its pairs, or its removals), {@link #sending} held, after waiting for the
     * oldest of those in flight when {@link #RECONCILE_IN_FLIGHT} are: a big tenant's chunks, all sent at once, held
     * every other call of the node (one connection) behind them.
     */
    private void reconcile(List<String> arguments, Deque<CompletableFuture<Long>> sent) throws Exception {
        if (sent.size() >= RECONCILE_IN_FLIGHT) {
            sent.poll().get(RESERVE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        }
        String[] all = nodeArguments(arguments.stream());
        sent.add(cluster.redis().evalInteger(ClusterScripts.RECONCILE, all));
    }

    @Override
    public void close() {
        cluster.closed(this);
    }

    /** A script's ARGV for this node's counts: the prefix, this node, then {@code rest}. */
    private String[] nodeArguments(Stream<String> rest) {
        return Stream.concat(Stream.of(ClusterPeers.PREFIX, cluster.node()), rest)
                .toArray(String[]::new);
    }

    /** A hash field or key suffix of this tenant: its namespace, a kind, and names. */
    private String field(String kind, String... names) {
        StringBuilder field = new StringBuilder(namespace.name())
                .append(ClusterPeers.SEPARATOR)
                .append(kind);
        for (String name : names) {
            field.append(ClusterPeers.SEPARATOR).append(name);
        }
        return field.toString();
    }

    /** What failed a stage: the cause a {@link CompletionException} wraps. */
    private static Throwable cause(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
