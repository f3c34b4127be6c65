package io.chat.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chat.history.MessagePage;
import io.chat.history.StoredMessage;
import io.chat.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The byte bound of the answers that carry stored entries: exact, at least one entry, the right end cut. */
class MessagePagesTest {
    private static final String CONTROLS = "\u0001".repeat(4000);

    private static StoredMessage message(long seq, String text) {
        return new StoredMessage(
                String.format("id-%04d", seq), "big", seq, "alice", text, Instant.parse("2025-01-01T00:00:00Z"));
    }

    private static List<StoredMessage> messages(int count, String text) {
        return IntStream.rangeClosed(1, count)
                .mapToObj(seq -> message(seq, text))
                .toList();
    }

    private static int bytes(JsonNode node) throws Exception {
        return Json.mapper().writeValueAsString(node).getBytes(StandardCharsets.UTF_8).length;
    }

    private static List<Long> seqs(JsonNode messages) {
        List<Long> seqs = new ArrayList<>();
        messages.forEach(m -> seqs.add(m.get("seq").asLong()));
        return seqs;
    }

    @Test
    void keepsTheItemsWhoseJsonFitsCommasCountedExactly() throws Exception {
        List<ObjectNode> nodes =
                messages(10, "x".repeat(100)).stream().map(MessageJson::of).toList();
        long three = bytes(nodes.get(0)) + bytes(nodes.get(1)) + bytes(nodes.get(2)) + 2;
        // three entries and two commas fit exactly; a byte less and the third is left out
        assertEquals(3, MessagePages.first(nodes, n -> n, three).json().size());
        assertTrue(MessagePages.first(nodes, n -> n, three).cut());
        assertEquals(2, MessagePages.first(nodes, n -> n, three - 1).json().size());
        long ten = bytes(Json.mapper().createArrayNode().addAll(nodes)) - 2;
        MessagePages.Fit all = MessagePages.first(nodes, n -> n, ten);
        assertEquals(10, all.json().size());
        assertFalse(all.cut());
        assertEquals(9, MessagePages.first(nodes, n -> n, ten - 1).json().size());
    }

    @Test
    void keepsOneEntryWhateverItsSize() {
        MessagePages.Fit fit = MessagePages.first(messages(3, CONTROLS), MessageJson::of, 10);
        assertEquals(1, fit.json().size());
        assertTrue(fit.cut());
        assertFalse(MessagePages.first(List.<StoredMessage>of(), MessageJson::of, 10)
                .cut());
    }

    @Test
    void aForwardPageKeepsItsOldestAndANewestPageItsNewestOldestFirst() throws Exception {
        MessagePage page = new MessagePage(messages(200, CONTROLS), false);
        int one = bytes(MessageJson.of(page.messages().getFirst()));
        assertTrue(one > 24_000, "4000 × U+0001 are 24,000 bytes of JSON: " + one);
        int fits = (int) ((MessagePages.MAX_BYTES + 1) / (one + 1));

        ObjectNode forward = MessagePages.putOldest(Json.mapper().createObjectNode(), page, MessagePages.MAX_BYTES);
        assertEquals(IntStream.rangeClosed(1, fits).mapToObj(Long::valueOf).toList(), seqs(forward.get("messages")));
        assertTrue(forward.get("hasMore").asBoolean());
        assertTrue(bytes(forward.get("messages")) - 2 <= MessagePages.MAX_BYTES);

        ObjectNode back = MessagePages.putNewest(Json.mapper().createObjectNode(), page, MessagePages.MAX_BYTES);
        assertEquals(
                IntStream.rangeClosed(200 - fits + 1, 200)
                        .mapToObj(Long::valueOf)
                        .toList(),
                seqs(back.get("messages")));
        assertTrue(back.get("hasMore").asBoolean(), "the ones cut are older ones that exist");
    }

    @Test
    void aPageThatFitsIsAnsweredAsTheStoreReadIt() {
        MessagePage small = new MessagePage(messages(500, "hi"), false);
        ObjectNode forward = MessagePages.putOldest(Json.mapper().createObjectNode(), small, MessagePages.MAX_BYTES);
        assertEquals(500, forward.get("messages").size());
        assertFalse(forward.get("hasMore").asBoolean());
        MessagePage more = new MessagePage(messages(50, "hi"), true);
        ObjectNode back = MessagePages.putNewest(Json.mapper().createObjectNode(), more, MessagePages.MAX_BYTES);
        assertEquals(IntStream.rangeClosed(1, 50).mapToObj(Long::valueOf).toList(), seqs(back.get("messages")));
        assertTrue(back.get("hasMore").asBoolean());
        assertEquals(List.of("messages", "hasMore"), fieldNames(back));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** Pages asked for together share the connection's queue: each takes at most half of what is left. */
    @Test
    void aPageTakesAtMostHalfTheRoomLeft() {
        assertEquals(MessagePages.MAX_BYTES, MessagePages.budget(4L << 20));
        assertEquals(512 * 1024, MessagePages.budget(1L << 20));
        assertEquals(0, MessagePages.budget(0));
        long room = 4L << 20;
        for (int page = 0; page < 40; page++) {
            room -= MessagePages.budget(room);
        }
        assertTrue(room > 0, "forty pages at once leave the queue room");
    }
}
