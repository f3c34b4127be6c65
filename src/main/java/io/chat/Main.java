package io.chat;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import io.chat.conformance.ConformanceHandlers;
import io.chat.socketio.SocketIoConfig;
import io.chat.socketio.SocketIoServer;
import io.chat.socketio.engine.EngineConfig;
import io.chat.socketio.engine.EngineServer;
import io.chat.socketio.engine.EngineUpgrader;
import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http1.Http1Config;

/** The one place where objects are created and wired. Tests start servers through the same methods. */
public final class Main {
    private static final System.Logger LOGGER = System.getLogger(Main.class.getName());

    private Main() {
    }

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        Arguments arguments = Arguments.parse(args);
        if (arguments.conformance()) {
            Running running = startConformance(arguments.port().orElse(3000));
            LOGGER.log(System.Logger.Level.INFO, "conformance server on http://localhost:" + running.port()
                    + " (socket.io at /socket.io/, engine.io echo at /engine.io/)");
            return;
        }
        Config config = Config.create();
        Running running = startPlatform(config, arguments.port().orElse(config.get("server.port").asInt().orElse(8080)));
        LOGGER.log(System.Logger.Level.INFO, "chat platform on http://localhost:" + running.port());
    }

    /** A started server and the Socket.IO endpoint on it. */
    public record Running(WebServer webServer, SocketIoServer io, List<EngineServer> engines) {
        public int port() {
            return webServer.port();
        }

        public void stop() {
            engines.forEach(EngineServer::shutdown);
            io.shutdown();
            webServer.stop();
        }
    }

    /** The platform on its embedded defaults. */
    public static Running startPlatform(Config config, int port) {
        SocketIoServer io = SocketIoServer.create(SocketIoConfig.defaults());
        return start(port, io, List.of(io.engine()), routing -> routing
                .get("/health", (req, res) -> res.header("Content-Type", "application/json")
                        .send("{\"status\":\"UP\"}")));
    }

    /**
     * The server the official protocol suites test: their heartbeat and payload settings, CORS for any origin,
     * the suite's handlers on {@code /} and {@code /custom}, and an Engine.IO echo at {@code /engine.io/}.
     */
    public static Running startConformance(int port) {
        EngineConfig suiteEngine = EngineConfig.defaults("/socket.io/")
                .withHeartbeat(Duration.ofMillis(300), Duration.ofMillis(200))
                .withMaxPayload(1_000_000)
                .withCors(EngineConfig.Cors.any());
        SocketIoServer io = SocketIoServer.create(SocketIoConfig.defaults()
                                                          .withEngine(suiteEngine)
                                                          .withConnectTimeout(Duration.ofMillis(1000)));
        ConformanceHandlers.install(io.of("/"));
        ConformanceHandlers.install(io.of("/custom"));
        EngineServer echo = EngineServer.create(EngineConfig.defaults("/engine.io/")
                                                        .withHeartbeat(Duration.ofMillis(300), Duration.ofMillis(200))
                                                        .withMaxPayload(1_000_000)
                                                        .withCors(EngineConfig.Cors.any()),
                                                session -> ConformanceHandlers.echo());
        return start(port, io, List.of(io.engine(), echo), routing -> {
        });
    }

    /** Starts Helidon with the given Engine.IO endpoints (polling routes and WebSocket upgrades) and routes. */
    public static Running start(int port, SocketIoServer io, List<EngineServer> engines, Consumer<HttpRouting.Builder> routes) {
        HttpRouting.Builder routing = HttpRouting.builder();
        engines.forEach(engine -> engine.routing(routing));
        routes.accept(routing);
        WebServer server = WebServer.builder()
                .host("0.0.0.0")
                .port(port)
                .addConnectionSelector(EngineUpgrader.connectionSelector(Http1Config.create(),
                                                                         engines.toArray(EngineServer[]::new)))
                .addRouting(routing)
                .build()
                .start();
        if (!server.isRunning()) {
            io.shutdown();
            engines.forEach(EngineServer::shutdown);
            throw new IllegalStateException("the server could not start on port " + port + " (is it in use?)");
        }
        return new Running(server, io, engines);
    }
}
