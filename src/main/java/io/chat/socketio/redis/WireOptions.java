package io.chat.socketio.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chat.socketio.BroadcastOptions;
import java.util.HashSet;
import java.util.Set;

/**
 * {@link BroadcastOptions} as the adapter's messages carry them: {@code {rooms: [...], except: [...], flags: {...}}}.
 * Rooms may arrive as numbers ({@code io.to(123)}): they are rooms by their text.
 */
final class WireOptions {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private WireOptions() {}

    static ObjectNode write(BroadcastOptions options) {
        ObjectNode wire = selection(options);
        ObjectNode flags = wire.putObject("flags");
        if (options.volatileEvent()) {
            flags.put("volatile", true);
        }
        return wire;
    }

    /** Only {@code rooms} and {@code except}: what fetch, join, leave and disconnect requests carry. */
    static ObjectNode selection(BroadcastOptions options) {
        ObjectNode wire = NODES.objectNode();
        ArrayNode rooms = wire.putArray("rooms");
        options.rooms().forEach(rooms::add);
        ArrayNode except = wire.putArray("except");
        options.except().forEach(except::add);
        return wire;
    }

    static BroadcastOptions read(JsonNode wire) {
        if (wire == null || !wire.isObject()) {
            return BroadcastOptions.ALL;
        }
        JsonNode flags = wire.path("flags");
        return new BroadcastOptions(
                rooms(wire.get("rooms")),
                rooms(wire.get("except")),
                flags.path("volatile").asBoolean(false));
    }

    static Set<String> rooms(JsonNode list) {
        if (list == null || !list.isArray()) {
            return Set.of();
        }
        Set<String> rooms = new HashSet<>(list.size());
        for (JsonNode room : list) {
            rooms.add(room.isTextual() ? room.textValue() : room.asText());
        }
        return rooms;
    }

    /** The flags' {@code timeout} (milliseconds), or {@code fallback} when absent. */
    static long timeoutMillis(JsonNode wire, long fallback) {
        JsonNode timeout = wire == null ? null : wire.path("flags").get("timeout");
        return timeout != null && timeout.canConvertToLong() && timeout.longValue() > 0
                ? timeout.longValue()
                : fallback;
    }
}
