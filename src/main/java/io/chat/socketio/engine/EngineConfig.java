package io.chat.socketio.engine;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Settings of one Engine.IO endpoint. Defaults follow Node's engine.io, except the outbound queue limit,
 * which Node does not have: a reader that falls this far behind is closed instead of slowing anyone.
 *
 * @param path           the URL path, with a trailing slash, e.g. {@code /socket.io/}
 * @param pingInterval   how often the server pings
 * @param pingTimeout    how long a pong may take before the session is closed
 * @param maxPayload     the largest message (and polling POST body) accepted, in bytes
 * @param upgradeTimeout how long a polling→websocket upgrade may take
 * @param maxQueueBytes  outbound bytes queued for one session before it is closed
 * @param cors           cross-origin settings for the polling transport
 * @param allowRequest   decides whether a handshake or upgrade request may proceed (e.g. an Origin allowlist)
 */
public record EngineConfig(String path,
                           Duration pingInterval,
                           Duration pingTimeout,
                           int maxPayload,
                           Duration upgradeTimeout,
                           long maxQueueBytes,
                           Cors cors,
                           Predicate<HandshakeRequest> allowRequest) {

    public EngineConfig {
        Objects.requireNonNull(path);
        if (!path.startsWith("/") || !path.endsWith("/")) {
            throw new IllegalArgumentException("path must start and end with '/': " + path);
        }
        if (maxPayload < 1 || maxQueueBytes < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        Objects.requireNonNull(cors);
        Objects.requireNonNull(allowRequest);
    }

    /** Node's defaults: ping every 25 s, 20 s to answer, 1 MB payloads; 4 MiB of outbound queue. */
    public static EngineConfig defaults(String path) {
        return new EngineConfig(path, Duration.ofSeconds(25), Duration.ofSeconds(20), 1_000_000,
                                Duration.ofSeconds(10), 4L * 1024 * 1024, Cors.none(), request -> true);
    }

    public EngineConfig withHeartbeat(Duration interval, Duration timeout) {
        return new EngineConfig(path, interval, timeout, maxPayload, upgradeTimeout, maxQueueBytes, cors, allowRequest);
    }

    public EngineConfig withMaxPayload(int bytes) {
        return new EngineConfig(path, pingInterval, pingTimeout, bytes, upgradeTimeout, maxQueueBytes, cors, allowRequest);
    }

    public EngineConfig withMaxQueueBytes(long bytes) {
        return new EngineConfig(path, pingInterval, pingTimeout, maxPayload, upgradeTimeout, bytes, cors, allowRequest);
    }

    public EngineConfig withCors(Cors newCors) {
        return new EngineConfig(path, pingInterval, pingTimeout, maxPayload, upgradeTimeout, maxQueueBytes, newCors,
                                allowRequest);
    }

    public EngineConfig withAllowRequest(Predicate<HandshakeRequest> predicate) {
        return new EngineConfig(path, pingInterval, pingTimeout, maxPayload, upgradeTimeout, maxQueueBytes, cors,
                                predicate);
    }

    /**
     * Cross-origin policy of the polling transport.
     *
     * @param anyOrigin      answer {@code Access-Control-Allow-Origin: *} to every origin
     * @param allowedOrigins the origins echoed back when {@code anyOrigin} is false
     */
    public record Cors(boolean anyOrigin, Set<String> allowedOrigins) {
        public Cors {
            allowedOrigins = Set.copyOf(allowedOrigins);
        }

        public static Cors none() {
            return new Cors(false, Set.of());
        }

        public static Cors any() {
            return new Cors(true, Set.of());
        }

        public static Cors origins(Set<String> origins) {
            return new Cors(false, origins);
        }

        boolean allows(String origin) {
            return anyOrigin || allowedOrigins.contains(origin);
        }
    }
}
