package io.chat.socketio.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.chat.socketio.Socket;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * Settings of a server's membership in a Redis cluster.
 *
 * @param redisUri           e.g. {@code redis://127.0.0.1:6379}
 * @param key                the channels' prefix; the official adapter's default is {@code socket.io}
 * @param requestsTimeout    how long a cluster request waits for the other servers (the adapter's
 *                           {@code requestsTimeout}; 5 s by default)
 * @param maxPendingPublishes publishes queued for Redis, past which a new one is dropped and counted ({@link
 *                           ClusterStats#publishesDropped()}), and as many sent and awaiting Redis's answer: a slow
 *                           or lost Redis never makes a caller wait, nor the server hold unbounded memory
 * @param maxInboundMessages messages received and not yet handled, past which a new one is dropped and counted
 * @param maxInboundBytes    the largest message accepted from Redis (a broadcast, a request, an answer such as a
 *                           {@code fetchSockets} one), and the most bytes of received messages waiting to be handled:
 *                           past either a message is dropped and counted, so that what arrives on the channels,
 *                           which anyone who may publish there writes, never makes a server hold unbounded memory
 * @param reconnectDelayMax  the longest wait between two reconnection attempts (they start at 10 ms and double)
 * @param socketData         the public {@code data} of a socket in {@code fetchSockets} answers (JSON only: nothing
 *                           private leaves the server unless this says so); an empty object by default
 * @param shareCredentials   whether {@code fetchSockets} answers carry the handshake's auth, headers and query, as
 *                           socket.io's do (true by default; see {@link #withoutCredentials})
 */
public record RedisAdapterConfig(
        String redisUri,
        String key,
        Duration requestsTimeout,
        int maxPendingPublishes,
        int maxInboundMessages,
        InboundBytes maxInboundBytes,
        Duration reconnectDelayMax,
        Function<Socket, JsonNode> socketData,
        boolean shareCredentials) {
    public static final String DEFAULT_KEY = "socket.io";

    public RedisAdapterConfig {
        Objects.requireNonNull(redisUri, "redisUri");
        if (key.isEmpty() || key.indexOf('#') >= 0) {
            throw new IllegalArgumentException("key must be non-empty, without '#'");
        }
        if (maxPendingPublishes < 1 || maxInboundMessages < 1) {
            throw new IllegalArgumentException("queue bounds must be positive");
        }
        Objects.requireNonNull(maxInboundBytes, "maxInboundBytes");
        Objects.requireNonNull(socketData, "socketData");
    }

    /**
     * Bounds on the bytes received from Redis.
     *
     * @param message the largest message, in bytes
     * @param waiting the most bytes of messages received and not yet handled
     */
    public record InboundBytes(int message, long waiting) {
        /** 8 MiB: a {@code fetchSockets} answer lists one node's sockets of a namespace (some 150 bytes each). */
        public static final int DEFAULT_MESSAGE = 8 << 20;

        public static final long DEFAULT_WAITING = 128L << 20;

        public InboundBytes {
            if (message < 1 || waiting < message) {
                throw new IllegalArgumentException("inbound byte bounds must be positive, waiting at least message");
            }
        }

        public static InboundBytes defaults() {
            return new InboundBytes(DEFAULT_MESSAGE, DEFAULT_WAITING);
        }
    }

    public static RedisAdapterConfig defaults(String redisUri) {
        return new RedisAdapterConfig(
                redisUri,
                DEFAULT_KEY,
                Duration.ofSeconds(5),
                16_384,
                65_536,
                InboundBytes.defaults(),
                Duration.ofSeconds(1),
                socket -> JsonNodeFactory.instance.objectNode(),
                true);
    }

    public RedisAdapterConfig withRequestsTimeout(Duration timeout) {
        return new RedisAdapterConfig(
                redisUri,
                key,
                timeout,
                maxPendingPublishes,
                maxInboundMessages,
                maxInboundBytes,
                reconnectDelayMax,
                socketData,
                shareCredentials);
    }

    public RedisAdapterConfig withSocketData(Function<Socket, JsonNode> data) {
        return new RedisAdapterConfig(
                redisUri,
                key,
                requestsTimeout,
                maxPendingPublishes,
                maxInboundMessages,
                maxInboundBytes,
                reconnectDelayMax,
                data,
                shareCredentials);
    }

    public RedisAdapterConfig withMaxPendingPublishes(int max) {
        return new RedisAdapterConfig(
                redisUri,
                key,
                requestsTimeout,
                max,
                maxInboundMessages,
                maxInboundBytes,
                reconnectDelayMax,
                socketData,
                shareCredentials);
    }

    public RedisAdapterConfig withMaxInboundBytes(InboundBytes bounds) {
        return new RedisAdapterConfig(
                redisUri,
                key,
                requestsTimeout,
                maxPendingPublishes,
                maxInboundMessages,
                bounds,
                reconnectDelayMax,
                socketData,
                shareCredentials);
    }

    /**
     * Without the sockets' credentials in {@code fetchSockets} answers: their handshake's {@code auth}, headers
     * (cookies, Authorization) and query are left out, since every subscriber of the response channel reads them
     * (socket.io itself sends them whole, the default).
     */
    public RedisAdapterConfig withoutCredentials() {
        return new RedisAdapterConfig(
                redisUri,
                key,
                requestsTimeout,
                maxPendingPublishes,
                maxInboundMessages,
                maxInboundBytes,
                reconnectDelayMax,
                socketData,
                false);
    }
}
