package io.chat.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chat.json.Json;
import org.junit.jupiter.api.Test;

/** What passes for a reaction emoji: what people type as one, and nothing that hides or turns text around it. */
class PayloadsTest {
    @Test
    void emojisAsPeopleTypeThemAreAccepted() {
        for (String emoji : new String[] {
            "👍", // one symbol
            "👍🏽", // a skin tone
            "❤️", // a variation selector
            "👨‍👩‍👧", // zero-width joiners
            "🏴󠁧󠁢󠁳󠁣󠁴󠁿", // tag characters (Scotland's flag)
            "☃⃠" // an enclosing mark
        }) {
            assertTrue(Payloads.isEmoji(emoji), emoji);
        }
    }

    @Test
    void invisibleDirectionAndCombiningCharactersAreRefused() {
        // each would make a reaction that looks like 👍 but counts apart, or turn the text after it around
        for (String emoji : new String[] {
            "👍\u202E", // right-to-left override
            "\u2067👍", // right-to-left isolate
            "👍\u200B", // zero-width space
            "👍\u2060", // word joiner
            "👍\uFEFF", // zero-width no-break space
            "👍\u200E", // left-to-right mark
            "👍\u0301\u0301\u0301", // combining accents stacked on it
            "👍\u200D", // a joiner with nothing after it
            "\u200D👍", // a joiner with nothing before it
            "👍\u200D\u200D👍", // two joiners
            "👍\uDB40\uDC61\uDB40\uDC62", // tag letters hiding "ab" outside a flag
            "👍\uDB40\uDC7F", // a cancel tag alone
            "🏴\uDB40\uDC67\uDB40\uDC62", // a flag's tags without their cancel tag
            "👍\uFE0F\uFE0F", // two variation selectors
            "\uFE0F👍" // a variation selector before anything
        }) {
            assertFalse(Payloads.isEmoji(emoji), () -> emoji.codePoints()
                    .mapToObj(Integer::toHexString)
                    .toList()
                    .toString());
        }
    }

    @Test
    void textWithHalfASurrogatePairIsRefusedAndWholePairsPass() {
        // JSON lets a client send "\ud800" alone; written back out it merged with the next character ("\ud800 " came
        // back as U+10020: another text than the one stored, searched and scanned for mentions)
        for (String text : new String[] {"lone \uD800 high", "\uDC00x", "end \uD83D", "\uDE00\uD83D"}) {
            Acks.Refusal refusal = assertThrows(Acks.Refusal.class, () -> Payloads.text(textPayload(text)), text);
            assertEquals(Acks.ErrorCode.BAD_REQUEST, refusal.code());
            assertTrue(Payloads.hasLoneSurrogate(text));
        }
        for (String text : new String[] {"😀", "a😀b", "plain", "\uD83D\uDE00\uD83D\uDE00"}) {
            assertEquals(text, Payloads.text(textPayload(text)));
        }
    }

    private static JsonNode textPayload(String text) {
        return Json.mapper().createObjectNode().put("text", text);
    }
}
