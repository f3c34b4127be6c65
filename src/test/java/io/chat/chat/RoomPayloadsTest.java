package io.chat.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.chat.json.Json;
import org.junit.jupiter.api.Test;

/** A topic is one line a room header shows as typed. */
class RoomPayloadsTest {
    private static String topic(String text) {
        return RoomPayloads.topic(Json.mapper().createObjectNode().put("topic", text));
    }

    @Test
    void aTopicInAnyScriptIsAccepted() {
        for (String text : new String[] {"Release on Friday 🚀", "שחרור ביום שישי", "金曜日にリリース", "a\u200Fb", ""}) {
            assertEquals(text, topic(text));
        }
    }

    @Test
    void lineBreaksInDisguiseAndDirectionOverridesAreRefused() {
        // U+2028/2029 break the line as \n does; embeddings, overrides and isolates turn the header around
        for (String text : new String[] {
            "two\u2028lines",
            "two\u2029paragraphs",
            "\u202Egnirts",
            "a\u202Ab",
            "a\u202Db",
            "\u2066x",
            "\u2067x",
            "\u2068x",
            "x\u2069",
            "lone \uD800 high",
            "\uDC00x"
        }) {
            Acks.Refusal refusal = assertThrows(Acks.Refusal.class, () -> topic(text), text);
            assertEquals(Acks.ErrorCode.BAD_REQUEST, refusal.code());
        }
    }
}
