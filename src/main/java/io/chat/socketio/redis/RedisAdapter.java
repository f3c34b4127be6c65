package io.chat.socketio.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chat.socketio.Adapter;
import io.chat.socketio.BroadcastOptions;
import io.chat.socketio.InMemoryAdapter;
import io.chat.socketio.Namespace;
import io.chat.socketio.Packet;
import io.chat.socketio.PacketType;
import io.chat.socketio.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * The adapter of one namespace of a server in a Redis cluster. Local rooms and local delivery are an {@link
 * InMemoryAdapter}'s; a broadcast also goes, once encoded as MessagePack, to Redis (never waiting on it), and
 * broadcasts from the other servers are delivered to this server's sockets, encoded once for all of them. Requests of
 * the other servers (Node's or ours) for this namespace are answered here.
 *
 * <p>{@link #disconnectSockets}, {@link #fetchSockets} and the other {@link Adapter} methods stay this server's, as
 * the engine expects; the cluster-wide operations are the methods of its own ({@link #fetchAllSockets},
 * {@link #socketsJoin}, {@link #socketsLeave}, {@link #disconnectAllSockets}, {@link #serverSideEmit},
 * {@link #serverSideEmitWithAck}, {@link #broadcastWithAck}, {@link #allRooms}, {@link #serverCount}).
 */
public final class RedisAdapter implements Adapter {
    private static final String ENGINE_PATH = "/socket.io/";

    private final Namespace namespace;
    private final RedisCluster cluster;
    private final InMemoryAdapter local;
    private final Channels channels;
    /** How our own broadcasts start ({@code [uid, ...}), to drop them as Redis echoes them without decoding. */
    private final byte[] ownPrefix;

    private final Requester requester;
    private final Responder responder;
    private final ConcurrentHashMap<String, ServerSideEmitHandler> serverSideHandlers = new ConcurrentHashMap<>();
    /** The rooms with a socket here, each to its channel's subscription (complete once Redis confirmed it). */
    private final ConcurrentHashMap<String, CompletableFuture<Void>> followed = new ConcurrentHashMap<>();
    /** The namespace left the cluster: its rooms subscribe nothing any more. */
    private volatile boolean left;

    RedisAdapter(Namespace namespace, RedisCluster cluster) {
        this.namespace = namespace;
        this.cluster = cluster;
        this.local = new InMemoryAdapter(namespace);
        this.channels = Channels.of(cluster.config().key(), namespace.name(), cluster.uid());
        byte[] uid = MsgPack.encode(Messages.NODES.textNode(cluster.uid()));
        this.ownPrefix = new byte[uid.length + 1];
        ownPrefix[0] = (byte) 0x93; // fixarray of 3
        System.arraycopy(uid, 0, ownPrefix, 1, uid.length);
        this.requester = new Requester(cluster.timers());
        this.responder = new Responder(this);
        cluster.join(this, channels);
    }

    // ---- Adapter: this server's rooms and sockets

    @Override
    public void addAll(Socket socket, Set<String> rooms) {
        local.addAll(socket, rooms);
        rooms.forEach(this::followRoom);
    }

    @Override
    public void del(Socket socket, String room) {
        local.del(socket, room);
        followRoom(room);
    }

    @Override
    public void delAll(Socket socket) {
        Set<String> rooms = Set.copyOf(local.socketRooms(socket));
        local.delAll(socket);
        rooms.forEach(this::followRoom);
    }

    /**
     * Subscribes the room's channel when the room has a socket here and it is not subscribed, unsubscribes it when the
     * room has none any more. Atomic per room ({@code compute}), each call looking at the rooms as they are then: the
     * last call for a room leaves its subscription as its sockets are, whatever the threads' interleaving, and the
     * room's SUBSCRIBE and UNSUBSCRIBE commands go to Redis in that order.
     *
     * <p>A socket's own room (its id) is subscribed too, unlike the sharded adapter's {@code "dynamic"} mode: the
     * classic adapter publishes {@code io.to(socketId)} on that room's channel, and a Node server on the same Redis
     * expects the socket's server to receive it. It costs one SUBSCRIBE per connection and one UNSUBSCRIBE per
     * disconnection, pipelined and never waited for, while an exact channel adds nothing to the cost of a PUBLISH.
     */
    private void followRoom(String room) {
        followed.compute(room, (name, subscription) -> {
            boolean hasSockets = !left && local.rooms().containsKey(name);
            if (hasSockets) {
                return subscription != null ? subscription : cluster.subscribe(this, channels.room(name));
            }
            if (subscription != null) {
                cluster.unsubscribe(this, channels.room(name));
            }
            return null;
        });
    }

    /**
     * Completes once broadcasts of the other servers to {@code room} reach this server: its channel's SUBSCRIBE is
     * confirmed by Redis (at once when it was already), or the requests timeout passed (Redis down).
     */
    @Override
    public CompletableFuture<Void> receiving(String room) {
        CompletableFuture<Void> subscription = followed.get(room);
        return subscription == null ? CompletableFuture.completedFuture(null) : subscription.copy();
    }

    /** Delivers to this server's sockets, then publishes for the others (unless the packet is not an event). */
    @Override
    public int broadcast(Packet packet, BroadcastOptions options) {
        int queued = local.broadcast(packet, options);
        // a namespace that left (a deleted tenant) tells no other node: a socket it still had, or one that
        // connected as it went, must not reach a tenant of the same name provisioned again
        if (!left
                && (packet.type() == PacketType.EVENT || packet.type() == PacketType.BINARY_EVENT)
                && packet.data().isPresent()) {
            ArrayNode message = Messages.NODES.arrayNode(3);
            message.add(cluster.uid());
            ObjectNode wirePacket = message.addObject();
            wirePacket.put("type", PacketType.EVENT.ordinal());
            wirePacket.set("data", packet.data().get());
            wirePacket.put("nsp", namespace.name());
            message.add(WireOptions.write(options));
            cluster.publish(channels.broadcastTo(options.rooms()), () -> MsgPack.encode(message));
        }
        return queued;
    }

    @Override
    public Set<String> socketRooms(Socket socket) {
        return local.socketRooms(socket);
    }

    @Override
    public Collection<Socket> fetchSockets(BroadcastOptions options) {
        return local.fetchSockets(options);
    }

    @Override
    public void disconnectSockets(BroadcastOptions options, boolean close) {
        local.disconnectSockets(options, close);
    }

    @Override
    public Map<String, Set<Socket>> rooms() {
        return local.rooms();
    }

    /** Leaves the cluster for this namespace (the namespace was removed): unsubscribes, fails pending requests. */
    @Override
    public void close() {
        left = true;
        cluster.leave(
                this, channels, followed.keySet().stream().map(channels::room).toList());
        closed();
    }

    void closed() {
        requester.failAll(new IllegalStateException("the namespace left the cluster"));
    }

    // ---- the cluster

    /** How many servers have this namespace ({@code PUBSUB NUMSUB} of its request channel), this one included. */
    public CompletableFuture<Integer> serverCount() {
        return cluster.subscribers(channels.request());
    }

    /**
     * The sockets {@code options} select on every server, within the requests timeout; fails with a {@link
     * ClusterTimeoutException} when a server does not answer in time.
     */
    public CompletableFuture<List<SocketSnapshot>> fetchAllSockets(BroadcastOptions options) {
        List<JsonNode> own = new ArrayList<>();
        for (Socket socket : local.fetchSockets(options)) {
            own.add(snapshot(socket));
        }
        ObjectNode request = Requester.request(cluster.uid(), Requester.newId(), RequestType.REMOTE_FETCH);
        request.set("opts", WireOptions.selection(options));
        return ask(request, "sockets", own)
                .thenApply(
                        list -> list.stream().map(RedisAdapter::socketSnapshot).toList());
    }

    /** Every room of the namespace on every server (socket id rooms included). */
    public CompletableFuture<Set<String>> allRooms() {
        List<JsonNode> own = new ArrayList<>();
        local.rooms().keySet().forEach(room -> own.add(Messages.NODES.textNode(room)));
        ObjectNode request = Requester.request(cluster.uid(), Requester.newId(), RequestType.ALL_ROOMS);
        return ask(request, "rooms", own).thenApply(list -> {
            Set<String> rooms = new HashSet<>();
            list.forEach(room -> rooms.add(room.asText()));
            return rooms;
        });
    }

    private CompletableFuture<List<JsonNode>> ask(ObjectNode request, String field, List<JsonNode> own) {
        CompletableFuture<List<JsonNode>> result = new CompletableFuture<>();
        Requester.onSuccess(serverCount(), result, servers -> {
            if (servers <= 1) {
                result.complete(own);
                return;
            }
            String requestId = request.get("requestId").asText();
            requester
                    .collect(requestId, servers, field, own, timeout())
                    .whenComplete((list, error) -> settle(result, list, error));
            cluster.publish(channels.request(), () -> Messages.json(request));
        });
        return result;
    }

    /** The sockets {@code options} select, on every server, join {@code rooms} (fire and forget, as in socket.io). */
    public void socketsJoin(BroadcastOptions options, Set<String> rooms) {
        for (Socket socket : List.copyOf(local.fetchSockets(options))) {
            rooms.forEach(socket::join);
        }
        publishRoomChange(RequestType.REMOTE_JOIN, options, rooms);
    }

    /** The sockets {@code options} select, on every server, leave {@code rooms}. */
    public void socketsLeave(BroadcastOptions options, Set<String> rooms) {
        for (Socket socket : List.copyOf(local.fetchSockets(options))) {
            rooms.forEach(socket::leave);
        }
        publishRoomChange(RequestType.REMOTE_LEAVE, options, rooms);
    }

    private void publishRoomChange(RequestType type, BroadcastOptions options, Set<String> rooms) {
        ObjectNode request = Requester.request(cluster.uid(), null, type);
        request.set("opts", WireOptions.selection(options));
        ArrayNode names = request.putArray("rooms");
        rooms.forEach(names::add);
        cluster.publish(channels.request(), () -> Messages.json(request));
    }

    /** Disconnects the sockets {@code options} select on every server; with {@code close}, their connections too. */
    public void disconnectAllSockets(BroadcastOptions options, boolean close) {
        local.disconnectSockets(options, close);
        ObjectNode request = Requester.request(cluster.uid(), null, RequestType.REMOTE_DISCONNECT);
        request.set("opts", WireOptions.selection(options));
        request.put("close", close);
        cluster.publish(channels.request(), () -> Messages.json(request));
    }

    /** Sends an event to the other servers' handlers of this namespace ({@link #onServerSideEmit}). */
    public void serverSideEmit(String event, Object... args) {
        ObjectNode request = Requester.request(cluster.uid(), null, RequestType.SERVER_SIDE_EMIT);
        request.set("data", Messages.eventData(event, args));
        cluster.publish(channels.request(), () -> Messages.json(request));
    }

    /**
     * Sends an event to the other servers' handlers and gathers their answers (one per server); fails with a {@link
     * ClusterTimeoutException} (holding the answers that came) past {@code timeout}.
     */
    public CompletableFuture<List<JsonNode>> serverSideEmitWithAck(Duration timeout, String event, Object... args) {
        String requestId = Requester.newId();
        ObjectNode request = Requester.request(cluster.uid(), requestId, RequestType.SERVER_SIDE_EMIT);
        request.set("data", Messages.eventData(event, args));
        CompletableFuture<List<JsonNode>> result = new CompletableFuture<>();
        Requester.onSuccess(serverCount(), result, servers -> {
            int others = servers - 1;
            if (others <= 0) {
                result.complete(List.of());
                return;
            }
            requester
                    .serverSideAcks(requestId, others, timeout)
                    .whenComplete((list, error) -> settle(result, list, error));
            cluster.publish(channels.request(), () -> Messages.json(request));
        });
        return result;
    }

    /** Handles an event other servers send with {@code serverSideEmit} (one handler per event). */
    public RedisAdapter onServerSideEmit(String event, ServerSideEmitHandler handler) {
        serverSideHandlers.put(event, handler);
        return this;
    }

    /**
     * Emits to the sockets {@code options} select on every server and gathers their acks (each client's first ack
     * argument), as socket.io's {@code io.timeout(t).emit(..., callback)}: complete when every server told how many
     * clients it reached and that many acks arrived; a {@link ClusterTimeoutException} past {@code timeout}.
     */
    public CompletableFuture<List<JsonNode>> broadcastWithAck(
            BroadcastOptions options, Duration timeout, String event, Object... args) {
        ArrayNode data = Messages.eventData(event, args);
        String requestId = Requester.newId();
        Requester.BroadcastAcks acks = requester.broadcastAcks(requestId, timeout);
        ObjectNode request = Requester.request(cluster.uid(), requestId, RequestType.BROADCAST);
        ObjectNode packet = request.putObject("packet");
        packet.put("type", PacketType.EVENT.ordinal());
        packet.set("data", data);
        packet.put("nsp", namespace.name());
        ObjectNode wireOptions = WireOptions.write(options);
        ((ObjectNode) wireOptions.get("flags")).put("timeout", timeout.toMillis());
        request.set("opts", wireOptions);
        cluster.publish(channels.request(), () -> MsgPack.encode(request));
        emitWithAcks(options, timeout, data, acks::clientCount, acks::ack);
        serverCount().whenComplete((servers, error) -> {
            if (error != null) {
                acks.future().completeExceptionally(error);
            } else {
                acks.serverCount(servers);
            }
        });
        return acks.future();
    }

    // ---- what arrives from Redis (on the cluster's inbox thread)

    /** Whether {@code payload} is a broadcast of this server's own (delivered here already), by its first bytes. */
    boolean isOwnBroadcast(String channel, byte[] payload) {
        return channels.isBroadcast(channel)
                && Arrays.equals(
                        payload, 0, Math.min(payload.length, ownPrefix.length), ownPrefix, 0, ownPrefix.length);
    }

    /** Our own broadcasts were dropped before the inbox ({@link #isOwnBroadcast}); the uid check below is the rest. */
    void onBroadcast(String channel, byte[] payload) {
        String room = channels.roomOf(channel);
        if (room == null || (!room.isEmpty() && !local.rooms().containsKey(room))) {
            return; // nobody here is in that room: not even decoded
        }
        JsonNode message = MsgPack.decode(payload);
        if (!message.isArray()
                || message.size() < 2
                || cluster.uid().equals(message.get(0).asText())) {
            return;
        }
        JsonNode packet = message.get(1);
        JsonNode data = packet.get("data");
        if (!namespace.name().equals(packet.path("nsp").asText("/")) || !Messages.isEvent(data)) {
            return;
        }
        local.broadcast(
                new Packet(PacketType.EVENT, namespace.name(), OptionalLong.empty(), Optional.of(data), 0),
                WireOptions.read(message.get(2)));
    }

    void onMessage(String channel, byte[] payload) {
        if (channels.roomOf(channel) != null) {
            onBroadcast(channel, payload);
            return;
        }
        JsonNode message = Messages.decode(payload);
        if (!message.isObject()) {
            return;
        }
        if (channel.startsWith(channels.response())) {
            requester.onResponse(message);
        } else if (channel.equals(channels.request())) {
            JsonNode uid = message.get("uid");
            if (uid != null && cluster.uid().equals(uid.asText())) {
                return; // our own request, already applied here
            }
            responder.answer(message);
        }
    }

    // ---- for the Responder

    Namespace namespace() {
        return namespace;
    }

    InMemoryAdapter local() {
        return local;
    }

    Optional<ServerSideEmitHandler> serverSideHandler(String event) {
        return Optional.ofNullable(serverSideHandlers.get(event));
    }

    boolean ownsRequest(String requestId) {
        return requester.owns(requestId);
    }

    /** Publishes a response (encoded on the publisher's thread; the node must not change afterwards). */
    void respond(Supplier<byte[]> response) {
        cluster.publish(channels.response(), response);
    }

    Duration timeout() {
        return cluster.config().requestsTimeout();
    }

    JsonNode snapshot(Socket socket) {
        ObjectNode json = Messages.NODES.objectNode();
        json.put("id", socket.id());
        json.set(
                "handshake",
                NodeHandshake.of(
                        socket.handshake(), ENGINE_PATH, cluster.config().shareCredentials()));
        ArrayNode rooms = json.putArray("rooms");
        socket.rooms().forEach(rooms::add);
        JsonNode data = cluster.config().socketData().apply(socket);
        json.set("data", data == null ? Messages.NODES.nullNode() : data);
        return json;
    }

    /**
     * Emits {@code data} with an ack to each of this server's sockets {@code options} select; tells their number
     * first, then each first ack argument as it comes (a socket that does not answer in time is left out).
     */
    void emitWithAcks(
            BroadcastOptions options,
            Duration timeout,
            JsonNode data,
            LongConsumer clientCount,
            Consumer<JsonNode> ack) {
        List<Socket> sockets = List.copyOf(local.fetchSockets(options));
        clientCount.accept(sockets.size());
        String event = data.get(0).asText();
        Object[] args = Messages.arguments(data).toArray();
        for (Socket socket : sockets) {
            socket.emitWithAck(timeout, event, args).thenAccept(answer -> {
                ack.accept(answer.isEmpty() ? Messages.NODES.nullNode() : answer.get(0));
            });
        }
    }

    private static SocketSnapshot socketSnapshot(JsonNode json) {
        return new SocketSnapshot(
                json.path("id").asText(),
                json.path("handshake"),
                WireOptions.rooms(json.get("rooms")),
                json.has("data") ? json.get("data") : Messages.NODES.nullNode());
    }

    private static <T> void settle(CompletableFuture<T> target, T value, Throwable error) {
        if (error == null) {
            target.complete(value);
        } else {
            target.completeExceptionally(
                    error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
        }
    }

    @Override
    public String toString() {
        return "RedisAdapter[" + namespace.name() + "]";
    }
}
