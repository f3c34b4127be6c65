package io.chat.socketio;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chat.socketio.engine.EnginePacket;
import io.chat.socketio.engine.EnginePacketType;
import io.chat.socketio.engine.Lender;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Socket.IO v5 packet encoding, with the validation rules of the reference parser (socket.io-parser 4):
 * anything it would refuse is a {@link ParseException}, and the connection that sent it is closed.
 */
final class PacketCodec {
    /** Event names the protocol reserves; a client may not send them and the server may not emit them. */
    static final Set<String> RESERVED_EVENTS =
            Set.of("connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener");

    /** A few scratch streams for every thread that encodes: the store's writer and the sockets' threads. */
    private static final Lender<Scratch> SCRATCH = new Lender<>(8, Scratch::new);

    private static final int MAX_ATTACHMENTS = 1000;
    private static final long MAX_ACK_ID = (1L << 53) - 1;

    private PacketCodec() {}

    static final class ParseException extends RuntimeException {
        ParseException(String message) {
            super(message, null, false, false);
        }
    }

    static Packet decode(String text) {
        if (text.isEmpty()) {
            throw new ParseException("empty packet");
        }
        PacketType type = PacketType.of(text.charAt(0)).orElseThrow(() -> new ParseException("unknown type"));
        int i = 1;
        int length = text.length();
        int attachments = 0;
        if (type.isBinary()) {
            int dash = text.indexOf('-', i);
            if (dash < 0 || dash == i || dash - i > 4) {
                throw new ParseException("illegal attachments");
            }
            attachments = digits(text, i, dash);
            if (attachments < 0 || attachments > MAX_ATTACHMENTS) {
                throw new ParseException("illegal attachments");
            }
            i = dash + 1;
        }
        String namespace = "/";
        if (i < length && text.charAt(i) == '/') {
            int comma = text.indexOf(',', i);
            int end = comma < 0 ? length : comma;
            namespace = text.substring(i, end);
            i = comma < 0 ? length : comma + 1;
        }
        OptionalLong ackId = OptionalLong.empty();
        int idStart = i;
        while (i < length && Character.isDigit(text.charAt(i)) && text.charAt(i) < 128) {
            i++;
        }
        if (i > idStart) {
            if (i - idStart > 16) {
                throw new ParseException("bad ack id");
            }
            long id = Long.parseLong(text, idStart, i, 10);
            if (id > MAX_ACK_ID) {
                throw new ParseException("bad ack id");
            }
            ackId = OptionalLong.of(id);
        }
        Optional<JsonNode> data = Optional.empty();
        if (i < length) {
            JsonNode parsed;
            try {
                parsed = Json.MAPPER.readTree(text.substring(i));
            } catch (JsonProcessingException | RuntimeException e) {
                throw new ParseException("invalid payload");
            }
            if (parsed == null || parsed.isMissingNode()) {
                throw new ParseException("invalid payload");
            }
            data = Optional.of(parsed);
        }
        Packet packet = new Packet(type, namespace, ackId, data, attachments);
        validate(packet);
        return packet;
    }

    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static void validate(Packet packet) {
        Optional<JsonNode> data = packet.data();
        boolean valid =
                switch (packet.type()) {
                    case CONNECT -> data.isEmpty() || data.get().isObject();
                    case DISCONNECT -> data.isEmpty();
                    case CONNECT_ERROR -> false; // only servers send it
                    case EVENT, BINARY_EVENT -> data.isPresent() && isEventPayload(data.get());
                    case ACK, BINARY_ACK ->
                        data.isPresent()
                                && data.get().isArray()
                                && packet.ackId().isPresent();
                };
        if (!valid) {
            throw new ParseException("invalid payload");
        }
    }

    private static boolean isEventPayload(JsonNode data) {
        if (!data.isArray() || data.isEmpty()) {
            return false;
        }
        JsonNode name = data.get(0);
        return name.isNumber() || (name.isTextual() && !RESERVED_EVENTS.contains(name.asText()));
    }

    /** Puts received binary attachments in place of their placeholders. */
    static JsonNode reconstruct(JsonNode data, List<byte[]> attachments) {
        if (data.isObject()) {
            JsonNode placeholder = data.get("_placeholder");
            if (placeholder != null && placeholder.asBoolean() && data.has("num")) {
                int num = data.get("num").asInt(-1);
                if (num < 0 || num >= attachments.size()) {
                    throw new ParseException("illegal attachments");
                }
                return BinaryNode.valueOf(attachments.get(num));
            }
            ObjectNode object = (ObjectNode) data;
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                field.setValue(reconstruct(field.getValue(), attachments));
            }
        } else if (data.isArray()) {
            ArrayNode array = (ArrayNode) data;
            for (int i = 0; i < array.size(); i++) {
                array.set(i, reconstruct(array.get(i), attachments));
            }
        }
        return data;
    }

    /**
     * Encodes a packet as the Engine.IO packets that carry it: one text message, then one binary message
     * per attachment. The caller may share the result among any number of sessions.
     */
    static List<EnginePacket> encode(PacketType type, String namespace, OptionalLong ackId, Optional<JsonNode> data) {
        List<byte[]> attachments = new ArrayList<>(0);
        Optional<JsonNode> wire = data.map(node -> hasBinary(node) ? deconstruct(node.deepCopy(), attachments) : node);
        PacketType wireType = type;
        if (!attachments.isEmpty()) {
            wireType = type == PacketType.ACK ? PacketType.BINARY_ACK : PacketType.BINARY_EVENT;
        }
        Scratch lent = SCRATCH.borrow();
        Scratch out = lent != null ? lent : new Scratch();
        try {
            return encodeInto(out, wireType, namespace, ackId, wire, attachments);
        } finally {
            if (lent != null && lent.clear()) {
                SCRATCH.giveBack(lent);
            } else if (lent != null) {
                SCRATCH.forget(); // grown by a big packet: dropped, and another made when one is needed
            }
        }
    }

    private static List<EnginePacket> encodeInto(
            Scratch out,
            PacketType wireType,
            String namespace,
            OptionalLong ackId,
            Optional<JsonNode> wire,
            List<byte[]> attachments) {
        out.write(EnginePacketType.MESSAGE.wireByte());
        out.write(wireType.digit());
        if (wireType.isBinary()) {
            out.writeBytes(Integer.toString(attachments.size()).getBytes(StandardCharsets.US_ASCII));
            out.write('-');
        }
        if (!"/".equals(namespace)) {
            out.writeBytes(namespace.getBytes(StandardCharsets.UTF_8));
            out.write(',');
        }
        ackId.ifPresent(id -> out.writeBytes(Long.toString(id).getBytes(StandardCharsets.US_ASCII)));
        if (wire.isPresent()) {
            try {
                Json.MAPPER.writeValue(out, wire.get());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        EnginePacket text = EnginePacket.messageFromTypedUtf8(out.toByteArray());
        if (attachments.isEmpty()) {
            return List.of(text);
        }
        List<EnginePacket> packets = new ArrayList<>(attachments.size() + 1);
        packets.add(text);
        attachments.forEach(bytes -> packets.add(EnginePacket.binary(bytes)));
        return packets;
    }

    /**
     * An encoding's scratch stream, lent by {@link #SCRATCH}: a new 128-byte stream per packet grew twice for a chat
     * message and was copied out once more (the PostgreSQL writer thread's largest allocation in W5's durable row, by
     * JFR's allocation samples). Only the packet's own array is made per packet now.
     */
    private static final class Scratch extends ByteArrayOutputStream {
        private static final int INITIAL_BYTES = 1024;
        /** A stream grown larger (by a big packet) is not kept by the lender for good. */
        private static final int KEPT_BYTES = 16 * 1024;

        Scratch() {
            super(INITIAL_BYTES);
        }

        /** Empties the stream for its next packet; false when it grew too large to keep. */
        boolean clear() {
            count = 0;
            return buf.length <= KEPT_BYTES;
        }
    }

    private static boolean hasBinary(JsonNode node) {
        if (node.isBinary()) {
            return true;
        }
        if (node.isContainerNode()) {
            for (JsonNode child : node) {
                if (hasBinary(child)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static JsonNode deconstruct(JsonNode node, List<byte[]> attachments) {
        if (node.isBinary()) {
            ObjectNode placeholder = Json.NODES.objectNode();
            placeholder.put("_placeholder", true);
            placeholder.put("num", attachments.size());
            try {
                attachments.add(node.binaryValue());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return placeholder;
        }
        if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                field.setValue(deconstruct(field.getValue(), attachments));
            }
        } else if (node.isArray()) {
            ArrayNode array = (ArrayNode) node;
            for (int i = 0; i < array.size(); i++) {
                array.set(i, deconstruct(array.get(i), attachments));
            }
        }
        return node;
    }
}
