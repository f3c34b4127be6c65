package io.chat.platform;

import static io.chat.platform.ChatAssertions.assertError;
import static io.chat.platform.ChatAssertions.assertOk;
import static io.chat.platform.ChatClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code search} event with the official Java client at its default options: the rooms the user remembers and
 * the socket's rooms only, by room and sender, with context, paged; edits and deletions followed; another tenant
 * never; bad payloads refused.
 */
@PlatformTest
class SearchEventTest {
    private static PlatformServer server;

    @RegisterExtension
    final ChatFixture chat = ChatFixture.on(server, "se");

    private String tenant() {
        return chat.tenant(null, "alice", "bob");
    }

    /** The texts of a search's results, failing unless it succeeded. */
    static List<String> texts(JsonNode ack) {
        List<String> texts = new ArrayList<>();
        assertOk(ack)
                .get("results")
                .forEach(result -> texts.add(result.get("text").asText()));
        return texts;
    }

    @Test
    void findsTheUsersRoomsOnlyWithContextByRoomAndSender() {
        String tenant = tenant();
        ChatClient alice = chat.connect(tenant, "alice");
        ChatClient bob = chat.connect(tenant, "bob");
        assertOk(alice.join("general"));
        assertOk(bob.join("general"));
        assertOk(bob.join("secret"));
        alice.send("general", "who has the keys?");
        bob.send("general", "the launch is at noon");
        bob.send("secret", "launch codes: 1234");
        alice.send("general", "Launch party after");

        JsonNode ack = assertOk(alice.call("search", json("q", "launch")));
        assertEquals(List.of("Launch party after", "the launch is at noon"), texts(ack), "not bob's secret room");
        JsonNode newest = ack.get("results").get(0);
        assertEquals("general", newest.get("room").asText());
        assertEquals(3, newest.get("seq").asLong());
        assertEquals("alice", newest.get("from").asText());
        ChatAssertions.assertTs(newest.get("ts"));
        assertEquals("the launch is at noon", newest.get("context").get("text").asText());
        assertFalse(ack.has("next"));

        assertEquals(List.of("the launch is at noon"), texts(alice.call("search", json("q", "launch", "from", "bob"))));
        assertEquals(List.of(), texts(alice.call("search", json("q", "launch", "room", "secret"))));
        assertEquals(List.of("launch codes: 1234"), texts(bob.call("search", json("q", "launch", "room", "secret"))));
        assertEquals(List.of(), texts(alice.call("search", json("q", "codes"))));
    }

    @Test
    void rememberedRoomsAreSearchedWithoutJoiningAgain() {
        String tenant = tenant();
        ChatClient first = chat.followingUser(tenant, "alice");
        assertOk(first.join("dev"));
        first.send("dev", "the build is green");
        first.close();

        ChatClient plain = chat.connect(tenant, "alice"); // joins nothing: dev is remembered
        assertEquals(List.of("the build is green"), texts(plain.call("search", json("q", "build"))));
    }

    @Test
    void pagesEditsAndDeletions() {
        String tenant = tenant();
        ChatClient alice = chat.connect(tenant, "alice");
        assertOk(alice.join("general"));
        for (int i = 1; i <= 5; i++) {
            alice.send("general", "note " + i);
        }
        JsonNode first = assertOk(alice.call("search", json("q", "note", "limit", 2)));
        assertEquals(List.of("note 5", "note 4"), texts(first));
        JsonNode second = assertOk(alice.call(
                "search",
                json("q", "note", "limit", 2, "before", first.get("next").asText())));
        assertEquals(List.of("note 3", "note 2"), texts(second));
        JsonNode last = assertOk(alice.call(
                "search",
                json("q", "note", "limit", 2, "before", second.get("next").asText())));
        assertEquals(List.of("note 1"), texts(last));
        assertFalse(last.has("next"));

        assertOk(alice.call("message:edit", json("room", "general", "seq", 1, "text", "memo one")));
        assertOk(alice.call("message:delete", json("room", "general", "seq", 2)));
        assertEquals(List.of("note 5", "note 4", "note 3"), texts(alice.call("search", json("q", "note"))));
        JsonNode memo = assertOk(alice.call("search", json("q", "memo")));
        assertEquals(List.of("memo one"), texts(memo));
        assertTrue(memo.get("results").get(0).get("edited").asBoolean());
    }

    @Test
    void anotherTenantIsNeverSearched() {
        String acme = tenant();
        String globex = tenant();
        ChatClient alice = chat.connect(acme, "alice");
        ChatClient other = chat.connect(globex, "alice");
        assertOk(alice.join("general"));
        assertOk(other.join("general"));
        other.send("general", "merger rumours");
        alice.send("general", "nothing new");
        assertEquals(List.of(), texts(alice.call("search", json("q", "merger"))));
        assertEquals(List.of("merger rumours"), texts(other.call("search", json("q", "merger"))));
    }

    @Test
    void badQueriesAreRefused() {
        ChatClient alice = chat.connect(tenant(), "alice");
        assertError(alice.call("search", json()), "bad_request");
        assertError(alice.call("search", json("q", 5)), "bad_request");
        assertError(alice.call("search", json("q", "")), "bad_request");
        assertError(alice.call("search", json("q", "?! -- \"\"")), "bad_request");
        assertError(alice.call("search", json("q", "a".repeat(201))), "too_large");
        assertError(alice.call("search", json("q", "x", "limit", 51)), "bad_request");
        assertError(alice.call("search", json("q", "x", "before", "not a cursor!")), "bad_request");
        assertError(alice.call("search", json("q", "x", "room", "")), "bad_request");
        assertError(alice.call("search", json("q", "x", "from", 7)), "bad_request");
        assertError(alice.call("search", json("q", "-deploy -\"rollback now\"")), "bad_request");
        assertError(alice.call("search", json("q", "\"one two three four five six seven eight nine\"")), "bad_request");
        assertError(alice.call("search", json("q", "a|b|c|d|e|f|g|h|i")), "bad_request");
        assertError(alice.call("search", json("q", "a b c d e f g h i j k l m n o p -q")), "bad_request");
        assertOk(alice.call("search", json("q", "a".repeat(200))));
        assertOk(alice.call("search", json("q", "(a | b) or c")));
    }
}
