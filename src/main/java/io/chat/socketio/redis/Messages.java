package io.chat.socketio.redis;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The two encodings of the request and response channels: JSON (a message starting with {@code {}) or MessagePack
 * (anything else), as the official adapter tells them apart; and Java values as the JSON trees that travel.
 */
final class Messages {
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MsgPack.MAX_DEPTH)
                    // a value and its closing token: as many values as MessagePack's decoder takes
                    .maxTokenCount(2L * MsgPack.MAX_VALUES)
                    .build())
            // one shared, bounded pool of parse/write buffers: Jackson's default keeps ~16 KB of them in a ThreadLocal
            // of every thread that ever used the mapper, and each connection reads on a virtual thread of its own
            // (16 KB held by every idle socket)
            .recyclerPool(JsonRecyclerPools.sharedBoundedPool())
            .build());

    private Messages() {}

    static JsonNode decode(byte[] message) {
        if (message.length > 0 && message[0] == '{') {
            try {
                return MAPPER.readTree(message);
            } catch (IOException e) {
                throw new MsgPack.MalformedException("malformed JSON");
            }
        }
        return MsgPack.decode(message);
    }

    static byte[] json(JsonNode message) {
        try {
            return MAPPER.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON-encodable", e);
        }
    }

    /** {@code [event, ...args]}: a {@code byte[]} travels as binary, a JsonNode as itself, anything else as JSON. */
    static ArrayNode eventData(String event, Object... args) {
        ArrayNode data = NODES.arrayNode(args.length + 1);
        data.add(event);
        for (Object arg : args) {
            data.add(toNode(arg));
        }
        return data;
    }

    static JsonNode toNode(Object value) {
        if (value instanceof JsonNode node) {
            return node;
        }
        if (value instanceof byte[] bytes) {
            return NODES.binaryNode(bytes);
        }
        return MAPPER.valueToTree(value);
    }

    /** The elements of a JSON array after the first (an event's arguments). */
    static List<JsonNode> arguments(JsonNode data) {
        ArrayList<JsonNode> args = new ArrayList<>(Math.max(0, data.size() - 1));
        for (int i = 1; i < data.size(); i++) {
            args.add(data.get(i));
        }
        return args;
    }

    /** An event payload as socket.io accepts one: a non-empty array whose first element names the event. */
    static boolean isEvent(JsonNode data) {
        return data != null
                && data.isArray()
                && !data.isEmpty()
                && (data.get(0).isTextual() || data.get(0).isNumber());
    }
}
