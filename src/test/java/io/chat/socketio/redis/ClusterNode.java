package io.chat.socketio.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chat.Launch;
import io.chat.Running;
import io.chat.socketio.BroadcastOptions;
import io.chat.socketio.Namespace;
import io.chat.socketio.Socket;
import io.chat.socketio.SocketIoConfig;
import io.chat.socketio.SocketIoServer;
import io.chat.socketio.engine.EngineConfig;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One of our servers in a Redis cluster, for the tests: a {@link SocketIoServer} with the Redis adapter on a random
 * port, namespaces {@code /acme} and {@code /globex} whose events let a client (Node's or Java's) drive both this
 * server's broadcasts and its cluster-wide operations:
 *
 * <ul>
 *   <li>{@code join}/{@code leave} (room) ack; {@code rooms} ack(this socket's rooms, sorted);
 *   <li>{@code to-room} (room, ...args): {@code room-message} (...args) to the room, all servers, sender included;
 *   <li>{@code to-room-except} (room, except, ...args); {@code everyone} (...args): {@code everyone-message};
 *   <li>{@code cluster-fetch} (room or null) ack([{id, rooms, data}]); {@code cluster-join}/{@code cluster-leave}
 *       (selected room, room) ack; {@code cluster-disconnect} (room, close) ack; {@code all-rooms} ack(sorted rooms);
 *       {@code server-count} ack(n);
 *   <li>{@code cluster-emit} (event, ...args); {@code cluster-emit-ack} (event, ...args) ack({responses} or
 *       {error}); {@code cluster-broadcast-ack} (room or null, timeoutMs, event, ...args) ack({responses} or
 *       {error, partial}).
 * </ul>
 *
 * Server-side events it handles: {@code hello} (...args) → emits {@code server-side-hello} (...args) to its own
 * sockets and, when asked, answers {@code "java:<uid>"}. A socket's public data is {@code {user: auth.user}}.
 */
final class ClusterNode implements AutoCloseable {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final RedisCluster cluster;
    private final Running running;
    private final SocketIoServer io;

    private ClusterNode(RedisCluster cluster, SocketIoServer io, Running running) {
        this.cluster = cluster;
        this.io = io;
        this.running = running;
    }

    static ClusterNode start(String redisUri) {
        return start(RedisAdapterConfig.defaults(redisUri), ns -> {});
    }

    static ClusterNode start(RedisAdapterConfig config, Consumer<Namespace> more) {
        RedisCluster cluster = RedisCluster.connect(config.withSocketData(socket -> {
            ObjectNode data = NODES.objectNode();
            data.set("user", socket.handshake().auth().path("user"));
            return data;
        }));
        try {
            SocketIoServer io = SocketIoServer.create(SocketIoConfig.defaults()
                    .withEngine(EngineConfig.defaults("/socket.io/")
                            .withHeartbeat(Duration.ofMillis(2000), Duration.ofMillis(2000))));
            io.adapter(cluster.adapterFactory());
            for (String name : List.of("/acme", "/globex")) {
                Namespace ns = io.of(name);
                install(ns);
                more.accept(ns);
            }
            return new ClusterNode(cluster, io, Launch.of(io).start());
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private static void install(Namespace ns) {
        RedisAdapter cluster = RedisCluster.of(ns);
        ns.on("join", (socket, args, ack) -> {
            String room = args.get(0).asText();
            socket.join(room);
            // acked once the other servers' broadcasts to the room reach this one, as the chat's join does
            ns.adapter().receiving(room).thenRun(() -> ack.send("joined"));
        });
        ns.on("leave", (socket, args, ack) -> {
            socket.leave(args.get(0).asText());
            ack.send("left");
        });
        ns.on(
                "rooms",
                (socket, args, ack) -> ack.send(socket.rooms().stream().sorted().toList()));
        ns.on("to-room", (socket, args, ack) -> {
            ns.to(args.get(0).asText())
                    .emit("room-message", args.subList(1, args.size()).toArray());
            ack.send("sent");
        });
        ns.on("to-room-except", (socket, args, ack) -> {
            ns.to(args.get(0).asText())
                    .except(args.get(1).asText())
                    .emit("room-message", args.subList(2, args.size()).toArray());
            ack.send("sent");
        });
        ns.on("everyone", (socket, args, ack) -> {
            ns.emit("everyone-message", args.toArray());
            ack.send("sent");
        });
        ns.on("cluster-fetch", (socket, args, ack) -> cluster.fetchAllSockets(selection(args))
                .whenComplete((sockets, error) -> {
                    if (error != null) {
                        ack.send(NODES.objectNode().put("error", error.toString()));
                        return;
                    }
                    ArrayNode list = NODES.arrayNode();
                    for (SocketSnapshot s : sockets) {
                        ObjectNode item = list.addObject();
                        item.put("id", s.id());
                        ArrayNode rooms = item.putArray("rooms");
                        s.rooms().stream().sorted().forEach(rooms::add);
                        item.set("data", s.data());
                        item.set("handshake", s.handshake());
                    }
                    ack.send(list);
                }));
        ns.on("cluster-join", (socket, args, ack) -> {
            cluster.socketsJoin(selection(args), Set.of(args.get(1).asText()));
            ack.send("ok");
        });
        ns.on("cluster-leave", (socket, args, ack) -> {
            cluster.socketsLeave(selection(args), Set.of(args.get(1).asText()));
            ack.send("ok");
        });
        ns.on("cluster-disconnect", (socket, args, ack) -> {
            ack.send("ok");
            cluster.disconnectAllSockets(selection(args), args.get(1).asBoolean());
        });
        ns.on("all-rooms", (socket, args, ack) -> cluster.allRooms().whenComplete((rooms, error) -> {
            if (error != null) {
                ack.send(NODES.objectNode().put("error", error.toString()));
            } else {
                ack.send(rooms.stream().sorted().toList());
            }
        }));
        ns.on("server-count", (socket, args, ack) -> cluster.serverCount().thenAccept(ack::send));
        ns.on("cluster-emit", (socket, args, ack) -> {
            cluster.serverSideEmit(
                    args.get(0).asText(), args.subList(1, args.size()).toArray());
            ack.send("ok");
        });
        ns.on("cluster-emit-ack", (socket, args, ack) -> cluster.serverSideEmitWithAck(
                        Duration.ofSeconds(3),
                        args.get(0).asText(),
                        args.subList(1, args.size()).toArray())
                .whenComplete((responses, error) -> ack.send(outcome(responses, error))));
        ns.on("cluster-broadcast-ack", (socket, args, ack) -> cluster.broadcastWithAck(
                        selection(args),
                        Duration.ofMillis(args.get(1).asLong()),
                        args.get(2).asText(),
                        args.subList(3, args.size()).toArray())
                .whenComplete((responses, error) -> ack.send(outcome(responses, error))));
        cluster.onServerSideEmit("hello", (args, ack) -> {
            for (Socket socket : ns.sockets()) {
                socket.emit("server-side-hello", args.toArray());
            }
            if (ack.requested()) {
                ack.send(NODES.textNode("java"));
            }
        });
    }

    private static ObjectNode outcome(List<JsonNode> responses, Throwable error) {
        ObjectNode result = NODES.objectNode();
        if (error == null) {
            result.putArray("responses").addAll(responses);
            return result;
        }
        Throwable cause = error.getCause() != null ? error.getCause() : error;
        result.put("error", cause.getClass().getSimpleName());
        if (cause instanceof ClusterTimeoutException timeout) {
            result.putArray("partial").addAll(timeout.partial());
        }
        return result;
    }

    /** The first argument names the one room selected; null selects the whole namespace. */
    private static BroadcastOptions selection(List<JsonNode> args) {
        JsonNode room = args.isEmpty() ? null : args.get(0);
        return room == null || room.isNull() ? BroadcastOptions.ALL : BroadcastOptions.rooms(Set.of(room.asText()));
    }

    String url() {
        return "http://localhost:" + running.port();
    }

    SocketIoServer io() {
        return io;
    }

    RedisCluster cluster() {
        return cluster;
    }

    RedisAdapter adapter(String namespace) {
        return RedisCluster.of(io.of(namespace));
    }

    @Override
    public void close() {
        try {
            running.stop();
        } finally {
            cluster.close();
        }
    }
}
