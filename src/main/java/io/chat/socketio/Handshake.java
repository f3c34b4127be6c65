package io.chat.socketio;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.chat.socketio.engine.HandshakeRequest;
import java.io.UncheckedIOException;

/**
 * What a socket knew when it connected: the HTTP request that opened its connection and the {@code auth}
 * object of its CONNECT packet (an empty object when the client sent none).
 * <p>
 * A socket keeps the auth object for life (its connection keeps the request; the socket makes its handshake when
 * asked), so the auth object is kept as its JSON text and parsed again when asked for (at connect, and when another
 * node asks about the socket): as a tree it took about 30 times its size on the wire, which a client could choose.
 */
public final class Handshake {
    private static final String NO_AUTH = "{}";

    private final HandshakeRequest request;
    private final String authJson;

    private Handshake(HandshakeRequest request, String authJson) {
        this.request = request;
        this.authJson = authJson;
    }

    /** A handshake of {@code auth}, kept as its JSON text of {@link #authBytes()} bytes. */
    static Handshake of(HandshakeRequest request, JsonNode auth) {
        try {
            String json = Json.mapper().writeValueAsString(auth);
            // no auth (the usual case) is one string for every socket, not a copy each (W3)
            return new Handshake(request, json.equals(NO_AUTH) ? NO_AUTH : json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A handshake of auth JSON text {@link #of(HandshakeRequest, JsonNode)} made before. */
    static Handshake ofJson(HandshakeRequest request, String authJson) {
        return new Handshake(request, authJson);
    }

    /** The auth object as JSON text. */
    String authJson() {
        return authJson;
    }

    public HandshakeRequest request() {
        return request;
    }

    /** The client's address: the peer's, or the one a trusted proxy named (socket.io's {@code handshake.address}). */
    public String address() {
        return request.remoteAddress();
    }

    /** The CONNECT packet's auth object; a new tree at each call. */
    public JsonNode auth() {
        try {
            return Json.mapper().readTree(authJson);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The auth object's size as JSON text (UTF-8). */
    int authBytes() {
        return authJson.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }
}
