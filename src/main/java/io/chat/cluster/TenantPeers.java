package io.chat.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.chat.chat.ChatService;
import io.chat.chat.Peers;
import io.chat.socketio.BroadcastOptions;
import io.chat.socketio.Namespace;
import io.chat.socketio.redis.ClusterTimeoutException;
import io.chat.socketio.redis.RedisAdapter;
import io.chat.socketio.redis.RedisCluster;
import io.chat.socketio.redis.SocketSnapshot;
import io.chat.tenant.Limits;
import io.chat.tenant.Tenant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * One tenant's presence, sockets and message rate across the cluster. Online users, room members and sockets are
 * counted per node in Redis ({@link ClusterScripts}); the lists ({@code presence:list}, {@code rooms:list}) are
 * socket.io's way, every node's sockets fetched through the Redis adapter with the user in their public data,
 * answering with what came when a node is slow.
 */
final class TenantPeers implements Peers {
    private static final System.Logger LOGGER = System.getLogger(TenantPeers.class.getName());

    private static final String ONLINE = "o";
    private static final String ROOM = "r";
    private static final String SOCKETS = "s";
    private static final String USER_SOCKETS = "u";
    private static final String USER_MESSAGES = "m";
    private static final String TENANT_MESSAGES = "t";

    /** How long a CONNECT waits for the cluster's socket quota before it counts on this node's only. */
    private static final long RESERVE_WAIT_MILLIS = 2_000;

    private final ClusterPeers cluster;
    private final Tenant tenant;
    private final Namespace namespace;
    private final RedisAdapter adapter;
    private final Departures departures;

    TenantPeers(ClusterPeers cluster, Tenant tenant, Namespace namespace, Departures departures) {
        this.cluster = cluster;
        this.tenant = tenant;
        this.namespace = namespace;
        this.adapter = RedisCluster.of(namespace);
        this.departures = departures;
    }

    String namespaceName() {
        return namespace.name();
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
        return cluster.redis()
                .evalInteger(ClusterScripts.COUNT, ClusterPeers.PREFIX, cluster.node(), field, Integer.toString(delta))
                .exceptionally(error -> {
                    LOGGER.log(System.Logger.Level.WARNING, "event=cluster-presence outcome=failed");
                    return delta > 0 ? 1L : 0L;
                });
    }

    @Override
    public CompletableFuture<List<String>> members(String room, List<String> here) {
        return sockets(BroadcastOptions.rooms(Set.of(room))).thenApply(sockets -> {
            Set<String> users = new TreeSet<>(here);
            sockets.forEach(socket -> users.add(socket.user()));
            return List.copyOf(users);
        });
    }

    @Override
    public CompletableFuture<Map<String, Integer>> roomSizes(Map<String, Integer> here) {
        return sockets(BroadcastOptions.ALL).thenApply(sockets -> {
            if (sockets.isEmpty()) {
                return here; // the cluster did not answer (or no socket at all)
            }
            Map<String, Set<String>> members = new HashMap<>();
            for (Member socket : sockets) {
                for (String room : socket.rooms()) {
                    if (!room.equals(socket.id())) {
                        members.computeIfAbsent(room, r -> new HashSet<>()).add(socket.user());
                    }
                }
            }
            Map<String, Integer> sizes = new HashMap<>();
            members.forEach((room, users) -> sizes.put(room, users.size()));
            return sizes;
        });
    }

    /** A socket of any node: its id, rooms and user. */
    private record Member(String id, Set<String> rooms, String user) {}

    /**
     * The sockets {@code options} select on every node, with what came from the nodes that answered in time; empty
     * when the cluster cannot be asked (the caller falls back on this node's own figures).
     */
    private CompletableFuture<List<Member>> sockets(BroadcastOptions options) {
        return adapter.fetchAllSockets(options)
                .thenApply(snapshots -> snapshots.stream()
                        .map(TenantPeers::member)
                        .flatMap(Optional::stream)
                        .toList())
                .exceptionally(error -> {
                    Throwable cause =
                            error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                    if (cause instanceof ClusterTimeoutException timeout) {
                        LOGGER.log(System.Logger.Level.DEBUG, "event=cluster-fetch outcome=partial");
                        List<Member> partial = new ArrayList<>();
                        timeout.partial().forEach(json -> member(json).ifPresent(partial::add));
                        return partial;
                    }
                    LOGGER.log(System.Logger.Level.WARNING, "event=cluster-fetch outcome=failed");
                    return List.of();
                });
    }

    private static Optional<Member> member(SocketSnapshot socket) {
        JsonNode user = socket.data().path(ChatService.USER_FIELD);
        return user.isTextual()
                ? Optional.of(new Member(socket.id(), socket.rooms(), user.asText()))
                : Optional.empty();
    }

    private static Optional<Member> member(JsonNode socket) {
        JsonNode user = socket.path("data").path(ChatService.USER_FIELD);
        if (!user.isTextual()) {
            return Optional.empty();
        }
        Set<String> rooms = new HashSet<>();
        socket.path("rooms").forEach(room -> rooms.add(room.asText()));
        return Optional.of(new Member(socket.path("id").asText(), rooms, user.asText()));
    }

    @Override
    public Optional<String> reserveSocket(String user, int maxTotal, int maxPerUser) {
        try {
            long answer = cluster.redis()
                    .evalInteger(
                            ClusterScripts.RESERVE,
                            ClusterPeers.PREFIX,
                            cluster.node(),
                            field(SOCKETS),
                            field(USER_SOCKETS, user),
                            Integer.toString(maxTotal),
                            Integer.toString(maxPerUser))
                    .get(RESERVE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            if (answer == 1) {
                return Optional.of("tenant full");
            }
            return answer == 2 ? Optional.of("too many connections") : Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("unavailable");
        } catch (Exception e) {
            // Redis unreachable: this node's own quota, which gave a place, is the limit meanwhile
            LOGGER.log(System.Logger.Level.WARNING, "event=cluster-quota outcome=failed");
            return Optional.empty();
        }
    }

    @Override
    public void releaseSocket(String user) {
        cluster.redis()
                .evalInteger(
                        ClusterScripts.RELEASE,
                        ClusterPeers.PREFIX,
                        cluster.node(),
                        field(SOCKETS),
                        field(USER_SOCKETS, user))
                .exceptionally(error -> {
                    LOGGER.log(System.Logger.Level.WARNING, "event=cluster-quota-release outcome=failed");
                    return 0L;
                });
    }

    @Override
    public CompletableFuture<Boolean> takeMessage(String user) {
        Limits limits = tenant.limits();
        return cluster.redis()
                .evalInteger(
                        ClusterScripts.TAKE,
                        ClusterPeers.PREFIX,
                        field(USER_MESSAGES, user),
                        Integer.toString(limits.messagesPerSecond()),
                        Integer.toString(limits.messageBurst()),
                        field(TENANT_MESSAGES),
                        Integer.toString(limits.tenantMessagesPerSecond()),
                        Integer.toString(limits.tenantMessageBurst()))
                .thenApply(answer -> answer == 0)
                .exceptionally(error -> {
                    // Redis unreachable: this node's own buckets, which gave a token, are the limit meanwhile
                    LOGGER.log(System.Logger.Level.WARNING, "event=cluster-rate outcome=failed");
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

    /** The cluster dropped what this node held: its sockets reconnect, and are counted again as they do. */
    void reaped() {
        departures.recount();
    }

    @Override
    public void close() {
        cluster.closed(this);
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
}
