package io.chat.platform;

import static io.chat.platform.ChatAssertions.assertError;
import static io.chat.platform.ChatAssertions.assertOk;
import static io.chat.platform.ChatClient.json;
import static io.chat.platform.ChatClient.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Direct messages and group DMs with the official Java client at its default options: {@code dm:open}, the same
 * conversation for the same members, live both ways, and nothing of it for anyone else (a third user of the tenant,
 * a user of another tenant) through any event or REST; the limits and bad payloads; a restart keeps it all.
 */
class DirectMessagesTest {
    /** A server of each test's own: aConversationSurvivesARestart restarts it. */
    @RegisterExtension
    final ChatFixture chat = ChatFixture.ownServer("dm");

    private static JsonNode open(ChatClient client, String... users) {
        return client.call("dm:open", json("users", List.of(users)));
    }

    private HttpResponse<String> restHistory(String tenant, String room, String token) {
        return chat.server().call("GET", "/api/tenants/" + tenant + "/rooms/" + room + "/messages", null, token);
    }

    private static JsonNode mine(ChatClient client, String room) {
        for (JsonNode entry : assertOk(client.call("rooms:mine", json())).get("rooms")) {
            if (entry.get("name").asText().equals(room)) {
                return entry;
            }
        }
        return null;
    }

    @Test
    void aConversationIsItsMembersAlone() {
        String tenant = chat.tenant(null, "alice", "bob", "carol");
        String other = chat.tenant(null, "mallory", "alice");
        ChatClient alice = chat.followingUser(tenant, "alice");
        ChatClient bob = chat.followingUser(tenant, "bob");
        ChatClient carol = chat.followingUser(tenant, "carol");
        ChatClient mallory = chat.followingUser(other, "mallory");

        JsonNode opened = assertOk(open(alice, "bob"));
        String room = opened.get("room").asText();
        assertTrue(room.matches("@[a-z2-7]{26}"), room);
        assertEquals(List.of("alice", "bob"), strings(opened.get("members")));
        JsonNode remembered = bob.awaitEvent("room:remembered");
        assertEquals(room, remembered.get("room").asText());
        assertEquals(List.of("alice", "bob"), strings(remembered.get("members")));
        // the same members, however named, are the same conversation
        assertEquals(
                room, assertOk(open(bob, "alice", "alice", "bob")).get("room").asText());

        alice.send(room, "just between us");
        assertEquals("just between us", bob.awaitEvent("message").get("text").asText());
        long seq = bob.send(room, "sure").get("seq").asLong();
        alice.awaitEvent("message", m -> m.get("text").asText().equals("sure"));

        // a third user of the tenant: every event that names it is forbidden, and nothing of it arrives
        for (String event : List.of("room:join", "history:fetch", "presence:list")) {
            assertError(carol.call(event, json("room", room)), "forbidden");
        }
        assertError(carol.call("message:send", json("room", room, "text", "let me in")), "forbidden");
        assertError(carol.call("typing", json("room", room)), "forbidden");
        assertError(carol.call("room:read", json("room", room, "seq", 1)), "forbidden");
        assertError(carol.call("message:edit", json("room", room, "seq", 1, "text", "x")), "forbidden");
        assertError(carol.call("reaction:toggle", json("room", room, "seq", 1, "emoji", "👍")), "forbidden");
        assertEquals(
                0,
                assertOk(carol.call("search", json("q", "between", "room", room)))
                        .get("results")
                        .size());
        assertEquals(
                0,
                assertOk(carol.call("search", json("q", "between")))
                        .get("results")
                        .size());
        assertEquals(
                1,
                assertOk(alice.call("search", json("q", "between")))
                        .get("results")
                        .size());
        assertEquals(
                403,
                restHistory(tenant, room, chat.server().login(tenant, "carol")).statusCode());
        assertEquals(
                200,
                restHistory(tenant, room, chat.server().login(tenant, "bob")).statusCode());
        // a conversation that does not exist gets the same answer
        assertError(carol.call("room:join", json("room", "@aaaaaaaaaaaaaaaaaaaaaaaaaa")), "forbidden");
        carol.sync();
        assertTrue(carol.received("message").isEmpty());
        assertTrue(carol.received("room:remembered").isEmpty());
        assertTrue(carol.received("room:joined").isEmpty());

        // another tenant's user: its own namespace has no such conversation, nor alice's peer list
        assertError(mallory.call("room:join", json("room", room)), "forbidden");
        assertError(mallory.call("history:fetch", json("room", room)), "forbidden");
        assertEquals(
                403,
                restHistory(other, room, chat.server().login(other, "mallory")).statusCode());
        assertError(open(mallory, "bob"), "not_found");

        // never listed
        for (ChatClient anyone : List.of(alice, carol)) {
            assertFalse(assertOk(anyone.call("rooms:list", json())).toString().contains(room));
            assertFalse(
                    assertOk(anyone.call("rooms:directory", json())).toString().contains(room));
        }
        // it cannot be given a topic (leaving hides it: aHiddenConversationFreesItsPlace)
        assertError(alice.call("room:topic", json("room", room, "topic", "ours")), "forbidden");

        // read receipts: bob read alice's message, alice is told, and rooms:mine says so
        assertOk(bob.call("room:read", json("room", room, "seq", seq)));
        JsonNode receipt = alice.awaitEvent("dm:read");
        assertEquals(room, receipt.get("room").asText());
        assertEquals("bob", receipt.get("user").asText());
        assertEquals(seq, receipt.get("seq").asLong());
        JsonNode entry = mine(alice, room);
        assertEquals(List.of("alice", "bob"), strings(entry.get("members")));
        assertEquals(seq, entry.get("readBy").get("bob").asLong());
        assertFalse(entry.get("readBy").has("alice"), "the others' positions only");
        assertEquals(1, entry.get("unread").asInt(), "bob's reply");
        assertTrue(carol.received("dm:read").isEmpty());
    }

    @Test
    void aGroupOfUpToEight() {
        String tenant = chat.tenant(null, "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9");
        ChatClient first = chat.followingUser(tenant, "a1");
        ChatClient ninth = chat.followingUser(tenant, "a9");
        JsonNode group = assertOk(open(first, "a2", "a3", "a4", "a5", "a6", "a7", "a8"));
        assertEquals(8, group.get("members").size());
        String room = group.get("room").asText();
        ChatClient third = chat.followingUser(tenant, "a3");
        assertEquals(
                List.of("a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8"),
                strings(mine(third, room).get("members")));
        first.send(room, "all of us");
        third.awaitEvent("message", m -> m.get("text").asText().equals("all of us"));
        assertError(ninth.call("room:join", json("room", room)), "forbidden");
        assertError(open(first, "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9"), "too_large");
    }

    @Test
    void badPayloadsAndLimits() {
        String tenant = chat.tenant("{\"roomsPerSocket\":2}", "alice", "bob", "carol", "al_x");
        ChatClient alice = chat.followingUser(tenant, "alice");
        assertError(alice.call("dm:open", json()), "bad_request");
        assertError(alice.call("dm:open", json("users", "bob")), "bad_request");
        assertError(open(alice), "bad_request");
        assertError(open(alice, "alice"), "bad_request");
        assertError(open(alice, "Bob Smith"), "bad_request");
        assertError(alice.call("dm:open", json("users", List.of(1, 2))), "bad_request");
        assertError(open(alice, "nobody"), "not_found");
        assertError(alice.call("room:join", json("room", "@short")), "bad_request");
        assertError(alice.call("room:join", json("room", "@AAAAAAAAAAAAAAAAAAAAAAAAAA")), "bad_request");

        // a conversation counts toward the rooms each member may remember
        ChatClient bob = chat.followingUser(tenant, "bob");
        assertOk(bob.join("one"));
        assertOk(bob.join("two"));
        assertError(open(alice, "bob"), "too_large");
        assertOk(open(alice, "carol"));

        // the picker's pages
        JsonNode page = assertOk(alice.call("users:list", json("limit", 2)));
        assertEquals(List.of("al_x", "alice"), page.get("users").findValuesAsText("username"));
        assertTrue(page.get("hasMore").asBoolean());
        JsonNode rest = assertOk(alice.call("users:list", json("after", "alice")));
        assertEquals(List.of("bob", "carol"), rest.get("users").findValuesAsText("username"));
        assertFalse(rest.get("hasMore").asBoolean());
        assertEquals(
                List.of("al_x"),
                assertOk(alice.call("users:list", json("q", "al_")))
                        .get("users")
                        .findValuesAsText("username"));
        assertEquals(4, assertOk(alice.call("users:list", json())).get("users").size());
        assertError(alice.call("users:list", json("limit", 101)), "bad_request");
        assertError(alice.call("users:list", json("q", "A%")), "bad_request");
        assertError(alice.call("users:list", json("after", 5)), "bad_request");
        assertEquals(
                List.of("al_x"),
                assertOk(alice.call("users:list", json("name", "AL_")))
                        .get("users")
                        .findValuesAsText("username"),
                "a user name, any case");
        assertError(alice.call("users:list", json("name", "x\u202E")), "bad_request");
        assertError(alice.call("users:list", json("name", 5)), "bad_request");
    }

    @Test
    void displayNamesAreLookedUpByName() {
        String tenant = chat.tenant(null, "alice", "bob");
        TestTenants.expect(
                201,
                chat.server()
                        .admin(
                                "POST",
                                "/admin/tenants/" + tenant + "/users",
                                "{\"username\":\"carol\",\"password\":\"password-carol\",\"displayName\":\"Carol Díaz 🌵\"}"));
        for (String hidden : List.of("evil\u202Egnp.exe", "two\nlines", "zero\u200Bwidth", "   ")) {
            TestTenants.expect(
                    400,
                    chat.server()
                            .admin(
                                    "POST",
                                    "/admin/tenants/" + tenant + "/users",
                                    new com.fasterxml.jackson.databind.ObjectMapper()
                                            .createObjectNode()
                                            .put("username", "mallory")
                                            .put("password", "password-mallory")
                                            .put("displayName", hidden)
                                            .toString()));
        }
        ChatClient alice = chat.followingUser(tenant, "alice");
        JsonNode found = assertOk(alice.call("users:get", json("users", List.of("carol", "bob", "nobody", "carol"))));
        assertEquals(List.of("bob", "carol"), found.get("users").findValuesAsText("username"));
        assertFalse(found.get("users").get(0).has("displayName"));
        assertEquals(
                "Carol Díaz 🌵", found.get("users").get(1).get("displayName").asText());
        assertFalse(found.has("hasMore"));
        assertEquals(
                List.of("carol"),
                assertOk(alice.call("users:list", json("name", "Díaz")))
                        .get("users")
                        .findValuesAsText("username"),
                "a word of a display name finds its person");

        assertError(alice.call("users:get", json()), "bad_request");
        assertError(alice.call("users:get", json("users", List.of())), "bad_request");
        assertError(alice.call("users:get", json("users", List.of("Carol"))), "bad_request");
        assertError(alice.call("users:get", json("users", "carol")), "bad_request");
        List<String> tooMany =
                java.util.stream.IntStream.range(0, 101).mapToObj(i -> "u" + i).toList();
        assertError(alice.call("users:get", json("users", tooMany)), "too_large");
        // another tenant's users are not this tenant's
        String other = chat.tenant(null, "dave");
        assertEquals(
                0,
                assertOk(chat.followingUser(other, "dave").call("users:get", json("users", List.of("carol", "alice"))))
                        .get("users")
                        .size());
    }

    @Test
    void aConversationSurvivesARestart() {
        String tenant = chat.tenant(null, "alice", "bob", "carol");
        ChatClient alice = chat.followingUser(tenant, "alice");
        String room = assertOk(open(alice, "bob")).get("room").asText();
        alice.send(room, "before the restart");

        chat.restart();

        ChatClient bob = chat.followingUser(tenant, "bob");
        assertEquals(List.of("alice", "bob"), strings(mine(bob, room).get("members")));
        assertEquals(1, mine(bob, room).get("unread").asInt());
        JsonNode history = assertOk(bob.call("history:fetch", json("room", room)));
        assertEquals(
                "before the restart", history.get("messages").get(0).get("text").asText());
        ChatClient aliceAgain = chat.followingUser(tenant, "alice");
        bob.send(room, "after it");
        aliceAgain.awaitEvent("message", m -> m.get("text").asText().equals("after it"));
        ChatClient carol = chat.followingUser(tenant, "carol");
        assertError(carol.call("history:fetch", json("room", room)), "forbidden");
    }

    /**
     * The review's attack: eve opens conversations with alice and others until alice remembers as many rooms as she
     * may. Alice hides one (room:leave): its place is free, she joins a room, and eve's reopening of it does not push
     * it back on her; she is still a member and brings it back herself.
     */
    @Test
    void aHiddenConversationFreesItsPlace() {
        String tenant = chat.tenant("{\"roomsPerSocket\":3}", "alice", "eve", "u1", "u2", "u3");
        ChatClient alice = chat.followingUser(tenant, "alice");
        ChatClient aliceTab = chat.followingUser(tenant, "alice");
        ChatClient eve = chat.followingUser(tenant, "eve");
        List<String> rooms = new ArrayList<>();
        for (List<String> others : List.of(List.of("alice"), List.of("alice", "u1"), List.of("alice", "u2"))) {
            String room = assertOk(open(eve, others.toArray(String[]::new)))
                    .get("room")
                    .asText();
            rooms.add(room);
            assertOk(eve.call("room:leave", json("room", room))); // eve hides hers to go on
        }
        assertError(open(eve, "alice", "u3"), "too_large"); // alice is full
        assertError(alice.call("room:join", json("room", "general")), "too_large");

        String hidden = rooms.get(1);
        alice.send(hidden, "last words");
        assertOk(alice.call("room:leave", json("room", hidden)));
        assertEquals(hidden, aliceTab.awaitEvent("room:forgotten").get("room").asText());
        assertEquals(null, mine(alice, hidden), "forgotten");
        assertOk(alice.call("room:join", json("room", "general")));

        // eve reopens it: for eve only
        aliceTab.sync();
        int rememberedBefore = aliceTab.received("room:remembered").size();
        assertEquals(hidden, assertOk(open(eve, "alice", "u1")).get("room").asText());
        assertTrue(mine(eve, hidden) != null, "back for eve");
        eve.send(hidden, "come back");
        alice.sync();
        aliceTab.sync();
        assertEquals(rememberedBefore, aliceTab.received("room:remembered").size(), "not pushed back on alice");
        assertEquals(null, mine(alice, hidden));
        assertTrue(alice.received("message").stream()
                .noneMatch(m -> m.get("text").asText().equals("come back")));

        // still a member: she reads it, and opening it again brings it back, history and all
        assertEquals(
                2,
                assertOk(alice.call("history:fetch", json("room", hidden)))
                        .get("messages")
                        .size());
        assertOk(alice.call("room:leave", json("room", "general")));
        JsonNode back = assertOk(open(alice, "eve", "u1"));
        assertEquals(List.of("alice", "eve", "u1"), strings(back.get("members")));
        assertEquals(
                hidden,
                aliceTab.awaitEvent(
                                "room:remembered", e -> e.get("room").asText().equals(hidden))
                        .get("room")
                        .asText());
        assertEquals(List.of("alice", "eve", "u1"), strings(mine(alice, hidden).get("members")));
        ChatClient u1 = chat.followingUser(tenant, "u1");
        assertTrue(mine(u1, hidden) != null, "u1 never hid it");
        // a member's room:join brings it back too
        assertOk(u1.call("room:leave", json("room", hidden)));
        assertEquals(null, mine(u1, hidden));
        assertOk(u1.call("room:join", json("room", hidden)));
        assertTrue(mine(u1, hidden) != null, "remembered again by the join");
        eve.send(hidden, "welcome back");
        alice.awaitEvent("message", m -> m.get("text").asText().equals("welcome back"));
    }

    /** New conversations are rate-limited per user; reopening one takes nothing from that bucket. */
    @Test
    void newConversationsAreRateLimited() {
        String tenant = chat.tenant("{\"eventBurst\":100}", "eve", "u1", "u2", "u3", "u4", "u5");
        ChatClient eve = chat.followingUser(tenant, "eve");
        List<String> others = List.of("u1", "u2", "u3", "u4", "u5");
        List<List<String>> sets = new ArrayList<>();
        for (int mask = 1; mask < 32 && sets.size() < 21; mask++) {
            List<String> set = new ArrayList<>();
            for (int i = 0; i < others.size(); i++) {
                if ((mask & (1 << i)) != 0) {
                    set.add(others.get(i));
                }
            }
            sets.add(set);
        }
        for (List<String> set : sets.subList(0, 20)) {
            assertOk(open(eve, set.toArray(String[]::new)));
        }
        JsonNode refused = open(eve, sets.get(20).toArray(String[]::new));
        assertError(refused, "rate_limited");
        assertEquals(
                "too many new conversations",
                refused.get("error").get("message").asText(),
                refused.toString());
        assertOk(open(eve, sets.get(3).toArray(String[]::new))); // reopening takes no token
        // another user's bucket is their own
        ChatClient u1 = chat.followingUser(tenant, "u1");
        assertOk(open(u1, "u2", "u3", "u4", "u5"));
    }
}
