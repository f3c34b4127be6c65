package io.chat.socketio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The protocol's mapper (this package's, for the wire) and the application's ({@code io.chat.json}) are configured
 * apart, since this package imports nothing of ours: they must read and write alike, so that a payload means the
 * same on either path.
 */
class JsonMappersAgreeTest {
    private static final List<ObjectMapper> BOTH = List.of(Json.mapper(), io.chat.json.Json.mapper());

    @Test
    void theSameNestingLimit() throws JsonProcessingException {
        assertEquals(Json.MAX_NESTING_DEPTH, io.chat.json.Json.MAX_NESTING_DEPTH);
        String deepest = "[".repeat(Json.MAX_NESTING_DEPTH) + "]".repeat(Json.MAX_NESTING_DEPTH);
        String deeper = "[" + deepest + "]";
        for (ObjectMapper mapper : BOTH) {
            mapper.readTree(deepest);
            assertThrows(JsonProcessingException.class, () -> mapper.readTree(deeper));
        }
    }

    @Test
    void theSameTokenLimit() throws JsonProcessingException {
        assertEquals(Json.MAX_TOKENS, io.chat.json.Json.MAX_TOKENS);
        String most = "[" + "0,".repeat((int) Json.MAX_TOKENS - 3) + "0]"; // the brackets are tokens too
        String more = "[" + "0,".repeat((int) Json.MAX_TOKENS) + "0]";
        for (ObjectMapper mapper : BOTH) {
            mapper.readTree(most);
            assertThrows(JsonProcessingException.class, () -> mapper.readTree(more));
        }
    }

    /**
     * Each connection reads on a virtual thread of its own: buffers that Jackson kept per thread (its default pool,
     * a ThreadLocal; pooledCount -1) would stay with every idle socket, ~16 KB each. A parse on a fresh virtual thread
     * must give them back to a pool the threads share.
     */
    @Test
    void buffersGoBackToASharedPool() throws InterruptedException {
        for (ObjectMapper mapper : BOTH) {
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    mapper.readTree("{\"a\":[1,2,3]}");
                } catch (JsonProcessingException e) {
                    throw new AssertionError(e);
                }
            });
            reader.join();
            assertTrue(mapper.getFactory()._getRecyclerPool().pooledCount() >= 1);
        }
    }

    /**
     * Written as UTF-8 (as every frame and response is), a text reads back as it was: Jackson 2.18.1's
     * COMBINE_UNICODE_SURROGATES_IN_UTF8 took any character from U+E000 up as the first half of a surrogate pair and
     * merged it with the next one (an emoji's variation selector, CJK full-width punctuation, a byte order mark; found by
     * a hostile review: {@code "❤️ love"} came back as {@code "❤\uDB8F\uDC20love"}-like garbage). Fixed in 2.18.2.
     */
    @Test
    void textsWrittenAsUtf8ReadBackAsTheyWere() throws java.io.IOException {
        List<String> texts = List.of(
                "\u2764\uFE0F love",
                "\u4F60\u597D\uFF0C\u4E16\u754C",
                "\uFF23\uFF29\uFF24",
                "\uFEFFx",
                "\uFFFDx",
                "\uE000x",
                "\uD83D\uDE00x",
                "caf\u00e9");
        for (ObjectMapper mapper : BOTH) {
            for (String text : texts) {
                byte[] written =
                        mapper.writeValueAsBytes(mapper.createObjectNode().put("t", text));
                assertEquals(text, mapper.readTree(written).get("t").asText());
                assertEquals("{\"t\":\"" + text + "\"}", new String(written, StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void theSameTextOut() throws JsonProcessingException {
        String text = "{\"t\":\"caf\u00e9 \uD83D\uDE00 \\u0001 \\\"q\\\"\",\"n\":[1,2.5,-3e10,true,null]}";
        assertEquals(
                Json.mapper().writeValueAsString(Json.mapper().readTree(text)),
                io.chat.json.Json.mapper()
                        .writeValueAsString(io.chat.json.Json.mapper().readTree(text)));
    }
}
