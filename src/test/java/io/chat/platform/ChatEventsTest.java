package io.chat.platform;

import static io.chat.platform.ChatAssertions.assertError;
import static io.chat.platform.ChatAssertions.assertMessage;
import static io.chat.platform.ChatAssertions.assertOk;
import static io.chat.platform.ChatAssertions.assertTs;
import static io.chat.platform.ChatAssertions.range;
import static io.chat.platform.ChatClient.await;
import static io.chat.platform.ChatClient.json;
import static io.chat.platform.ChatClient.seqs;
import static io.chat.platform.ChatClient.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every client→server event of a tenant namespace, and the server→client events, against the real platform. */
@PlatformTest
class ChatEventsTest {
    private static final String HIGH_LIMITS = "{\"messagesPerSecond\":10000,\"messageBurst\":10000}";
    private static PlatformServer server;

    private final List<ChatClient> clients = new ArrayList<>();

    @AfterEach
    void closeClients() {
        clients.forEach(ChatClient::close);
    }

    private String tenant(String... users) {
        String id = TestTenants.newId("ev");
        TestTenants.passwordTenant(server, id, HIGH_LIMITS, users);
        return id;
    }

    private ChatClient connect(String tenant, String token) {
        ChatClient client = ChatClient.connect(server.url(), "/" + tenant, token);
        clients.add(client);
        return client;
    }

    private ChatClient connect(String tenant, String user, Map<String, String> tokens) {
        return connect(tenant, tokens.computeIfAbsent(user, u -> server.login(tenant, u)));
    }

    /**
     * A socket that keeps sending events the server refuses (unknown, malformed, rate-limited: each parsed and answered,
     * so one socket kept a core busy; a review sent 20,000 in under a second) is disconnected past 1,000 refusals in
     * 10 s; the same user's other socket, and what it sends, are unhurt.
     */
    @Test
    void aSocketFloodingRefusedEventsIsDisconnected() throws Exception {
        String tenant = tenant("alice");
        Map<String, String> tokens = new HashMap<>();
        ChatClient flooder = connect(tenant, "alice", tokens);
        ChatClient other = connect(tenant, "alice", tokens);
        assertOk(other.call("room:join", json("room", "general")));
        for (int i = 0; i < 900; i++) {
            flooder.emit(i % 2 == 0 ? "no:such-event" : "message:send", json("nothing", i));
        }
        // still connected under the bound: its next answer comes
        assertError(flooder.call("no:such-event", json("n", 1)), "not_found");
        for (int i = 0; i < 200; i++) {
            flooder.emit("no:such-event", json("n", i));
        }
        assertEquals("io server disconnect", flooder.awaitDisconnect());
        assertTrue(other.connected());
        assertOk(other.call("message:send", send("general", "still here")));
    }

    private static ObjectNode send(String room, String text) {
        return json("room", room, "text", text);
    }

    private static ObjectNode send(String room, String text, String clientId) {
        return json("room", room, "text", text, "clientId", clientId);
    }

    /** Sends n messages without waiting between them and returns the stored messages, in ack order. */
    private static List<JsonNode> seed(ChatClient client, String room, int n) {
        List<CompletableFuture<JsonNode>> acks = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            acks.add(client.request("message:send", send(room, "message " + i)));
        }
        List<JsonNode> messages = new ArrayList<>();
        for (CompletableFuture<JsonNode> ack : acks) {
            messages.add(assertOk(await(ack, "ack of message:send")).get("message"));
        }
        return messages;
    }

    // --- room:join ----------------------------------------------------------------------------------------------

    @Test
    void joinAcksTheMembersOncePerUserAndTheLast50Messages() {
        String tenant = tenant("alice", "bob", "carol");
        Map<String, String> tokens = new HashMap<>();
        ChatClient alice1 = connect(tenant, "alice", tokens);
        ChatClient alice2 = connect(tenant, "alice", tokens);
        ChatClient bob = connect(tenant, "bob", tokens);

        JsonNode first = assertOk(alice1.join("general"));
        assertEquals("general", first.get("room").asText());
        assertEquals(List.of("alice"), strings(first.get("members")));
        assertTrue(first.get("messages").isArray() && first.get("messages").isEmpty(), first.toString());

        assertEquals(
                List.of("alice"),
                strings(assertOk(alice2.join("general")).get("members")),
                "a user with two sockets is one member");
        JsonNode bobJoin = assertOk(bob.join("general"));
        assertEquals(Set.of("alice", "bob"), new HashSet<>(strings(bobJoin.get("members"))));
        assertEquals(2, bobJoin.get("members").size(), bobJoin.toString());

        List<JsonNode> sent = seed(alice1, "general", 60);
        JsonNode carolJoin = assertOk(connect(tenant, "carol", tokens).join("general"));
        assertEquals(Set.of("alice", "bob", "carol"), new HashSet<>(strings(carolJoin.get("members"))));
        assertEquals(3, carolJoin.get("members").size(), carolJoin.toString());
        JsonNode messages = carolJoin.get("messages");
        assertEquals(range(11, 60), seqs(messages), "the last 50 messages, oldest first");
        for (int i = 0; i < 50; i++) {
            assertEquals(sent.get(10 + i), messages.get(i));
            assertMessage(messages.get(i), "general", "alice", "message " + (11 + i));
        }
    }

    @Test
    void joinWithSinceReturnsAtMost500MessagesAfterSinceAndPagesForward() {
        String tenant = tenant("alice", "bob");
        Map<String, String> tokens = new HashMap<>();
        ChatClient alice = connect(tenant, "alice", tokens);
        assertOk(alice.join("big"));
        List<JsonNode> sent = seed(alice, "big", 520);
        assertEquals(
                range(1, 520),
                sent.stream().map(m -> m.get("seq").asLong()).sorted().toList());

        ChatClient bob = connect(tenant, "bob", tokens);
        JsonNode page1 = assertOk(bob.call("room:join", json("room", "big", "since", 0)));
        assertEquals(Set.of("alice", "bob"), new HashSet<>(strings(page1.get("members"))));
        assertEquals(range(1, 500), seqs(page1.get("messages")));
        assertTrue(
                page1.get("hasMore").isBoolean() && page1.get("hasMore").asBoolean(),
                "hasMore: " + page1.get("hasMore"));

        long last = page1.get("messages").get(499).get("seq").asLong();
        JsonNode page2 = assertOk(bob.call("room:join", json("room", "big", "since", last)));
        assertEquals(range(501, 520), seqs(page2.get("messages")));
        assertFalse(page2.path("hasMore").asBoolean(false), "no more after the last page: " + page2.get("hasMore"));

        JsonNode middle = assertOk(bob.call("room:join", json("room", "big", "since", 10)));
        assertEquals(range(11, 510), seqs(middle.get("messages")));
        assertTrue(middle.get("hasMore").asBoolean());

        JsonNode none = assertOk(bob.call("room:join", json("room", "big", "since", 520)));
        assertTrue(none.get("messages").isEmpty());
        assertFalse(none.path("hasMore").asBoolean(false));

        JsonNode exactly500 = assertOk(bob.call("room:join", json("room", "big", "since", 20)));
        assertEquals(range(21, 520), seqs(exactly500.get("messages")));
        assertFalse(exactly500.path("hasMore").asBoolean(false), "exactly 500 remained: nothing more");

        JsonNode plain = assertOk(bob.join("big"));
        assertEquals(range(471, 520), seqs(plain.get("messages")), "without since: the last 50");
    }

    // --- room:leave, rooms:list -------------------------------------------------------------------------------------

    @Test
    void leaveAndRoomsListCountingUsers() {
        String tenant = tenant("alice", "bob");
        Map<String, String> tokens = new HashMap<>();
        ChatClient alice1 = connect(tenant, "alice", tokens);
        ChatClient alice2 = connect(tenant, "alice", tokens);
        ChatClient bob = connect(tenant, "bob", tokens);
        assertOk(alice1.join("general"));
        assertOk(alice2.join("general"));
        assertOk(bob.join("general"));
        assertOk(alice1.join("random"));

        assertEquals(Map.of("general", 2, "random", 1), rooms(bob.call("rooms:list", json())));
        assertEquals(Map.of("general", 2, "random", 1), rooms(bob.call("rooms:list", json())));

        JsonNode left = bob.call("room:leave", json("room", "general"));
        assertEquals(json("ok", true), left, "room:leave acks exactly {\"ok\":true}");
        assertError(bob.call("message:send", send("general", "after leaving")), "forbidden");
        assertEquals(Map.of("general", 1, "random", 1), rooms(alice2.call("rooms:list", json())));

        assertOk(alice1.call("room:leave", json("room", "random")));
        assertEquals(Map.of("general", 1), rooms(alice2.call("rooms:list", json())));
        assertError(alice1.call("room:leave", json("room", "not a room!")), "bad_request");
    }

    @Test
    void roomsListNamesTheThousandBusiestRoomsAndSaysWhenItLeftSomeOut() {
        String tenant = TestTenants.newId("ev-many-rooms");
        TestTenants.passwordTenant(
                server,
                tenant,
                "{\"roomsPerSocket\":2000,\"eventsPerSecond\":10000," + "\"eventBurst\":10000}",
                "alice",
                "bob");
        Map<String, String> tokens = new HashMap<>();
        ChatClient alice = connect(tenant, "alice", tokens);
        ChatClient bob = connect(tenant, "bob", tokens);
        int total = 1_004;
        for (int from = 0; from < total; from += 100) { // a hundred at a time: each join reads history
            List<CompletableFuture<JsonNode>> joins = new ArrayList<>();
            for (int i = from; i < Math.min(total, from + 100); i++) {
                joins.add(alice.request("room:join", json("room", String.format("r-%04d", i))));
            }
            joins.forEach(join -> assertOk(await(join, "join")));
        }
        assertOk(bob.join("r-0500"));
        assertOk(bob.join("r-1003"));

        JsonNode ack = assertOk(bob.call("rooms:list", json()));
        System.out.println(
                "rooms:list of " + total + " rooms: " + ack.toString().length() + " bytes");
        assertEquals(Set.of("ok", "rooms", "truncated"), ChatAssertions.keys(ack));
        assertTrue(ack.get("truncated").asBoolean(), ack.get("truncated").toString());
        List<String> names = new ArrayList<>();
        ack.get("rooms").forEach(room -> names.add(room.get("name").asText()));
        assertEquals(1_000, names.size());
        assertEquals(names.stream().sorted().toList(), names, "listed by name");
        // the two rooms with two users, then the first names of the rooms with one
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 999; i++) {
            expected.add(String.format("r-%04d", i));
        }
        expected.add("r-1003");
        assertEquals(expected, names);
        assertEquals(
                2,
                ack.get("rooms").get(500).get("members").asInt(),
                ack.get("rooms").get(500).toString());

        for (int i = 0; i < 4; i++) {
            assertOk(alice.call("room:leave", json("room", String.format("r-%04d", i))));
        }
        Map<String, Integer> all = rooms(bob.call("rooms:list", json())); // no "truncated" under the cap
        assertEquals(1_000, all.size());
        assertEquals(2, all.get("r-1003"));
    }

    private static Map<String, Integer> rooms(JsonNode ack) {
        assertOk(ack);
        assertEquals(Set.of("ok", "rooms"), ChatAssertions.keys(ack), ack.toString());
        Map<String, Integer> rooms = new HashMap<>();
        for (JsonNode room : ack.get("rooms")) {
            assertEquals(Set.of("name", "members"), ChatAssertions.keys(room), room.toString());
            assertTrue(room.get("members").isIntegralNumber(), room.toString());
            assertEquals(
                    null,
                    rooms.put(room.get("name").asText(), room.get("members").asInt()),
                    "room listed twice");
        }
        return rooms;
    }

    // --- message:send -----------------------------------------------------------------------------------------

    @Test
    void sendIsAckedAfterStorageAndReachesEverySocketOfTheRoomButTheSendingOne() {
        String tenant = tenant("alice", "bob");
        Map<String, String> tokens = new HashMap<>();
        ChatClient alice1 = connect(tenant, "alice", tokens);
        ChatClient alice2 = connect(tenant, "alice", tokens);
        ChatClient bob = connect(tenant, "bob", tokens);
        ChatClient outsider = connect(tenant, "bob", tokens);
        for (ChatClient client : List.of(alice1, alice2, bob)) {
            assertOk(client.join("general"));
        }

        JsonNode ack = assertOk(alice1.call(
                "message:send", send("general", "hello", UUID.randomUUID().toString())));
        assertEquals(Set.of("ok", "message"), ChatAssertions.keys(ack));
        JsonNode message = ack.get("message");
        assertMessage(message, "general", "alice", "hello");
        assertEquals(1, message.get("seq").asLong(), "the first message of a room has seq 1");

        // stored before the ack: REST history has it at once
        JsonNode history = TestTenants.historyPage(server, tenant, "general", tokens.get("alice"), null, null);
        assertEquals(List.of(message), toList(history.get("messages")));
        assertFalse(history.get("hasMore").asBoolean());

        assertEquals(message, bob.awaitEvent("message"), "another user's socket gets the stored message");
        assertEquals(message, alice2.awaitEvent("message"), "the sender's other socket gets it too");
        alice1.sync();
        outsider.sync();
        assertEquals(List.of(), alice1.received("message"), "the sending socket does not get its own message");
        assertEquals(List.of(), outsider.received("message"), "a socket outside the room gets nothing");

        JsonNode second = alice1.send("general", "again");
        assertEquals(2, second.get("seq").asLong());
        assertEquals(second, bob.awaitEvent("message", m -> m.get("seq").asLong() == 2));
    }

    @Test
    void resendingAClientIdReturnsTheStoredMessageAndIsNotBroadcastAgain() {
        String tenant = tenant("alice", "bob");
        Map<String, String> tokens = new HashMap<>();
        ChatClient alice1 = connect(tenant, "alice", tokens);
        ChatClient alice2 = connect(tenant, "alice", tokens);
        ChatClient bob = connect(tenant, "bob", tokens);
        for (ChatClient client : List.of(alice1, alice2, bob)) {
            assertOk(client.join("general"));
        }
        String clientId = UUID.randomUUID().toString();
        JsonNode stored = assertOk(alice1.call("message:send", send("general", "once", clientId)))
                .get("message");
        JsonNode again = assertOk(alice1.call("message:send", send("general", "once", clientId)))
                .get("message");
        assertEquals(stored, again, "same id, seq, ts: the stored message exactly as first acknowledged");
        JsonNode fromOtherSocket = assertOk(alice2.call("message:send", send("general", "once", clientId)))
                .get("message");
        assertEquals(stored, fromOtherSocket, "clientId is scoped to the user across all of their sockets");

        JsonNode bobsOwn = assertOk(bob.call("message:send", send("general", "same id, other user", clientId)))
                .get("message");
        assertNotEquals(stored.get("id"), bobsOwn.get("id"), "another user's clientId is another message");
        assertEquals(2, bobsOwn.get("seq").asLong());

        bob.sync();
        alice1.sync();
        alice2.sync();
        assertEquals(List.of(stored), bob.received("message"), "broadcast once");
        assertEquals(
                List.of(bobsOwn),
                alice2.received("message").stream()
                        .filter(m -> !m.equals(stored))
                        .toList());
        assertEquals(
                1,
                alice2.received("message").stream()
                        .filter(m -> m.equals(stored))
                        .count());
        assertEquals(List.of(bobsOwn), alice1.received("message"));
        assertEquals(List.of(stored, bobsOwn), TestTenants.fullHistory(server, tenant, "general", tokens.get("bob")));
    }

    @Test
    void concurrentSendsWithTheSameClientIdFromTwoSocketsStoreOneMessage() {
        String tenant = tenant("alice", "bob");
        Map<String, String> tokens = new HashMap<>();
        ChatClient alice1 = connect(tenant, "alice", tokens);
        ChatClient alice2 = connect(tenant, "alice", tokens);
        ChatClient bob = connect(tenant, "bob", tokens);
        for (ChatClient client : List.of(alice1, alice2, bob)) {
            assertOk(client.join("general"));
        }
        int rounds = 30;
        List<CompletableFuture<JsonNode>> first = new ArrayList<>();
        List<CompletableFuture<JsonNode>> second = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            ObjectNode payload = send("general", "dedup " + i, "client-id-" + i);
            first.add(alice1.request("message:send", payload));
            second.add(alice2.request("message:send", payload));
        }
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < rounds; i++) {
            JsonNode a = assertOk(await(first.get(i), "ack")).get("message");
            JsonNode b = assertOk(await(second.get(i), "ack")).get("message");
            assertEquals(a, b, "both sends of clientId " + i + " ack the one stored message");
            assertEquals("dedup " + i, a.get("text").asText());
            ids.add(a.get("id").asText());
        }
        assertEquals(rounds, ids.size());
        List<JsonNode> history = TestTenants.fullHistory(server, tenant, "general", tokens.get("bob"));
        assertEquals(
                range(1, rounds),
                history.stream().map(m -> m.get("seq").asLong()).toList());
        bob.sync();
        List<JsonNode> broadcast = bob.received("message");
        assertEquals(rounds, broadcast.size(), "each stored message broadcast once: " + broadcast);
        assertEquals(
                ids,
                new HashSet<>(broadcast.stream().map(m -> m.get("id").asText()).toList()));
    }

    @Test
    void seqStartsAtOneAndGrowsByOneWithoutGapsAcrossConcurrentSenders() {
        String[] users = {"u1", "u2", "u3", "u4"};
        String tenant = tenant(users);
        Map<String, String> tokens = new HashMap<>();
        List<ChatClient> senders = new ArrayList<>();
        for (String user : users) {
            ChatClient client = connect(tenant, user, tokens);
            assertOk(client.join("busy"));
            assertOk(client.join("quiet"));
            senders.add(client);
        }
        int perSender = 60;
        List<CompletableFuture<JsonNode>> acks = new ArrayList<>();
        for (int i = 0; i < perSender; i++) {
            for (ChatClient sender : senders) {
                acks.add(sender.request("message:send", send("busy", "m" + i)));
            }
        }
        JsonNode quiet = senders.get(2).send("quiet", "one");
        assertEquals(1, quiet.get("seq").asLong(), "seq is per room");
        Map<Long, JsonNode> bySeq = new HashMap<>();
        for (CompletableFuture<JsonNode> ack : acks) {
            JsonNode message = assertOk(await(ack, "ack")).get("message");
            assertEquals(null, bySeq.put(message.get("seq").asLong(), message), "seq acked twice: " + message);
        }
        int total = perSender * users.length;
        assertEquals(new TreeSet<>(range(1, total)), new TreeSet<>(bySeq.keySet()), "seq 1..n, no gap");
        List<JsonNode> history = TestTenants.fullHistory(server, tenant, "busy", tokens.get("u1"));
        assertEquals(total, history.size());
        for (int i = 0; i < total; i++) {
            assertEquals(bySeq.get((long) i + 1), history.get(i), "history holds each message as acknowledged");
        }
        assertEquals(range(1, 2), seqs(toJsonArray(List.of(quiet, senders.get(0).send("quiet", "two")))));
    }

    // --- history:fetch ------------------------------------------------------------------------------------------

    @Test
    void historyFetchPagesBackwardsOldestFirst() {
        String tenant = tenant("alice");
        Map<String, String> tokens = new HashMap<>();
        ChatClient alice = connect(tenant, "alice", tokens);
        assertOk(alice.join("general"));

        JsonNode empty = assertOk(alice.call("history:fetch", json("room", "general")));
        assertEquals(Set.of("ok", "messages", "hasMore"), ChatAssertions.keys(empty));
        assertTrue(empty.get("messages").isEmpty());
        assertTrue(empty.get("hasMore").isBoolean() && !empty.get("hasMore").asBoolean());

        List<JsonNode> sent = seed(alice, "general", 120);
        JsonNode latest = assertOk(alice.call("history:fetch", json("room", "general")));
        assertEquals(range(71, 120), seqs(latest.get("messages")), "default limit 50, newest, oldest first");
        assertTrue(latest.get("hasMore").isBoolean() && latest.get("hasMore").asBoolean());
        JsonNode older = assertOk(alice.call("history:fetch", json("room", "general", "before", 71)));
        assertEquals(range(21, 70), seqs(older.get("messages")), "before is exclusive");
        assertTrue(older.get("hasMore").asBoolean());
        JsonNode oldest = assertOk(alice.call("history:fetch", json("room", "general", "before", 21, "limit", 100)));
        assertEquals(range(1, 20), seqs(oldest.get("messages")));
        assertTrue(oldest.get("hasMore").isBoolean() && !oldest.get("hasMore").asBoolean());
        JsonNode exact = assertOk(alice.call("history:fetch", json("room", "general", "before", 41, "limit", 20)));
        assertEquals(range(21, 40), seqs(exact.get("messages")));
        assertTrue(exact.get("hasMore").asBoolean(), "messages 1..20 remain");
        JsonNode firstFifty = assertOk(alice.call("history:fetch", json("room", "general", "before", 51)));
        assertEquals(range(1, 50), seqs(firstFifty.get("messages")));
        assertFalse(firstFifty.get("hasMore").asBoolean(), "exactly 50 below 51: nothing older");
        JsonNode one = assertOk(alice.call("history:fetch", json("room", "general", "limit", 1)));
        assertEquals(List.of(sent.get(119)), toList(one.get("messages")));
        JsonNode hundred = assertOk(alice.call("history:fetch", json("room", "general", "limit", 100)));
        assertEquals(range(21, 120), seqs(hundred.get("messages")));
        JsonNode before1 = assertOk(alice.call("history:fetch", json("room", "general", "before", 1)));
        assertTrue(before1.get("messages").isEmpty());
        assertFalse(before1.get("hasMore").asBoolean());
        JsonNode beyond = assertOk(alice.call("history:fetch", json("room", "general", "before", 1000, "limit", 5)));
        assertEquals(range(116, 120), seqs(beyond.get("messages")));

        // REST pages the same way
        JsonNode rest = TestTenants.historyPage(server, tenant, "general", tokens.get("alice"), 71L, null);
        assertEquals(older.get("messages"), rest.get("messages"));
        assertEquals(older.get("hasMore"), rest.get("hasMore"));
        JsonNode restEmpty = TestTenants.historyPage(server, tenant, "nobody-here", tokens.get("alice"), null, null);
        assertTrue(restEmpty.get("messages").isEmpty());
        assertFalse(restEmpty.get("hasMore").asBoolean());
        assertEquals(sent, TestTenants.fullHistory(server, tenant, "general", tokens.get("alice")));
    }

    @Test
    void historyFetchRefusesALimitOutside1To100AndABadBefore() {
        String tenant = tenant("alice");
        ChatClient alice = connect(tenant, server.login(tenant, "alice"));
        assertOk(alice.join("general"));
        for (Object limit : List.of(0, 101, -1, "10", 1.5, true)) {
            assertError(alice.call("history:fetch", json("room", "general", "limit", limit)), "bad_request");
        }
        for (Object before : List.of(-1, "10", 2.5)) {
            assertError(alice.call("history:fetch", json("room", "general", "before", before)), "bad_request");
        }
        assertError(alice.call("history:fetch", json("room", "no such room!")), "bad_request");
        assertError(alice.call("history:fetch", json()), "bad_request");
        assertOk(alice.call("history:fetch", json("room", "general", "limit", 100)));
        assertOk(alice.call("history:fetch", json("room", "general", "limit", 1)));
    }

    // --- presence ---------------------------------------------------------------------------------------------

    @Test
    void presenceListNamesEachUserOnceTheCallerIncluded() {
        String tenant = tenant("alice", "bob");
        Map<String, String> tokens = new HashMap<>();
        ChatClient alice1 = connect(tenant, "alice", tokens);
        ChatClient alice2 = connect(tenant, "alice", tokens);
        ChatClient bob = connect(tenant, "bob", tokens);
        assertOk(alice1.join("general"));
        assertOk(alice2.join("general"));

        JsonNode alone = assertOk(alice1.call("presence:list", json("room", "general")));
        assertEquals(Set.of("ok", "users"), ChatAssertions.keys(alone));
        assertEquals(List.of("alice"), strings(alone.get("users")));
        assertOk(bob.join("general"));
        JsonNode both = assertOk(bob.call("presence:list", json("room", "general")));
        assertEquals(2, both.get("users").size(), both.toString());
        assertEquals(Set.of("alice", "bob"), new HashSet<>(strings(both.get("users"))));

        assertOk(alice1.call("room:leave", json("room", "general")));
        assertEquals(
                Set.of("alice", "bob"),
                new HashSet<>(strings(assertOk(bob.call("presence:list", json("room", "general")))
                        .get("users"))),
                "alice is still there with her other socket");
        assertOk(alice2.call("room:leave", json("room", "general")));
        assertEquals(
                List.of("bob"),
                strings(assertOk(bob.call("presence:list", json("room", "general")))
                        .get("users")));
        assertError(bob.call("presence:list", json("room", "")), "bad_request");
    }

    @Test
    void aSocketIdIsNoRoomName() {
        String tenant = tenant("alice", "mallory");
        Map<String, String> tokens = new HashMap<>();
        ChatClient alice = connect(tenant, "alice", tokens);
        ChatClient mallory = connect(tenant, "mallory", tokens);
        String aliceSocket = alice.socket().id();
        String mallorySocket = mallory.socket().id();
        alice.awaitEvent("user:online");
        int seen = alice.events().size();

        // every socket is in the room named by its id: joining another's would receive what is sent to it alone
        assertError(mallory.join(aliceSocket), "forbidden");
        for (String room : List.of(aliceSocket, mallorySocket)) {
            assertError(mallory.call("message:send", send(room, "to a socket")), "forbidden");
            assertError(mallory.call("typing", json("room", room)), "forbidden");
            assertError(mallory.call("history:fetch", json("room", room)), "forbidden");
            assertError(mallory.call("presence:list", json("room", room)), "forbidden");
            assertError(mallory.call("search", json("q", "socket", "room", room)), "forbidden");
        }
        alice.sync();
        assertEquals(
                List.of(), alice.events().subList(seen, alice.events().size()), "nothing reached alice's socket room");
        assertEquals(
                0, assertOk(mallory.call("rooms:list", json())).get("rooms").size());
        // no room at all: this server's socket ids have a form no room name has
        HttpResponse<String> history = server.call(
                "GET",
                "/api/tenants/" + tenant + "/rooms/" + URLEncoder.encode(mallorySocket, StandardCharsets.UTF_8)
                        + "/messages",
                null,
                tokens.get("mallory"));
        TestTenants.expect(404, history);
        assertTrue(history.body().contains("unknown room"), history.body());
    }

    @Test
    void typingReachesTheOthersInTheRoomButNotTheTypist() {
        String tenant = tenant("alice", "bob", "carol");
        Map<String, String> tokens = new HashMap<>();
        ChatClient alice = connect(tenant, "alice", tokens);
        ChatClient bob = connect(tenant, "bob", tokens);
        ChatClient carol = connect(tenant, "carol", tokens);
        assertOk(alice.join("general"));
        assertOk(bob.join("general"));
        assertOk(carol.join("elsewhere"));

        alice.emit("typing", json("room", "general"));
        assertEquals(json("room", "general", "user", "alice"), bob.awaitEvent("typing"));
        alice.sync();
        carol.sync();
        assertEquals(List.of(), alice.received("typing"), "the typist gets no typing event");
        assertEquals(List.of(), carol.received("typing"), "nor does a socket outside the room");
    }

    @Test
    void onlineAndOfflineGoToTheOthersAndOfflineOnlyWhenTheLastSocketLeaves() {
        String tenant = tenant("alice", "bob");
        Map<String, String> tokens = new HashMap<>();
        ChatClient bob = connect(tenant, "bob", tokens);
        ChatClient alice1 = connect(tenant, "alice", tokens);
        assertEquals(
                json("user", "alice"),
                bob.awaitEvent("user:online", e -> e.path("user").asText().equals("alice")));
        alice1.sync();
        assertEquals(
                List.of(),
                alice1.received("user:online").stream()
                        .filter(e -> e.path("user").asText().equals("alice"))
                        .toList(),
                "not to the user's own socket");

        ChatClient alice2 = connect(tenant, "alice", tokens);
        alice1.close();
        TestTenants.awaitSockets(server, tenant, 2);
        bob.sync();
        assertEquals(List.of(), bob.received("user:offline"), "alice still has a socket");

        alice2.close();
        assertEquals(json("user", "alice"), bob.awaitEvent("user:offline"));
        TestTenants.awaitSockets(server, tenant, 1);
        bob.sync();
        assertEquals(1, bob.received("user:offline").size(), bob.events().toString());
    }

    @Test
    void roomJoinedAndLeftGoToTheRoomExceptTheSocketConcerned() {
        String tenant = tenant("alice", "bob");
        Map<String, String> tokens = new HashMap<>();
        ChatClient bob = connect(tenant, "bob", tokens);
        ChatClient alice = connect(tenant, "alice", tokens);
        assertOk(bob.join("general"));

        assertOk(alice.join("general"));
        assertEquals(json("room", "general", "user", "alice"), bob.awaitEvent("room:joined"));
        assertOk(alice.call("room:leave", json("room", "general")));
        assertEquals(json("room", "general", "user", "alice"), bob.awaitEvent("room:left"));
        alice.sync();
        bob.sync();
        assertEquals(List.of(), alice.received("room:joined"));
        assertEquals(List.of(), alice.received("room:left"));
        assertEquals(1, bob.received("room:joined").size());
        assertEquals(1, bob.received("room:left").size());
    }

    // --- validation and malformed payloads --------------------------------------------------------------------------

    @Test
    void validationComesBeforePermission() {
        String tenant = tenant("alice");
        Map<String, String> tokens = new HashMap<>();
        ChatClient alice = connect(tenant, "alice", tokens);
        String tooLong = "x".repeat(4001);
        // not a member of any room
        assertError(alice.call("message:send", send("not a room!", "hi")), "bad_request");
        assertError(alice.call("message:send", send("r".repeat(65), "hi")), "bad_request");
        assertError(alice.call("message:send", send("", "hi")), "bad_request");
        assertError(alice.call("message:send", send("general", "")), "bad_request");
        assertError(alice.call("message:send", send("general", tooLong)), "too_large", "bad_request");
        assertError(alice.call("message:send", json("room", "general")), "bad_request");
        assertError(alice.call("message:send", json("room", "general", "text", 5)), "bad_request");
        assertError(alice.call("message:send", json("room", 7, "text", "hi")), "bad_request");
        assertError(alice.call("message:send", send("general", "hi")), "forbidden");
        assertError(alice.call("message:send", send("r".repeat(64), "hi")), "forbidden");
        assertError(alice.call("typing", json("room", "general")), "forbidden");

        for (String bad : List.of("", "a b", "x/y", "r".repeat(65), "é")) {
            assertError(alice.call("room:join", json("room", bad)), "bad_request");
        }
        assertError(alice.call("room:join", json("room", "general", "since", -1)), "bad_request");
        assertError(alice.call("room:join", json("room", "general", "since", "3")), "bad_request");
        assertEquals(
                List.of(),
                strings(assertOk(alice.call("rooms:list", json())).get("rooms")),
                "refused joins join nothing");

        assertOk(alice.join("r".repeat(64)));
        assertOk(alice.join("Room-1_b.c"));
        assertOk(alice.join("general"));
        assertError(alice.call("message:send", send("general", tooLong)), "too_large", "bad_request");
        assertError(alice.call("message:send", send("general", "")), "bad_request");
        String longest = "y".repeat(4000);
        assertEquals(longest, alice.send("general", longest).get("text").asText());
        // characters, not UTF-16 units: 4000 emoji fit, 4001 do not
        String emoji = "\ud83d\ude00".repeat(4000);
        assertEquals(emoji, alice.send("general", emoji).get("text").asText());
        assertError(alice.call("message:send", send("general", emoji + "\ud83d\ude00")), "too_large", "bad_request");
        assertEquals(
                2,
                TestTenants.fullHistory(server, tenant, "general", tokens.get("alice"))
                        .size(),
                "refused sends store nothing");
    }

    @Test
    void malformedPayloadsGetBadRequestAndNeverDisconnectAnyone() {
        String tenant = tenant("alice", "bob");
        Map<String, String> tokens = new HashMap<>();
        ChatClient alice = connect(tenant, "alice", tokens);
        ChatClient bob = connect(tenant, "bob", tokens);
        assertOk(alice.join("general"));
        assertOk(bob.join("general"));

        List<Object> notObjects = List.of(
                "just text",
                42,
                true,
                ChatClient.fromClient(new org.json.JSONArray()),
                com.fasterxml.jackson.databind.node.NullNode.getInstance());
        for (String event :
                List.of("message:send", "room:join", "room:leave", "history:fetch", "presence:list", "typing")) {
            for (Object payload : notObjects) {
                assertError(alice.call(event, payload), "bad_request");
            }
            List<JsonNode> noArgs = await(alice.emitWithAck(event), "ack of " + event + " without payload");
            assertEquals(1, noArgs.size(), noArgs.toString());
            assertError(noArgs.getFirst(), "bad_request");
        }
        assertError(alice.call("rooms:list", "just text"), "bad_request");
        assertError(alice.call("message:send", json("room", "general", "text", "hi", "clientId", 12)), "bad_request");
        assertError(alice.call("message:send", json("room", "general", "text", "hi", "clientId", "")), "bad_request");
        assertError(alice.call("message:send", json("room", json("nested", true), "text", "hi")), "bad_request");
        assertError(alice.call("room:join", json("room", "general", "since", 1.5)), "bad_request");
        // without an ack: dropped
        alice.emit("message:send", "garbage");
        alice.emit("message:send", json("room", 1));
        alice.emit("room:join");
        alice.emit("history:fetch", json("room", "general", "limit", "all"));

        assertTrue(alice.connected() && bob.connected());
        JsonNode message = alice.send("general", "still here");
        assertEquals(message, bob.awaitEvent("message"));
        assertEquals(1, message.get("seq").asLong(), "no malformed send stored anything");
        assertTrue(alice.connected() && bob.connected());
        assertFalse(alice.disconnected().isDone() || bob.disconnected().isDone());
    }

    @Test
    void anUnknownEventWithAnAckIsNotFound() {
        String tenant = tenant("alice");
        ChatClient alice = connect(tenant, server.login(tenant, "alice"));
        assertError(alice.call("no:such:event", json("room", "general")), "not_found");
        assertError(alice.call("message", json()), "not_found");
        alice.emit("no:such:event", json());
        alice.sync();
        assertTrue(alice.connected());
    }

    @Test
    void markupAndUnicodeRoundTripByteExactAndTimestampsAreUtc() {
        String tenant = tenant("alice", "bob");
        Map<String, String> tokens = new HashMap<>();
        ChatClient alice = connect(tenant, "alice", tokens);
        ChatClient bob = connect(tenant, "bob", tokens);
        assertOk(alice.join("general"));
        assertOk(bob.join("general"));
        List<String> texts = List.of(
                "<img src=x onerror=alert(1)>",
                "</script><script>alert(\"x\")</script> & &amp; 'single' \\ back\\slash",
                "ünïcødé — 日本語 — emoji \uD83D\uDE00 — line\nbreak\ttab \u2028",
                // from U+E000 up, followed by more text: an emoji's variation selector, full-width punctuation
                // (Jackson 2.18.1 wrote these merged with the next character)
                "\u2764\uFE0F love — 你好，世界 — \uFF23\uFF29\uFF24 — \uFEFFx \uFFFDx \uE000x");
        List<JsonNode> sent = new ArrayList<>();
        for (String text : texts) {
            JsonNode message = alice.send("general", text);
            assertMessage(message, "general", "alice", text);
            assertEquals(message, bob.awaitEvent("message", m -> m.get("id").equals(message.get("id"))));
            sent.add(message);
        }
        List<JsonNode> history = TestTenants.fullHistory(server, tenant, "general", tokens.get("alice"));
        assertEquals(sent, history);
        for (JsonNode message : history) {
            assertTs(message.get("ts"));
        }
        JsonNode fetched = assertOk(alice.call("history:fetch", json("room", "general")));
        assertEquals(texts, fetched.get("messages").findValuesAsText("text"));
    }

    @Test
    void tenantsShareNoRoomsNoEventsAndNoHistory() {
        String acme = tenant("alice", "bob");
        String globex = tenant("alice", "bob");
        Map<String, String> acmeTokens = new HashMap<>();
        Map<String, String> globexTokens = new HashMap<>();
        ChatClient acmeAlice = connect(acme, "alice", acmeTokens);
        ChatClient acmeBob = connect(acme, "bob", acmeTokens);
        ChatClient globexBob = connect(globex, "bob", globexTokens);
        assertOk(acmeAlice.join("general"));
        assertOk(acmeBob.join("general"));
        JsonNode globexJoin = assertOk(globexBob.join("general"));
        assertEquals(List.of("bob"), strings(globexJoin.get("members")));

        JsonNode message = acmeAlice.send("general", "acme only");
        assertEquals(message, acmeBob.awaitEvent("message"));
        acmeAlice.emit("typing", json("room", "general"));
        acmeBob.awaitEvent("typing");
        globexBob.sync();
        assertEquals(
                List.of(),
                globexBob.events().stream().map(ChatClient.Event::name).toList(),
                "nothing emitted in another namespace reaches this one");
        assertEquals(
                List.of("bob"),
                strings(assertOk(globexBob.call("presence:list", json("room", "general")))
                        .get("users")));
        assertTrue(assertOk(globexBob.call("history:fetch", json("room", "general")))
                .get("messages")
                .isEmpty());
        assertTrue(TestTenants.historyPage(server, globex, "general", globexTokens.get("bob"), null, null)
                .get("messages")
                .isEmpty());
        assertEquals(1, globexBob.send("general", "globex's first").get("seq").asLong(), "seq is per tenant");
        assertEquals(
                401,
                server.call(
                                "GET",
                                TestTenants.historyPath(globex, "general", null, null),
                                null,
                                acmeTokens.get("alice"))
                        .statusCode(),
                "a token opens its own tenant only");
    }

    private static List<JsonNode> toList(JsonNode array) {
        List<JsonNode> list = new ArrayList<>();
        array.forEach(list::add);
        return list;
    }

    private static JsonNode toJsonArray(List<JsonNode> nodes) {
        var array = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        nodes.forEach(array::add);
        return array;
    }
}
