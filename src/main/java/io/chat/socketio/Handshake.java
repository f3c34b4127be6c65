package io.chat.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import io.chat.socketio.engine.HandshakeRequest;

/**
 * What a socket knew when it connected: the HTTP request that opened its connection and the {@code auth}
 * object of its CONNECT packet (an empty object when the client sent none).
 */
public record Handshake(HandshakeRequest request, JsonNode auth) {}
