package io.chat.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.List;

/** Turns an event name and Java arguments into the JSON array that travels. */
final class Events {
    private Events() {}

    static ArrayNode payload(String event, Object... args) {
        if (PacketCodec.RESERVED_EVENTS.contains(event)) {
            throw new IllegalArgumentException("reserved event name: " + event);
        }
        ArrayNode array = Json.NODES.arrayNode(args.length + 1);
        array.add(event);
        for (Object arg : args) {
            array.add(toNode(arg));
        }
        return array;
    }

    static ArrayNode arguments(List<Object> args) {
        ArrayNode array = Json.NODES.arrayNode(args.size());
        for (Object arg : args) {
            array.add(toNode(arg));
        }
        return array;
    }

    private static JsonNode toNode(Object arg) {
        if (arg instanceof JsonNode node) {
            return node;
        }
        if (arg instanceof byte[] bytes) {
            return Json.NODES.binaryNode(bytes);
        }
        return Json.MAPPER.valueToTree(arg);
    }
}
