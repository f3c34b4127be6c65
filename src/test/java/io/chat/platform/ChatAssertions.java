package io.chat.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** The contract's shapes: acks, failure acks, messages. */
final class ChatAssertions {
    private ChatAssertions() {}

    /** {@code {"ok":true,...}}. */
    static JsonNode assertOk(JsonNode ack) {
        assertTrue(ack.path("ok").isBoolean() && ack.get("ok").asBoolean(), "expected a success ack: " + ack);
        return ack;
    }

    /** {@code {"ok":false,"error":{"code":<one of codes>,"message":"<text>"}}} and nothing else. */
    static void assertError(JsonNode ack, String... codes) {
        assertEquals(Set.of("ok", "error"), keys(ack), "failure ack shape: " + ack);
        assertTrue(ack.get("ok").isBoolean() && !ack.get("ok").asBoolean(), "ok must be false: " + ack);
        JsonNode error = ack.get("error");
        assertEquals(Set.of("code", "message"), keys(error), "error shape: " + ack);
        assertTrue(error.get("message").isTextual(), "error message must be text: " + ack);
        assertTrue(
                Arrays.asList(codes).contains(error.get("code").asText()),
                "expected code " + Arrays.toString(codes) + ": " + ack);
    }

    /** {@code {"id":"<string>","room","seq":<long>,"from","text","ts":"<ISO-8601 UTC>"}} exactly. */
    static void assertMessage(JsonNode message, String room, String from, String text) {
        assertEquals(Set.of("id", "room", "seq", "from", "text", "ts"), keys(message), "message shape: " + message);
        assertTrue(message.get("id").isTextual() && !message.get("id").asText().isEmpty(), "id: " + message);
        assertTrue(message.get("seq").isIntegralNumber() && message.get("seq").asLong() >= 1, "seq: " + message);
        assertEquals(room, message.get("room").asText(), "room: " + message);
        assertEquals(from, message.get("from").asText(), "from: " + message);
        if (text != null) {
            assertEquals(text, message.get("text").asText(), "text: " + message);
        }
        assertTs(message.get("ts"));
    }

    static void assertTs(JsonNode ts) {
        assertTrue(
                ts != null && ts.isTextual() && ts.asText().endsWith("Z"),
                "ts must be ISO-8601 UTC ending in Z: " + ts);
        Instant.parse(ts.asText());
    }

    static Set<String> keys(JsonNode node) {
        Set<String> keys = new TreeSet<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    static List<Long> range(long from, long to) {
        return java.util.stream.LongStream.rangeClosed(from, to).boxed().toList();
    }
}
