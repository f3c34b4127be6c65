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
 * @param attachmentsTimeout    how long a binary packet may wait for its attachments: a client sends them right
 *                              after it (in the same polling payload, or the next WebSocket frames), and until they
 *                              all came the packet is held, so one that never sends the last is closed then
 */
public record SocketIoConfig(
        EngineConfig engine, Duration connectTimeout, int maxBytesBeforeConnect, Duration attachmentsTimeout) {
    public static final int DEFAULT_MAX_BYTES_BEFORE_CONNECT = 32 * 1024;
    /** Time for 2 MB (a packet and its attachments, each up to the engine's message size) at 0.5 Mbit/s. */
    public static final Duration DEFAULT_ATTACHMENTS_TIMEOUT = Duration.ofSeconds(30);

    public SocketIoConfig {
        if (maxBytesBeforeConnect < 1) {
            throw new IllegalArgumentException("maxBytesBeforeConnect must be positive");
        }
        if (attachmentsTimeout.isNegative() || attachmentsTimeout.isZero()) {
            throw new IllegalArgumentException("attachmentsTimeout must be positive");
        }
    }

    /** Path {@code /socket.io/} and Node's defaults. */
    public static SocketIoConfig defaults() {
        return new SocketIoConfig(
                EngineConfig.defaults("/socket.io/"),
                Duration.ofSeconds(45),
                DEFAULT_MAX_BYTES_BEFORE_CONNECT,
                DEFAULT_ATTACHMENTS_TIMEOUT);
    }

    public SocketIoConfig withEngine(EngineConfig newEngine) {
        return new SocketIoConfig(newEngine, connectTimeout, maxBytesBeforeConnect, attachmentsTimeout);
    }

    public SocketIoConfig withConnectTimeout(Duration timeout) {
        return new SocketIoConfig(engine, timeout, maxBytesBeforeConnect, attachmentsTimeout);
    }

    public SocketIoConfig withAttachmentsTimeout(Duration timeout) {
        return new SocketIoConfig(engine, connectTimeout, maxBytesBeforeConnect, timeout);
    }
}
