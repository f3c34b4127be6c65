package io.chat.platform;

import static io.chat.platform.ChatAssertions.assertError;
import static io.chat.platform.ChatAssertions.assertOk;
import static io.chat.platform.ChatAssertions.assertTs;
import static io.chat.platform.ChatClient.json;
import static io.chat.platform.ChatClient.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Lasting membership, the room directory and topics, with the official Java client on its default options
 * (long-polling, the upgrade, reconnection): the rooms a user joined are the same on every socket, after a reconnect
 * and after a server restart, until the user leaves them on any socket.
 */
class MembershipTest {
    /** A server of each test's own: joinedRoomsLastAcrossSocketsReconnectsAndRestarts restarts it. */
    @RegisterExtension
    final ChatFixture chat = ChatFixture.ownServer("mem");

    private static List<String> names(JsonNode rooms) {
        List<String> names = new ArrayList<>();
        rooms.forEach(room -> names.add(room.get("name").asText()));
        return names;
    }

    /** The rooms the server put a new socket in, as told by its first {@code rooms:mine}. */
    private static List<String> told(ChatClient client) {
        return names(client.awaitEvent("rooms:mine").get("rooms"));
    }

    @Test
    void joinedRoomsLastAcrossSocketsReconnectsAndRestarts() {
        String tenant = chat.tenant(null, "alice", "bob");
        String alice = chat.server().login(tenant, "alice");
        String bob = chat.server().login(tenant, "bob");

        ChatClient first = chat.following(tenant, alice);
        assertEquals(List.of(), told(first));
        assertOk(first.join("general"));
        assertOk(first.join("dev"));
        first.close();

        ChatClient second = chat.following(tenant, alice);
        assertEquals(List.of("dev", "general"), told(second));
        // in the room without joining it: it can send there, and gets the room's messages
        second.send("general", "back again");
        ChatClient bobs = chat.following(tenant, bob);
        assertOk(bobs.join("general"));
        bobs.send("general", "hello alice");
        second.awaitEvent("message", m -> m.get("text").asText().equals("hello alice"));
        assertEquals(
                List.of("dev", "general"),
                names(assertOk(second.call("rooms:mine", json())).get("rooms")));

        // a restart on the same folder: the session and the rooms are still there
        chat.restart();
        ChatClient third = chat.following(tenant, alice);
        assertEquals(List.of("dev", "general"), told(third));
        ChatClient bobAgain = chat.following(tenant, bob);
        assertEquals(List.of("general"), told(bobAgain));
        assertEquals(
                List.of("alice", "bob"),
                strings(assertOk(bobAgain.call("presence:list", json("room", "general")))
                                .get("users"))
                        .stream()
                        .sorted()
                        .toList());
        bobAgain.send("general", "after the restart");
        third.awaitEvent("message", m -> m.get("text").asText().equals("after the restart"));
    }

    @Test
    void aJoinOrLeaveOnOneTabIsSeenByTheOthers() {
        String tenant = chat.tenant(null, "alice", "bob");
        String alice = chat.server().login(tenant, "alice");
        ChatClient tabA = chat.following(tenant, alice);
        ChatClient tabB =
                chat.following(tenant, chat.server().login(tenant, "alice")); // another device: another session
        told(tabA);
        told(tabB);
        ChatClient bob = chat.following(tenant, chat.server().login(tenant, "bob"));
        told(bob);
        assertOk(bob.join("general"));
        // a socket that did not ask to follow its user's rooms keeps its own, as before
        ChatClient plain = chat.closeAfter(ChatClient.connect(chat.server().url(), "/" + tenant, alice));

        assertOk(tabA.join("general"));
        assertEquals("general", tabB.awaitEvent("room:remembered").get("room").asText());
        bob.send("general", "to both tabs");
        tabB.awaitEvent("message", m -> m.get("text").asText().equals("to both tabs"));

        plain.sync();
        assertTrue(plain.received("message").isEmpty(), "the plain socket did not join");
        assertTrue(plain.received("room:remembered").isEmpty());

        assertOk(tabA.call("room:leave", json("room", "general")));
        assertEquals("general", tabB.awaitEvent("room:forgotten").get("room").asText());
        bob.awaitEvent("room:left", e -> e.get("user").asText().equals("alice"));
        bob.send("general", "alice is gone");
        tabB.sync();
        tabA.sync();
        assertTrue(tabB.received("message").stream()
                .noneMatch(m -> m.get("text").asText().equals("alice is gone")));
        assertTrue(tabA.received("message").stream()
                .noneMatch(m -> m.get("text").asText().equals("alice is gone")));
        assertEquals(List.of(), names(assertOk(tabB.call("rooms:mine", json())).get("rooms")));
        assertError(tabB.call("message:send", json("room", "general", "text", "x")), "forbidden");
        plain.sync();
        assertTrue(plain.received("message").isEmpty());
        assertTrue(plain.received("room:forgotten").isEmpty());
        assertTrue(plain.received("rooms:mine").isEmpty(), "told nothing it did not ask for");

        tabB.close();
        ChatClient tabC = chat.following(tenant, alice);
        assertEquals(List.of(), told(tabC), "forgotten for good");
    }

    @Test
    void theDirectoryListsRoomsWithHistoryOrMembers() {
        String tenant = chat.tenant(null, "alice", "bob");
        ChatClient bob = chat.following(tenant, chat.server().login(tenant, "bob"));
        assertOk(bob.join("archive"));
        JsonNode sent = bob.send("archive", "for the record");
        assertOk(bob.call("room:leave", json("room", "archive")));
        ChatClient alice = chat.following(tenant, chat.server().login(tenant, "alice"));
        assertOk(alice.join("general"));
        assertOk(alice.join("quiet"));
        assertOk(alice.call("room:leave", json("room", "quiet"))); // no history, no member: not listed

        JsonNode page = assertOk(alice.call("rooms:directory", json()));
        assertEquals(List.of("archive", "general"), names(page.get("rooms")));
        assertFalse(page.get("hasMore").asBoolean());
        JsonNode archive = page.get("rooms").get(0);
        assertEquals(0, archive.get("members").asInt());
        assertEquals(sent.get("ts").asText(), archive.get("lastMessageAt").asText());
        assertTs(archive.get("lastMessageAt"));
        JsonNode general = page.get("rooms").get(1);
        assertEquals(1, general.get("members").asInt());
        assertFalse(general.has("lastMessageAt"));

        JsonNode first = assertOk(alice.call("rooms:directory", json("limit", 1)));
        assertEquals(List.of("archive"), names(first.get("rooms")));
        assertTrue(first.get("hasMore").asBoolean());
        JsonNode next = assertOk(alice.call("rooms:directory", json("after", "archive", "limit", 1)));
        assertEquals(List.of("general"), names(next.get("rooms")));
        assertFalse(next.get("hasMore").asBoolean());

        assertError(alice.call("rooms:directory", json("limit", 0)), "bad_request");
        assertError(alice.call("rooms:directory", json("limit", 101)), "bad_request");
        assertError(alice.call("rooms:directory", json("after", "no spaces")), "bad_request");
        assertError(alice.call("rooms:directory", "not an object"), "bad_request");

        // another tenant sees none of it
        String other = chat.tenant(null, "alice");
        ChatClient elsewhere = chat.following(other, chat.server().login(other, "alice"));
        assertEquals(
                List.of(),
                names(assertOk(elsewhere.call("rooms:directory", json())).get("rooms")));
    }

    @Test
    void membersSetTheTopicEveryoneSeesIt() {
        String tenant = chat.tenant(null, "alice", "bob", "carol");
        ChatClient alice = chat.following(tenant, chat.server().login(tenant, "alice"));
        ChatClient bob = chat.following(tenant, chat.server().login(tenant, "bob"));
        ChatClient carol = chat.following(tenant, chat.server().login(tenant, "carol"));
        assertOk(alice.join("general"));
        assertOk(bob.join("general"));

        JsonNode ack = assertOk(alice.call("room:topic", json("room", "general", "topic", "Release on Friday 🚀")));
        assertEquals("Release on Friday 🚀", ack.get("topic").get("text").asText());
        assertEquals("alice", ack.get("topic").get("by").asText());
        assertTs(ack.get("topic").get("at"));
        JsonNode event = bob.awaitEvent("room:topic");
        assertEquals("general", event.get("room").asText());
        assertEquals(ack.get("topic"), event.get("topic"));

        assertError(carol.call("room:topic", json("room", "general", "topic", "mine now")), "forbidden");
        assertError(alice.call("room:topic", json("room", "general", "topic", "x".repeat(251))), "too_large");
        assertError(alice.call("room:topic", json("room", "general", "topic", "two\nlines")), "bad_request");
        assertError(alice.call("room:topic", json("room", "general")), "bad_request");
        assertError(alice.call("room:topic", json("room", "bad room", "topic", "x")), "bad_request");
        // a socket is alone in the room named by its id: no event may name it (it was stored as a topic before)
        JsonNode own = alice.call("room:topic", json("room", alice.socket().id(), "topic", "x"));
        assertError(own, "forbidden");
        assertEquals("room not allowed", own.get("error").get("message").asText());

        JsonNode joined = assertOk(carol.join("general"));
        assertEquals(ack.get("topic"), joined.get("topic"));
        JsonNode mine = assertOk(carol.call("rooms:mine", json())).get("rooms").get(0);
        assertEquals(ack.get("topic"), mine.get("topic"));
        JsonNode listed =
                assertOk(carol.call("rooms:directory", json())).get("rooms").get(0);
        assertEquals(ack.get("topic"), listed.get("topic"));
        assertEquals(3, listed.get("members").asInt());

        assertOk(bob.call("room:topic", json("room", "general", "topic", "")));
        assertEquals(
                "",
                alice.awaitEvent(
                                "room:topic",
                                e -> e.get("topic").get("by").asText().equals("bob"))
                        .get("topic")
                        .get("text")
                        .asText());
    }

    @Test
    void aUserRemembersAsManyRoomsAsASocketMayBeIn() {
        String tenant = chat.tenant("{\"roomsPerSocket\":2}", "alice");
        String token = chat.server().login(tenant, "alice");
        ChatClient tab = chat.following(tenant, token);
        assertOk(tab.join("a"));
        assertOk(tab.join("b"));
        assertError(tab.join("c"), "too_large");
        tab.close();
        ChatClient again = chat.following(tenant, token);
        assertEquals(List.of("a", "b"), told(again));
        assertError(again.join("c"), "too_large");
        assertOk(again.call("room:leave", json("room", "a")));
        assertOk(again.join("c"));
    }
}
