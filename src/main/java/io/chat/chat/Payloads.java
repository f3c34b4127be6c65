package io.chat.chat;

import static io.chat.chat.Acks.ErrorCode.BAD_REQUEST;
import static io.chat.chat.Acks.ErrorCode.TOO_LARGE;

import com.fasterxml.jackson.databind.JsonNode;
import io.chat.tenant.Limits;
import io.chat.tenant.Names;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Reads and validates event payloads; every failure is a short fixed {@link Acks.Refusal}. */
final class Payloads {
    private static final int MAX_CLIENT_ID = 128;

    private Payloads() {}

    static JsonNode object(List<JsonNode> args) {
        if (args.isEmpty() || !args.getFirst().isObject()) {
            throw new Acks.Refusal(BAD_REQUEST, "payload must be an object");
        }
        return args.getFirst();
    }

    static String room(JsonNode payload) {
        JsonNode room = payload.get("room");
        if (room == null || !room.isTextual() || !Names.isRoom(room.asText())) {
            throw new Acks.Refusal(BAD_REQUEST, "invalid room");
        }
        return room.asText();
    }

    static String text(JsonNode payload) {
        JsonNode text = payload.get("text");
        if (text == null || !text.isTextual() || text.asText().isEmpty()) {
            throw new Acks.Refusal(BAD_REQUEST, "invalid text");
        }
        String value = text.asText();
        if (Limits.textLength(value) > Limits.MAX_TEXT_LENGTH) {
            throw new Acks.Refusal(TOO_LARGE, "text over 4000 characters");
        }
        return value;
    }

    static Optional<String> clientId(JsonNode payload) {
        JsonNode id = payload.get("clientId");
        if (id == null || id.isNull()) {
            return Optional.empty();
        }
        if (!id.isTextual() || id.asText().isEmpty() || id.asText().length() > MAX_CLIENT_ID) {
            throw new Acks.Refusal(BAD_REQUEST, "invalid clientId");
        }
        return Optional.of(id.asText());
    }

    /** A non-negative sequence number, when present. */
    static OptionalLong seq(JsonNode payload, String field) {
        JsonNode value = payload.get(field);
        if (value == null || value.isNull()) {
            return OptionalLong.empty();
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 0) {
            throw new Acks.Refusal(BAD_REQUEST, "invalid " + field);
        }
        return OptionalLong.of(value.asLong());
    }

    static int limit(JsonNode payload, int fallback, int max) {
        JsonNode value = payload.get("limit");
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < 1 || value.asInt() > max) {
            throw new Acks.Refusal(BAD_REQUEST, "invalid limit");
        }
        return value.asInt();
    }
}
