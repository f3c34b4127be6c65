package io.chat.socketio;

import java.time.Duration;

import io.chat.socketio.engine.EngineConfig;

/**
 * Settings of a Socket.IO server.
 *
 * @param engine         the Engine.IO endpoint below it
 * @param connectTimeout how long a connection may stay without joining any namespace
 */
public record SocketIoConfig(EngineConfig engine, Duration connectTimeout) {
    /** Path {@code /socket.io/} and Node's defaults. */
    public static SocketIoConfig defaults() {
        return new SocketIoConfig(EngineConfig.defaults("/socket.io/"), Duration.ofSeconds(45));
    }

    public SocketIoConfig withEngine(EngineConfig newEngine) {
        return new SocketIoConfig(newEngine, connectTimeout);
    }

    public SocketIoConfig withConnectTimeout(Duration timeout) {
        return new SocketIoConfig(engine, timeout);
    }
}
