package io.chat.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One decoded Socket.IO packet. For binary packets, {@code attachments} binary messages follow and
 * {@code data} still holds their placeholders until they are put back in.
 */
public record Packet(PacketType type, String namespace, OptionalLong ackId, Optional<JsonNode> data, int attachments) {}
