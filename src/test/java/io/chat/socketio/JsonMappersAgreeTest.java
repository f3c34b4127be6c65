package io.chat.socketio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
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

    @Test
    void theSameTextOut() throws JsonProcessingException {
        String text = "{\"t\":\"caf\u00e9 \uD83D\uDE00 \\u0001 \\\"q\\\"\",\"n\":[1,2.5,-3e10,true,null]}";
        assertEquals(
                Json.mapper().writeValueAsString(Json.mapper().readTree(text)),
                io.chat.json.Json.mapper()
                        .writeValueAsString(io.chat.json.Json.mapper().readTree(text)));
    }
}
