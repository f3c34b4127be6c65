package io.chat.platform;

import static io.chat.platform.ChatAssertions.assertOk;
import static io.chat.platform.ChatClient.await;
import static io.chat.platform.ChatClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A room's pages are cut by bytes as well as by count (docs/CONTRACT.md, "Pages of stored entries"). One member posts
 * 200 of the largest messages there are: 4000 × U+0001, each escaped in JSON as six bytes, 24,000 bytes a text. Another
 * member's catch-up ({@code room:join} with {@code since}, which the web client sends on every reconnection), its
 * {@code history:fetch}, REST history and search must each arrive as pages of at most 1 MiB of entries, on a
 * connection that stays up, and give every entry once, in order, by following {@code hasMore} / {@code next}.
 *
 * <p>Before the cut, {@code room:join {since:0}} answered all 200 entries at once (4.8 MB): past the engine's 4 MiB
 * outbound queue, the member's connection was closed and the ack never came, at every reconnection.
 */
@PlatformTest
class PageBytesTest {
    private static PlatformServer server;

    private static final String LIMITS =
            "{\"messagesPerSecond\":10000,\"messageBurst\":10000," + "\"eventsPerSecond\":10000,\"eventBurst\":10000}";
    /** The contract's bound on the entries of one answer, as JSON. */
    private static final int PAGE_BYTES = 1 << 20;

    private static final int MESSAGES = 200;
    private static final String CONTROLS = "\u0001".repeat(4000);
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final ChatFixture chat = ChatFixture.on(server, "pb");

    @Test
    void catchUpHistoryAndRestOfTheLargestMessagesComeInPagesOnALiveConnection() {
        String tenant = chat.tenant(LIMITS, "alice", "bob");
        ChatClient alice = posted(tenant, "big", MESSAGES, CONTROLS);
        assertEquals(24_000, JSON.valueToTree(CONTROLS).toString().length() - 2, "the text's JSON, quotes aside");

        ChatClient bob = chat.connect(tenant, "bob");

        // catch-up: the oldest entries after since, paged forward from the last seq got
        List<JsonNode> caughtUp = new ArrayList<>();
        long since = 0;
        int pages = 0;
        while (true) {
            JsonNode page = assertOk(answer(bob, "room:join", json("room", "big", "since", since)));
            pages++;
            JsonNode messages = page.get("messages");
            assertWithinBudget(messages, "room:join since " + since);
            messages.forEach(caughtUp::add);
            if (!hasMore(page)) {
                break;
            }
            since = messages.get(messages.size() - 1).get("seq").asLong();
        }
        assertEquals(range(1, MESSAGES), seqs(caughtUp), "every entry once, in order");
        caughtUp.forEach(m -> assertEquals(CONTROLS, m.get("text").asText()));
        assertTrue(pages >= 5, "200 × 24 KB arrive in pages of at most 1 MiB: " + pages + " pages");
        assertTrue(bob.connected(), "the catch-up kept the connection");

        // a plain join: the newest messages that fit, and hasMore (older ones exist)
        JsonNode plain = assertOk(bob.join("big"));
        assertWithinBudget(plain.get("messages"), "room:join");
        List<Long> newest = ChatClient.seqs(plain.get("messages"));
        assertFalse(newest.isEmpty());
        assertEquals(range(MESSAGES - newest.size() + 1, MESSAGES), newest, "the newest, oldest first");
        assertTrue(hasMore(plain), "cut: older ones exist");

        // history:fetch: the newest page before a seq, oldest first; the next page before the oldest got
        List<JsonNode> fetched = TestTenants.fullHistory(before -> {
            ObjectNode ask = json("room", "big", "limit", 100);
            if (before != null) {
                ask.put("before", before);
            }
            JsonNode page = assertOk(bob.call("history:fetch", ask));
            assertWithinBudget(page.get("messages"), "history:fetch " + ask);
            return page;
        });
        assertEquals(range(1, MESSAGES), seqs(fetched), "every message once, in order");
        assertTrue(bob.connected(), "history:fetch kept the connection");

        // REST history, as the same pages
        String token = server.login(tenant, "bob");
        List<JsonNode> rest = TestTenants.fullHistory(before -> {
            JsonNode page = TestTenants.historyPage(server, tenant, "big", token, before, 100);
            assertWithinBudget(page.get("messages"), "REST history before " + before);
            return page;
        });
        assertEquals(range(1, MESSAGES), seqs(rest), "every message once, in order");
        bob.sync();
        assertTrue(bob.connected() && alice.connected(), "nobody was disconnected");
    }

    @Test
    void searchResultsOfTheLargestMessagesComeInPages() {
        String tenant = chat.tenant(LIMITS, "alice", "bob");
        int count = 60;
        posted(tenant, "found", count, "needle" + "\u0001".repeat(3994));

        ChatClient bob = chat.connect(tenant, "bob");
        assertOk(bob.join("found"));
        List<JsonNode> results = new ArrayList<>();
        String before = null;
        int pages = 0;
        while (true) {
            ObjectNode ask = json("q", "needle", "room", "found", "limit", 50);
            if (before != null) {
                ask.put("before", before);
            }
            JsonNode page = assertOk(bob.call("search", ask));
            pages++;
            // each result carries its context (the message before it): both count
            assertWithinBudget(page.get("results"), "search " + ask);
            page.get("results").forEach(results::add);
            if (!page.has("next")) {
                break;
            }
            before = page.get("next").asText();
        }
        List<Long> expected = new ArrayList<>(range(1, count));
        Collections.reverse(expected);
        assertEquals(expected, seqs(results), "every message once, newest first");
        assertTrue(pages >= 3, "60 × 48 KB (a result and its context) in pages of at most 1 MiB: " + pages);
        assertTrue(bob.connected());
    }

    /** The ack, or a failure that says whether the connection was closed meanwhile. */
    private static JsonNode answer(ChatClient client, String event, ObjectNode payload) {
        try {
            return client.call(event, payload);
        } catch (AssertionError e) {
            throw new AssertionError(
                    e.getMessage() + " (" + payload + "); the connection "
                            + (client.isDisconnected() ? "was closed" : "is up"),
                    e);
        }
    }

    /**
     * Alice's socket, once it joined {@code room} and posted {@code count} messages of {@code text} there, 20 at a time
     * (each ack carries the message back).
     */
    private ChatClient posted(String tenant, String room, int count, String text) {
        ChatClient alice = chat.connect(tenant, "alice");
        assertOk(alice.join(room));
        for (int from = 1; from <= count; from += 20) {
            List<CompletableFuture<JsonNode>> acks = new ArrayList<>();
            for (int i = from; i < from + 20 && i <= count; i++) {
                acks.add(alice.request("message:send", json("room", room, "text", text)));
            }
            acks.forEach(ack -> assertOk(await(ack, "ack of message:send")));
        }
        return alice;
    }

    /** The entries' JSON (UTF-8, the commas between them included) within the budget, or a single entry. */
    private static void assertWithinBudget(JsonNode entries, String what) {
        assertTrue(entries.isArray() && !entries.isEmpty(), what + ": no entries");
        try {
            int bytes = JSON.writeValueAsString(entries).getBytes(StandardCharsets.UTF_8).length - 2;
            assertTrue(
                    bytes <= PAGE_BYTES || entries.size() == 1,
                    what + ": " + entries.size() + " entries, " + bytes + " bytes of JSON");
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    private static boolean hasMore(JsonNode page) {
        assertTrue(page.path("hasMore").isBoolean(), "hasMore is a boolean: " + page.get("hasMore"));
        return page.get("hasMore").asBoolean();
    }

    private static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    private static List<Long> seqs(List<JsonNode> messages) {
        return messages.stream().map(m -> m.get("seq").asLong()).toList();
    }
}
