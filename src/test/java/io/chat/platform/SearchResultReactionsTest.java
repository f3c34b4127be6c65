package io.chat.platform;

import static io.chat.platform.ChatAssertions.assertOk;
import static io.chat.platform.ChatClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Review finding: the contract says a search result "is a message as in history:fetch (room, seq, id, from, text, ts,
 * edited/editedTs, reactions)", but results (and their context) never carry {@code reactions}.
 */
@PlatformTest
class SearchResultReactionsTest {
    private static PlatformServer server;

    @RegisterExtension
    final ChatFixture chat = ChatFixture.on(server, "sr");

    @Test
    void aResultCarriesItsReactionsAsHistoryDoes() {
        String tenant = chat.tenant(null, "alice", "bob");
        ChatClient alice = chat.connect(tenant, "alice");
        ChatClient bob = chat.connect(tenant, "bob");
        assertOk(alice.join("general"));
        assertOk(bob.join("general"));
        long first = alice.send("general", "release notes draft").get("seq").asLong();
        long seq = alice.send("general", "deploy finished").get("seq").asLong();
        assertOk(bob.call("reaction:toggle", json("room", "general", "seq", seq, "emoji", "👍")));
        assertOk(bob.call("reaction:toggle", json("room", "general", "seq", first, "emoji", "🎉")));

        JsonNode fetched = assertOk(alice.call("history:fetch", json("room", "general")));
        JsonNode inHistory = fetched.get("messages").get(1);
        assertTrue(inHistory.has("reactions"), "history has it: " + inHistory);

        JsonNode hit = assertOk(alice.call("search", json("q", "deploy")))
                .get("results")
                .get(0);
        assertEquals(seq, hit.get("seq").asLong());
        assertEquals(inHistory.get("reactions"), hit.get("reactions"), "search result " + hit);
        assertEquals(
                fetched.get("messages").get(0).get("reactions"),
                hit.get("context").get("reactions"),
                "context " + hit.get("context"));
    }
}
