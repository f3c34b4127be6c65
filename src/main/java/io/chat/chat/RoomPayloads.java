package io.chat.chat;

import static io.chat.chat.Acks.ErrorCode.BAD_REQUEST;
import static io.chat.chat.Acks.ErrorCode.TOO_LARGE;

import com.fasterxml.jackson.databind.JsonNode;
import io.chat.tenant.Limits;
import io.chat.tenant.Names;
import java.util.List;

/** Reads and validates the payloads of the membership events ({@code rooms:directory}, {@code room:topic}). */
final class RoomPayloads {
    /** A topic is one line a room header shows whole: 250 characters, as Slack's channel topics. */
    static final int MAX_TOPIC = 250;

    static final int DIRECTORY_PAGE = 50;
    static final int DIRECTORY_PAGE_MAX = 100;

    private RoomPayloads() {}

    /** An object or nothing (an empty payload is no payload). */
    static JsonNode optionalObject(List<JsonNode> args) {
        if (args.isEmpty() || args.getFirst().isNull()) {
            return com.fasterxml.jackson.databind.node.NullNode.getInstance();
        }
        return Payloads.object(args);
    }

    /** The directory's cursor: the last room name of the previous page, or empty for the first page. */
    static String after(JsonNode payload) {
        JsonNode after = payload.get("after");
        if (after == null || after.isNull()) {
            return "";
        }
        if (!after.isTextual() || !Names.isRoom(after.asText())) {
            throw new Acks.Refusal(BAD_REQUEST, "invalid after");
        }
        return after.asText();
    }

    static int limit(JsonNode payload) {
        return payload.isObject() ? Payloads.limit(payload, DIRECTORY_PAGE, DIRECTORY_PAGE_MAX) : DIRECTORY_PAGE;
    }

    /**
     * A topic: 0 (clears it) to {@link #MAX_TOPIC} characters, one line, no control characters, shown as typed: no
     * line or paragraph separator and no direction embedding, override or isolate (which would turn the room header
     * around; the marks U+200E/U+200F that right-to-left text needs are kept).
     */
    static String topic(JsonNode payload) {
        JsonNode topic = payload.get("topic");
        if (topic == null || !topic.isTextual()) {
            throw new Acks.Refusal(BAD_REQUEST, "invalid topic");
        }
        String value = topic.asText();
        if (Limits.textLength(value) > MAX_TOPIC) {
            throw new Acks.Refusal(TOO_LARGE, "topic over " + MAX_TOPIC + " characters");
        }
        if (value.codePoints().anyMatch(RoomPayloads::forbiddenInTopic) || Payloads.hasLoneSurrogate(value)) {
            throw new Acks.Refusal(BAD_REQUEST, "invalid topic");
        }
        return value;
    }

    private static boolean forbiddenInTopic(int cp) {
        return Character.isISOControl(cp)
                || cp == 0x2028 // line separator
                || cp == 0x2029 // paragraph separator
                || (cp >= 0x202A && cp <= 0x202E) // embeddings and overrides
                || (cp >= 0x2066 && cp <= 0x2069); // isolates
    }
}
