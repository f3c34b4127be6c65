package io.chat.socketio.engine;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Settings of one Engine.IO endpoint. Defaults follow Node's engine.io, except the limits Node does not have:
 * an outbound queue limit (a reader that falls this far behind is closed instead of slowing anyone), caps on
 * open sessions, and a cap on packets per polling response.
 *
 * @param path                  the URL path, with a trailing slash, e.g. {@code /socket.io/}
 * @param pingInterval          how often the server pings
 * @param pingTimeout           how long a pong may take before the session is closed
 * @param maxPayload            the largest message (and polling POST body) accepted, in bytes
 * @param upgradeTimeout        how long a polling→websocket upgrade may take
 * @param maxQueueBytes         outbound bytes queued for one session before it is closed
 * @param maxBacklogBytes       outbound bytes all sessions together may hold past each one's first {@link
 *                              OutboundBacklog#FREE_BYTES}; past it a session that adds to its backlog is closed
 * @param maxSessions           open sessions in all; past it a handshake is refused with 503
 * @param maxSessionsPerAddress open sessions of one client address; past it a handshake is refused with 503
 * @param maxPacketsPerPoll     packets in one long-polling response (Python's client refuses more than 16)
 * @param cors                  cross-origin settings for the polling transport
 * @param allowRequest          decides whether a handshake or upgrade request may proceed (e.g. an Origin allowlist)
 * @param clientAddresses       the address a client is known and capped by; the TCP peer's by default
 */
public record EngineConfig(
        String path,
        Duration pingInterval,
        Duration pingTimeout,
        int maxPayload,
        Duration upgradeTimeout,
        long maxQueueBytes,
        long maxBacklogBytes,
        int maxSessions,
        int maxSessionsPerAddress,
        int maxPacketsPerPoll,
        Cors cors,
        Predicate<HandshakeRequest> allowRequest,
        ClientAddresses clientAddresses) {
    /** Node's defaults: ping every 25 s, 20 s to answer, 1 MB payloads; 4 MiB of outbound queue. */
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(25);

    public static final Duration DEFAULT_PING_TIMEOUT = Duration.ofSeconds(20);
    public static final Duration DEFAULT_UPGRADE_TIMEOUT = Duration.ofSeconds(10);
    /** No cap on sessions, as in Node: the application sets caps that fit its machine (the platform does). */
    public static final int UNLIMITED = Integer.MAX_VALUE;

    public static final int DEFAULT_MAX_PACKETS_PER_POLL = 16;

    public EngineConfig {
        Objects.requireNonNull(path);
        if (!path.startsWith("/") || !path.endsWith("/")) {
            throw new IllegalArgumentException("path must start and end with '/': " + path);
        }
        if (maxPayload < 1
                || maxQueueBytes < 1
                || maxBacklogBytes < 1
                || maxSessions < 1
                || maxSessionsPerAddress < 1
                || maxPacketsPerPoll < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        Objects.requireNonNull(pingInterval);
        Objects.requireNonNull(pingTimeout);
        Objects.requireNonNull(upgradeTimeout);
        Objects.requireNonNull(cors);
        Objects.requireNonNull(allowRequest);
        Objects.requireNonNull(clientAddresses);
    }

    /** Node's defaults at {@code path}, and this engine's own limits. */
    public static EngineConfig defaults(String path) {
        return new EngineConfig(
                path,
                DEFAULT_PING_INTERVAL,
                DEFAULT_PING_TIMEOUT,
                1_000_000,
                DEFAULT_UPGRADE_TIMEOUT,
                4L * 1024 * 1024,
                OutboundBacklog.defaultCapacity(Runtime.getRuntime().maxMemory()),
                UNLIMITED,
                UNLIMITED,
                DEFAULT_MAX_PACKETS_PER_POLL,
                Cors.none(),
                request -> true,
                ClientAddresses.peer());
    }

    public EngineConfig withHeartbeat(Duration interval, Duration timeout) {
        return new Draft(this).set(d -> {
            d.pingInterval = interval;
            d.pingTimeout = timeout;
        });
    }

    /** What all sessions' outbound backlogs may hold together (see {@link OutboundBacklog}). */
    public EngineConfig withMaxBacklogBytes(long bytes) {
        return new Draft(this).set(d -> d.maxBacklogBytes = bytes);
    }

    public EngineConfig withMaxPayload(int bytes) {
        return new Draft(this).set(d -> d.maxPayload = bytes);
    }

    public EngineConfig withMaxQueueBytes(long bytes) {
        return new Draft(this).set(d -> d.maxQueueBytes = bytes);
    }

    public EngineConfig withMaxSessions(int total, int perAddress) {
        return new Draft(this).set(d -> {
            d.maxSessions = total;
            d.maxSessionsPerAddress = perAddress;
        });
    }

    public EngineConfig withCors(Cors newCors) {
        return new Draft(this).set(d -> d.cors = newCors);
    }

    public EngineConfig withAllowRequest(Predicate<HandshakeRequest> predicate) {
        return new Draft(this).set(d -> d.allowRequest = predicate);
    }

    /** Clients known by this address instead of the TCP peer's (e.g. from a trusted balancer's X-Forwarded-For). */
    public EngineConfig withClientAddresses(ClientAddresses addresses) {
        return new Draft(this).set(d -> d.clientAddresses = addresses);
    }

    /** A copy of a config's settings to change some of: one place that lists them all, for every {@code with...}. */
    private static final class Draft {
        private final String path;
        private Duration pingInterval;
        private Duration pingTimeout;
        private int maxPayload;
        private final Duration upgradeTimeout;
        private long maxQueueBytes;
        private long maxBacklogBytes;
        private int maxSessions;
        private int maxSessionsPerAddress;
        private final int maxPacketsPerPoll;
        private Cors cors;
        private Predicate<HandshakeRequest> allowRequest;
        private ClientAddresses clientAddresses;

        Draft(EngineConfig from) {
            path = from.path;
            pingInterval = from.pingInterval;
            pingTimeout = from.pingTimeout;
            maxPayload = from.maxPayload;
            upgradeTimeout = from.upgradeTimeout;
            maxQueueBytes = from.maxQueueBytes;
            maxBacklogBytes = from.maxBacklogBytes;
            maxSessions = from.maxSessions;
            maxSessionsPerAddress = from.maxSessionsPerAddress;
            maxPacketsPerPoll = from.maxPacketsPerPoll;
            cors = from.cors;
            allowRequest = from.allowRequest;
            clientAddresses = from.clientAddresses;
        }

        /** The config with {@code change} applied (validated as any config is). */
        EngineConfig set(Consumer<Draft> change) {
            change.accept(this);
            return new EngineConfig(
                    path,
                    pingInterval,
                    pingTimeout,
                    maxPayload,
                    upgradeTimeout,
                    maxQueueBytes,
                    maxBacklogBytes,
                    maxSessions,
                    maxSessionsPerAddress,
                    maxPacketsPerPoll,
                    cors,
                    allowRequest,
                    clientAddresses);
        }
    }

    /**
     * Cross-origin policy of the polling transport.
     *
     * @param anyOrigin      answer every origin (echoed back, so that credentialed requests work too)
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
