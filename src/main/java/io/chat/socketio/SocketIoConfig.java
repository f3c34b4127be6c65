package io.chat.socketio;

import io.chat.socketio.engine.EngineConfig;
import java.time.Duration;

/**
 * Settings of a Socket.IO server.
 *
 * @param engine         the Engine.IO endpoint below it
 * @param connectTimeout        how long a connection may stay without joining any namespace
 * @param maxBytesBeforeConnect the largest message, and the most outbound bytes, a connection may have while it
 *                              is in no namespace: nobody can make the server hold more for a client that has
 *                              not passed a namespace's middleware (a CONNECT with a 16 KiB token fits)
 */
public record SocketIoConfig(EngineConfig engine, Duration connectTimeout, int maxBytesBeforeConnect) {
    public static final int DEFAULT_MAX_BYTES_BEFORE_CONNECT = 32 * 1024;

    public SocketIoConfig {
        if (maxBytesBeforeConnect < 1) {
            throw new IllegalArgumentException("maxBytesBeforeConnect must be positive");
        }
    }

    /** Path {@code /socket.io/} and Node's defaults. */
    public static SocketIoConfig defaults() {
        return new SocketIoConfig(
                EngineConfig.defaults("/socket.io/"), Duration.ofSeconds(45), DEFAULT_MAX_BYTES_BEFORE_CONNECT);
    }

    public SocketIoConfig withEngine(EngineConfig newEngine) {
        return new SocketIoConfig(newEngine, connectTimeout, maxBytesBeforeConnect);
    }

    public SocketIoConfig withConnectTimeout(Duration timeout) {
        return new SocketIoConfig(engine, timeout, maxBytesBeforeConnect);
    }
}
