package io.chat.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chat.Launch;
import io.chat.Running;
import io.chat.socketio.engine.EngineConfig;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * A real server on a random port, wired by {@link Launch}, with namespaces whose handlers exercise the
 * protocol engine. The Java tests and the Node tests (run by {@code NodeClientTest}) share it.
 *
 * <ul>
 *   <li>{@code /test}: on connect emits {@code welcome {id}}; events {@code join}/{@code leave} (room, ack),
 *   {@code to-room} (room, msg → others in room get {@code room-message}), {@code to-room-except}
 *   (room, except, msg → namespace-level emit to room minus except as {@code room-message}),
 *   {@code broadcast} (msg → all but sender get {@code broadcast-message}), {@code everyone} (msg → all get
 *   {@code everyone-message}), {@code to-socket} (id, msg → that socket gets {@code direct}), {@code echo}
 *   (args..., ack(args...)), {@code ask-client} (timeoutMs, ack → server emits {@code question 42} with an
 *   ack; acks {@code {"answer":...}} or {@code {"error":"timeout"}}), {@code throw} (handler throws; ack
 *   never sent), {@code rooms} (ack(list of this socket's rooms)), {@code disconnect-me} (server disconnects
 *   this socket).</li>
 *   <li>{@code /private}: middleware requires {@code auth.token == "secret"}, else {@code connect_error}
 *   with message {@code unauthorized} and data {@code {"reason":"bad token"}}; same events as /test.</li>
 *   <li>{@code /dyn-*}: created on first CONNECT (dynamic namespaces); same events as /test.</li>
 * </ul>
 */
public final class FixtureServer implements AutoCloseable {
    private final Running running;

    private FixtureServer(Running running) {
        this.running = running;
    }

    /** Short heartbeats so that tests see dead peers quickly. */
    public static FixtureServer start() {
        return start(defaultEngine());
    }

    static EngineConfig defaultEngine() {
        return EngineConfig.defaults("/socket.io/").withHeartbeat(Duration.ofMillis(1000), Duration.ofMillis(1000));
    }

    public static FixtureServer start(EngineConfig engine) {
        return start(SocketIoConfig.defaults().withEngine(engine).withConnectTimeout(Duration.ofSeconds(5)));
    }

    public static FixtureServer start(SocketIoConfig config) {
        SocketIoServer io = SocketIoServer.create(config);
        install(io.of("/test"));
        Namespace secured = io.of("/private");
        secured.use(socket -> {
            JsonNode token = socket.handshake().auth().get("token");
            if (token == null || !"secret".equals(token.asText())) {
                ObjectNode data = Json.NODES.objectNode().put("reason", "bad token");
                throw new ConnectRejection("unauthorized", Optional.of(data));
            }
        });
        install(secured);
        io.dynamicNamespaces((name, auth) -> name.startsWith("/dyn-"), FixtureServer::install);
        return new FixtureServer(Launch.of(io).start());
    }

    static void install(Namespace ns) {
        ns.onConnection(socket -> socket.emit("welcome", Json.NODES.objectNode().put("id", socket.id())));
        ns.on("join", (socket, args, ack) -> {
            socket.join(args.get(0).asText());
            ack.send("joined");
        });
        ns.on("leave", (socket, args, ack) -> {
            socket.leave(args.get(0).asText());
            ack.send("left");
        });
        ns.on(
                "rooms",
                (socket, args, ack) -> ack.send(socket.rooms().stream().sorted().toList()));
        ns.on("to-room", (socket, args, ack) -> socket.to(args.get(0).asText()).emit("room-message", args.get(1)));
        ns.on("to-room-except", (socket, args, ack) -> ns.to(args.get(0).asText())
                .except(args.get(1).asText())
                .emit("room-message", args.get(2)));
        ns.on("broadcast", (socket, args, ack) -> socket.broadcast().emit("broadcast-message", args.get(0)));
        ns.on("everyone", (socket, args, ack) -> ns.emit("everyone-message", args.get(0)));
        ns.on("to-socket", (socket, args, ack) -> ns.to(args.get(0).asText()).emit("direct", args.get(1)));
        ns.on("echo", (socket, args, ack) -> ack.send(args.toArray()));
        ns.on("ask-client", (socket, args, ack) -> socket.emitWithAck(
                        Duration.ofMillis(args.get(0).asLong()), "question", 42)
                .whenComplete((answer, error) -> {
                    if (error == null) {
                        ack.send(Json.NODES.objectNode().set("answer", answer.isEmpty() ? null : answer.get(0)));
                    } else {
                        ack.send(Json.NODES
                                .objectNode()
                                .put("error", error instanceof TimeoutException ? "timeout" : "failed"));
                    }
                }));
        ns.on("throw", (socket, args, ack) -> {
            throw new IllegalStateException("handler failure on purpose");
        });
        ns.on("disconnect-me", (socket, args, ack) -> socket.disconnect(false));
    }

    public int port() {
        return running.port();
    }

    public String url() {
        return "http://localhost:" + port();
    }

    public SocketIoServer io() {
        return running.io();
    }

    @Override
    public void close() {
        running.stop();
    }
}
