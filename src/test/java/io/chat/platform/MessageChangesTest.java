package io.chat.platform;

import static io.chat.platform.ChatAssertions.assertError;
import static io.chat.platform.ChatAssertions.assertOk;
import static io.chat.platform.ChatAssertions.range;
import static io.chat.platform.ChatClient.json;
import static io.chat.platform.ChatClient.seqs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code message:edit} and {@code message:delete} with the official Java client at its default options (polling, then
 * the upgrade; reconnection on): live to the room's other members, in history, in a catch-up after a reconnect, and
 * refused to anyone but the author.
 */
@PlatformTest
class MessageChangesTest {
    private static PlatformServer server;

    @RegisterExtension
    final ChatFixture chat = ChatFixture.on(server, "ed");

    private String tenant() {
        return chat.tenant(null, "alice", "bob");
    }

    private record InGeneral(String tenant, ChatClient alice, ChatClient bob) {}

    /** A new tenant's alice and bob, both connected and in room general. */
    private InGeneral aliceAndBobInGeneral() {
        String tenant = tenant();
        ChatClient alice = chat.connect(tenant, "alice");
        ChatClient bob = chat.connect(tenant, "bob");
        assertOk(alice.join("general"));
        assertOk(bob.join("general"));
        return new InGeneral(tenant, alice, bob);
    }

    private static JsonNode edit(ChatClient client, String room, long seq, String text) {
        return client.call("message:edit", json("room", room, "seq", seq, "text", text));
    }

    private static JsonNode delete(ChatClient client, String room, long seq) {
        return client.call("message:delete", json("room", room, "seq", seq));
    }

    @Test
    void editsAndDeletionsReachTheOtherMemberLiveAndShowInHistory() {
        InGeneral in = aliceAndBobInGeneral();
        String tenant = in.tenant();
        ChatClient alice = in.alice();
        ChatClient bob = in.bob();
        JsonNode typo = alice.send("general", "helo");
        alice.send("general", "to be deleted");

        JsonNode edited = assertOk(edit(alice, "general", 1, "hello")).get("entry");
        assertEquals(3, edited.get("seq").asLong());
        assertEquals("edit", edited.get("kind").asText());
        assertEquals(1, edited.get("target").asLong());
        assertEquals("hello", edited.get("text").asText());
        assertEquals("alice", edited.get("from").asText());
        assertTrue(edited.get("edited").asBoolean());
        assertEquals(edited, bob.awaitEvent("message:edited"));

        JsonNode deleted = assertOk(delete(alice, "general", 2)).get("entry");
        assertEquals(4, deleted.get("seq").asLong());
        assertEquals("delete", deleted.get("kind").asText());
        assertEquals(2, deleted.get("target").asLong());
        assertTrue(deleted.get("deleted").asBoolean());
        assertEquals("", deleted.get("text").asText());
        assertEquals(deleted, bob.awaitEvent("message:deleted"));
        assertTrue(alice.events("message:edited").isEmpty(), "the author's socket has the ack, not the event");

        // history: the two messages in their latest state, the same id, seq and ts
        JsonNode page = assertOk(bob.call("history:fetch", json("room", "general")));
        assertEquals(List.of(1L, 2L), seqs(page.get("messages")));
        JsonNode first = page.get("messages").get(0);
        assertEquals(typo.get("id"), first.get("id"));
        assertEquals(typo.get("ts"), first.get("ts"));
        assertEquals("hello", first.get("text").asText());
        assertTrue(first.get("edited").asBoolean());
        assertEquals(edited.get("editedTs"), first.get("editedTs"));
        JsonNode second = page.get("messages").get(1);
        assertTrue(second.get("deleted").asBoolean());
        assertEquals("", second.get("text").asText());
        // and REST history the same
        String token = server.login(tenant, "bob");
        List<JsonNode> rest = TestTenants.fullHistory(server, tenant, "general", token);
        assertEquals(List.of(first, second), rest);
    }

    @Test
    void aClientThatWasAwayGetsTheChangesWhenItCatchesUp() {
        InGeneral in = aliceAndBobInGeneral();
        String tenant = in.tenant();
        ChatClient alice = in.alice();
        ChatClient bob = in.bob();
        alice.send("general", "one");
        alice.send("general", "two");
        bob.awaitEvent("message", m -> m.get("seq").asLong() == 2);
        long lastSeen = 2;
        bob.close();

        assertOk(edit(alice, "general", 1, "one, edited"));
        assertOk(delete(alice, "general", 2));
        alice.send("general", "three");

        ChatClient back = chat.connect(tenant, "bob");
        JsonNode join = assertOk(back.call("room:join", json("room", "general", "since", lastSeen)));
        JsonNode entries = join.get("messages");
        assertEquals(range(3, 5), seqs(entries));
        assertEquals("edit", entries.get(0).get("kind").asText());
        assertEquals(1, entries.get(0).get("target").asLong());
        assertEquals("one, edited", entries.get(0).get("text").asText());
        assertEquals("delete", entries.get(1).get("kind").asText());
        assertEquals(2, entries.get(1).get("target").asLong());
        assertTrue(entries.get(1).get("deleted").asBoolean());
        assertFalse(entries.get(2).has("kind"), "a message has no kind: " + entries.get(2));
        assertEquals("three", entries.get(2).get("text").asText());
        assertFalse(join.get("hasMore").asBoolean());
    }

    private static JsonNode react(ChatClient client, String room, long seq, String emoji) {
        return client.call("reaction:toggle", json("room", room, "seq", seq, "emoji", emoji));
    }

    @Test
    void reactionsAreToggledLiveShownInHistoryAndCaughtUp() {
        InGeneral in = aliceAndBobInGeneral();
        String tenant = in.tenant();
        ChatClient alice = in.alice();
        ChatClient bob = in.bob();
        alice.send("general", "ship it?");

        JsonNode first = assertOk(react(bob, "general", 1, "👍")).get("entry");
        assertEquals(2, first.get("seq").asLong());
        assertEquals("reaction", first.get("kind").asText());
        assertEquals("👍", first.get("text").asText());
        assertEquals(1, first.get("target").asLong());
        assertEquals(
                json("emoji", "👍", "count", 1, "users", List.of("bob")),
                first.get("reactions").get(0));
        assertEquals(first, alice.awaitEvent("reaction:toggled"));
        assertOk(react(alice, "general", 1, "👍"));
        assertOk(react(alice, "general", 1, "🎉"));
        JsonNode page = assertOk(bob.call("history:fetch", json("room", "general")));
        JsonNode reactions = page.get("messages").get(0).get("reactions");
        assertEquals(2, reactions.size(), reactions.toString());
        assertEquals(
                List.of("bob", "alice"), ChatClient.strings(reactions.get(0).get("users")));
        assertEquals(2, reactions.get(0).get("count").asInt());
        long lastSeen = 4;
        bob.awaitEvent("reaction:toggled", e -> e.get("seq").asLong() == lastSeen);
        bob.close();

        assertOk(react(alice, "general", 1, "🎉")); // removed while bob is away
        ChatClient back = chat.connect(tenant, "bob");
        JsonNode caughtUp = assertOk(back.call("room:join", json("room", "general", "since", lastSeen)))
                .get("messages");
        assertEquals(List.of(5L), seqs(caughtUp));
        assertEquals("reaction", caughtUp.get(0).get("kind").asText());
        assertEquals(1, caughtUp.get(0).get("reactions").size(), caughtUp.toString());

        // bad emojis, an unknown message
        for (Object bad : List.of("", "ok", "a👍", " 👍", "👍".repeat(11), 5)) {
            assertError(alice.call("reaction:toggle", json("room", "general", "seq", 1, "emoji", bad)), "bad_request");
        }
        assertError(react(alice, "general", 99, "👍"), "not_found");
        assertOk(react(alice, "general", 1, "👨‍👩‍👧"));
        assertOk(react(alice, "general", 1, "🇫🇷"));
    }

    @Test
    void aUserMadeAgainWithADeletedUsersNameNeitherChangesNorOwnsWhatTheFirstLeft() throws Exception {
        InGeneral in = aliceAndBobInGeneral();
        String tenant = in.tenant();
        ChatClient first = in.alice();
        ChatClient bob = in.bob();
        first.send("general", "the first alice's");
        assertOk(react(first, "general", 1, "👍"));
        assertOk(react(bob, "general", 1, "👍"));
        TestTenants.expect(204, server.admin("DELETE", "/admin/tenants/" + tenant + "/users/alice", null));
        first.disconnected().get(10, TimeUnit.SECONDS);
        TestTenants.addUser(server, tenant, "alice");

        ChatClient second = chat.connect(tenant, "alice");
        assertOk(second.join("general"));
        JsonNode refused = edit(second, "general", 1, "mine now");
        assertError(refused, "forbidden");
        assertEquals("not your message", refused.get("error").get("message").asText());
        assertEquals(refused, delete(second, "general", 1));
        // the first alice's reaction is counted, named no more, and not the second's to remove
        JsonNode message = assertOk(second.call("history:fetch", json("room", "general")))
                .get("messages")
                .get(0);
        assertEquals("the first alice's", message.get("text").asText());
        assertEquals(
                json("emoji", "👍", "count", 2, "users", List.of("bob")),
                message.get("reactions").get(0));
        JsonNode added = assertOk(react(second, "general", 1, "👍")).get("entry");
        assertEquals(
                json("emoji", "👍", "count", 2, "users", List.of("bob", "alice")),
                added.get("reactions").get(0));
        assertEquals(
                added,
                bob.awaitEvent(
                        "reaction:toggled",
                        e -> e.get("seq").asLong() == added.get("seq").asLong()));

        // her own message is hers
        long seq = second.send("general", "the second alice's").get("seq").asLong();
        assertEquals(
                "the second alice's, edited",
                assertOk(edit(second, "general", seq, "the second alice's, edited"))
                        .get("entry")
                        .get("text")
                        .asText());
        assertOk(delete(second, "general", seq));
    }

    @Test
    void onlyTheAuthorChangesAMessageAndBadPayloadsAreRefused() {
        String tenant = tenant();
        ChatClient alice = chat.connect(tenant, "alice");
        ChatClient bob = chat.connect(tenant, "bob");
        assertOk(alice.join("general"));
        alice.send("general", "alice's");

        assertError(edit(bob, "general", 1, "bob's now"), "forbidden"); // not joined
        assertOk(bob.join("general"));
        assertError(edit(bob, "general", 1, "bob's now"), "forbidden");
        assertError(delete(bob, "general", 1), "forbidden");
        assertError(edit(alice, "general", 9, "nothing there"), "not_found");
        assertError(alice.call("message:edit", json("room", "general", "text", "no seq")), "bad_request");
        assertError(alice.call("message:edit", json("room", "general", "seq", 0, "text", "x")), "bad_request");
        assertError(alice.call("message:edit", json("room", "general", "seq", "1", "text", "x")), "bad_request");
        assertError(edit(alice, "general", 1, ""), "bad_request");
        assertError(edit(alice, "general", 1, "x".repeat(4001)), "too_large", "bad_request");
        assertError(alice.call("message:delete", json("room", "general")), "bad_request");
        assertOk(delete(alice, "general", 1));
        assertError(edit(alice, "general", 1, "back"), "not_found");
        assertError(delete(alice, "general", 1), "not_found");

        // a resent clientId answers the stored entry and is not sent again
        alice.send("general", "again");
        JsonNode once = assertOk(
                alice.call("message:edit", json("room", "general", "seq", 3, "text", "again!", "clientId", "e-1")));
        JsonNode twice = assertOk(
                alice.call("message:edit", json("room", "general", "seq", 3, "text", "again!", "clientId", "e-1")));
        assertEquals(once.get("entry"), twice.get("entry"));
        bob.sync();
        assertEquals(1, bob.events("message:edited").size(), bob.events().toString());
        // nothing refused took a seq: messages 1 and 3, deletion 2, edit 4
        JsonNode all = assertOk(bob.call("room:join", json("room", "general", "since", 0)));
        assertEquals(range(1, 4), seqs(all.get("messages")));
    }
}
