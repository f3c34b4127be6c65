package io.chat;

import io.chat.conformance.ConformanceHandlers;
import io.chat.socketio.SocketIoConfig;
import io.chat.socketio.SocketIoServer;
import io.chat.socketio.engine.EngineConfig;
import io.chat.socketio.engine.EngineServer;
import java.time.Duration;
import java.util.List;

/**
 * The server the official protocol suites test: their heartbeat and payload settings, CORS for any origin, the
 * suite's handlers on {@code /} and {@code /custom}, and an Engine.IO echo at {@code /engine.io/}.
 */
final class Conformance {
    private Conformance() {}

    static Running start(int port) {
        EngineConfig suiteEngine = EngineConfig.defaults("/socket.io/")
                .withHeartbeat(Duration.ofMillis(300), Duration.ofMillis(200))
                .withMaxPayload(1_000_000)
                .withCors(EngineConfig.Cors.any());
        SocketIoServer io = SocketIoServer.create(
                SocketIoConfig.defaults().withEngine(suiteEngine).withConnectTimeout(Duration.ofMillis(1000)));
        ConformanceHandlers.install(io.of("/"));
        ConformanceHandlers.install(io.of("/custom"));
        EngineServer echo = EngineServer.create(
                EngineConfig.defaults("/engine.io/")
                        .withHeartbeat(Duration.ofMillis(300), Duration.ofMillis(200))
                        .withMaxPayload(1_000_000)
                        .withCors(EngineConfig.Cors.any()),
                session -> ConformanceHandlers.echo());
        return Launch.of(io).port(port).engines(List.of(io.engine(), echo)).start();
    }
}
