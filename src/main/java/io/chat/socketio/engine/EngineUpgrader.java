package io.chat.socketio.engine;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.HttpPrologue;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsUpgrader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Takes WebSocket upgrades on Engine.IO paths and hands the connection to {@link WebSocketConnection};
 * every other upgrade goes on to Helidon's own WebSocket routing.
 */
public final class EngineUpgrader extends WsUpgrader {
    private static final String WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final Optional<MessageDigest> SHA1 = prototype();

    private final List<EngineServer> servers;

    private EngineUpgrader(List<EngineServer> servers) {
        super(WsConfig.create());
        this.servers = List.copyOf(servers);
    }

    /** An HTTP/1.1 connection selector that serves the given endpoints' WebSocket upgrades. */
    public static ServerConnectionSelector connectionSelector(Http1Config http1Config, EngineServer... servers) {
        return Http1ConnectionSelector.builder()
                .config(http1Config)
                .addUpgrader(new EngineUpgrader(List.of(servers)))
                .build();
    }

    @Override
    public ServerConnection upgrade(ConnectionContext ctx, HttpPrologue prologue, WritableHeaders<?> headers) {
        Optional<EngineServer> server = serverFor(prologue.uriPath().path());
        if (server.isEmpty()) {
            return super.upgrade(ctx, prologue, headers);
        }
        EngineServer engine = server.get();
        String eio = QueryParameters.value(prologue.query(), "EIO");
        String transport = QueryParameters.value(prologue.query(), "transport");
        if (!"4".equals(eio) || !"websocket".equals(transport)) {
            throw badRequest("Bad request");
        }
        String key = headers.first(WS_KEY).orElseThrow(() -> badRequest("Bad request"));
        if (!validKey(key)) {
            // RFC 6455 4.1: 16 bytes in base64; anything else failed only when hashed, as a 500 with a stack trace
            throw badRequest("Bad request");
        }
        if (!SUPPORTED_VERSION.equals(headers.first(WS_VERSION).orElse(SUPPORTED_VERSION))) {
            throw badRequest("Unsupported WebSocket version");
        }
        HandshakeRequest request = HandshakeRequests.of(
                headers,
                prologue.query(),
                ctx.remotePeer().address(),
                ctx.isSecure(),
                engine.config().clientAddresses());
        if (!engine.config().allowRequest().test(request)) {
            throw RequestException.builder()
                    .type(DirectHandler.EventType.FORBIDDEN)
                    .message("Forbidden")
                    .build();
        }
        Optional<String> sid = QueryParameters.first(prologue.query(), "sid");
        if (!engine.admit(request, sid.isEmpty())) {
            // before switching protocols: a client told 503 retries, one whose socket just closes may wait its
            // whole connect timeout
            throw RequestException.builder()
                    .type(DirectHandler.EventType.OTHER)
                    .status(Status.SERVICE_UNAVAILABLE_503)
                    .message("Server unavailable")
                    .header(HeaderValues.create(HeaderNames.RETRY_AFTER, "1"))
                    .setKeepAlive(false)
                    .build();
        }
        if (sid.isEmpty()) {
            try {
                switchProtocols(ctx, key);
            } catch (RuntimeException e) {
                engine.abandon(request);
                throw e;
            }
            return new WebSocketConnection(ctx, engine, request, Optional.empty());
        }
        EngineSession session = engine.session(sid.get()).orElseThrow(() -> badRequest("Session ID unknown"));
        WebSocketConnection candidate = new WebSocketConnection(ctx, engine, request, Optional.of(session));
        if (!session.beginUpgrade(candidate)) {
            // already upgraded (or upgrading): like Node, accept the socket and close it at once
            switchProtocols(ctx, key);
            return new RefusedWebSocket(ctx);
        }
        try {
            switchProtocols(ctx, key);
        } catch (RuntimeException e) {
            session.abortUpgrade(candidate);
            throw e;
        }
        return candidate;
    }

    private void switchProtocols(ConnectionContext ctx, String key) {
        String accept = accept(key);
        ctx.dataWriter()
                .write(BufferData.create(
                        (SWITCHING_PROTOCOL_PREFIX + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
    }

    private Optional<EngineServer> serverFor(String path) {
        for (EngineServer server : servers) {
            String configured = server.config().path();
            if (configured.equals(path)
                    || configured.regionMatches(0, path, 0, configured.length() - 1)
                            && path.length() == configured.length() - 1) {
                return Optional.of(server);
            }
        }
        return Optional.empty();
    }

    /**
     * The {@code Sec-WebSocket-Accept} of a key (RFC 6455 4.2.2). From a clone of one SHA-1 digest rather than
     * Helidon's {@code hash}, whose {@code MessageDigest.getInstance} leaves the JDK's per-thread cache of its last
     * provider lookup (a thread-local map, ~160 bytes) on the connection's thread, which an idle socket keeps for its
     * life (W3).
     */
    static String accept(String key) {
        MessageDigest digest = SHA1.map(EngineUpgrader::copy).orElseGet(EngineUpgrader::sha1);
        return Base64.getEncoder()
                .encodeToString(digest.digest((key + WEBSOCKET_GUID).getBytes(StandardCharsets.US_ASCII)));
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    private static MessageDigest copy(MessageDigest prototype) {
        try {
            return (MessageDigest) prototype.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("checked at start", e);
        }
    }

    /** The digest to clone, if the provider's can be: SUN's can; another may not, and each upgrade then looks one up. */
    private static Optional<MessageDigest> prototype() {
        MessageDigest digest = sha1();
        try {
            digest.clone();
            return Optional.of(digest);
        } catch (CloneNotSupportedException e) {
            System.getLogger(EngineUpgrader.class.getName())
                    .log(
                            System.Logger.Level.INFO,
                            "SHA-1 digests of this JVM cannot be cloned: each WebSocket keeps the JDK's per-thread"
                                    + " provider cache (~160 bytes) for its life");
            return Optional.empty();
        }
    }

    /** A {@code Sec-WebSocket-Key}: base64 of 16 bytes. */
    static boolean validKey(String key) {
        try {
            return Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static RequestException badRequest(String message) {
        return RequestException.builder()
                .type(DirectHandler.EventType.BAD_REQUEST)
                .message(message)
                .build();
    }
}
