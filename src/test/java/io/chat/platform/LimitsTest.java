package io.chat.platform;

import static io.chat.platform.ChatAssertions.assertError;
import static io.chat.platform.ChatAssertions.assertOk;
import static io.chat.platform.ChatClient.await;
import static io.chat.platform.ChatClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A tenant's limits: message rate per user and per tenant, rooms per socket, sockets per tenant. */
@PlatformTest
class LimitsTest {
    private static PlatformServer server;
    private final List<ChatClient> clients = new ArrayList<>();

    @AfterEach
    void closeClients() {
        clients.forEach(ChatClient::close);
    }

    private ChatClient connect(String tenant, String token) {
        ChatClient client = ChatClient.connect(server.url(), "/" + tenant, token);
        clients.add(client);
        return client;
    }

    @Test
    void theMessageAfterTheBurstIsRateLimitedAndNotStored() {
        String tenant = TestTenants.newId("lim-rate");
        TestTenants.passwordTenant(server, tenant, "{\"messagesPerSecond\":1,\"messageBurst\":3}", "alice", "bob");
        String aliceToken = server.login(tenant, "alice");
        ChatClient alice1 = connect(tenant, aliceToken);
        ChatClient alice2 = connect(tenant, aliceToken);
        ChatClient bob = connect(tenant, server.login(tenant, "bob"));
        assertOk(alice1.join("general"));
        assertOk(alice2.join("general"));
        assertOk(bob.join("general"));

        List<CompletableFuture<JsonNode>> acks = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            acks.add(
                    alice1.request("message:send", json("room", "general", "text", "quick " + i, "clientId", "q" + i)));
        }
        List<JsonNode> stored = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            stored.add(assertOk(await(acks.get(i), "ack")).get("message"));
        }
        assertError(await(acks.get(3), "ack"), "rate_limited");
        assertError(alice2.call("message:send", json("room", "general", "text", "other socket")), "rate_limited");
        JsonNode bobs = bob.send("general", "bob has his own bucket");

        stored.add(bobs);
        assertEquals(
                stored,
                TestTenants.fullHistory(server, tenant, "general", aliceToken),
                "rate-limited sends store nothing");
        bob.sync();
        assertEquals(stored.subList(0, 3), bob.received("message"));
    }

    @Test
    void theTenantWideLimitRefusesTheExcessOfManyUsersEachUnderItsOwnLimit() {
        // each user may send 3 at once, the tenant 5: four users sending 2 each stay under their own limits,
        // so every refusal below comes from the tenant's bucket
        String limits = "{\"messagesPerSecond\":1,\"messageBurst\":3,\"tenantMessagesPerSecond\":1,"
                + "\"tenantMessageBurst\":5}";
        String tenant = TestTenants.newId("lim-tenant");
        String other = TestTenants.newId("lim-other");
        List<String> users = List.of("ann", "ben", "cid", "dee");
        TestTenants.passwordTenant(server, tenant, limits, users.toArray(String[]::new));
        TestTenants.passwordTenant(server, other, limits, "olga");
        assertEquals(1, TestTenants.figure(server, tenant, "tenantMessagesPerSecond"), "the admin API shows it");
        assertEquals(5, TestTenants.figure(server, tenant, "tenantMessageBurst"));
        List<ChatClient> senders = new ArrayList<>();
        for (String user : users) {
            ChatClient client = connect(tenant, server.login(tenant, user));
            assertOk(client.join("general"));
            senders.add(client);
        }
        ChatClient olga = connect(other, server.login(other, "olga"));
        assertOk(olga.join("general"));

        List<JsonNode> stored = new ArrayList<>();
        int refused = 0;
        for (int round = 1; round <= 2; round++) {
            for (int u = 0; u < senders.size(); u++) {
                JsonNode ack = senders.get(u)
                        .call("message:send", json("room", "general", "text", users.get(u) + " " + round));
                if (stored.size() < 5) {
                    stored.add(assertOk(ack).get("message"));
                } else {
                    assertError(ack, "rate_limited");
                    assertEquals("slow down", ack.get("error").get("message").asText());
                    refused++;
                }
            }
        }
        assertEquals(3, refused, "8 sends against a tenant burst of 5");
        assertEquals(
                stored,
                TestTenants.fullHistory(server, tenant, "general", server.login(tenant, "ann")),
                "refused sends store nothing");

        for (int i = 1; i <= 3; i++) {
            olga.send("general", "another tenant has its own bucket " + i);
        }
    }

    @Test
    void aTenantFileWrittenBeforeTheTenantWideLimitGetsItsDefaults() throws Exception {
        Path tenants = Files.createTempDirectory("tenants");
        Path dir = Files.createDirectories(tenants.resolve("older"));
        Files.writeString(dir.resolve("tenant.json"), """
                {"id":"older","displayName":"older","limits":{"messagesPerSecond":20,"messageBurst":100,
                 "roomsPerSocket":100,"socketsPerTenant":10000,"loginFailuresPerMinute":10},
                 "suspended":false,"createdAt":"2026-01-01T00:00:00Z","auth":{"type":"password"}}""");
        try (PlatformServer restarted = PlatformServer.start(tenants)) {
            assertEquals(2000, TestTenants.figure(restarted, "older", "tenantMessagesPerSecond"));
            assertEquals(4000, TestTenants.figure(restarted, "older", "tenantMessageBurst"));
            assertEquals(50, TestTenants.figure(restarted, "older", "eventsPerSecond"));
            assertEquals(200, TestTenants.figure(restarted, "older", "eventBurst"));
            assertEquals(50, TestTenants.figure(restarted, "older", "socketsPerUser"));
        }
    }

    @Test
    void eventsPastTheUsersEventBurstAreRateLimitedOnEverySocketOfTheUser() {
        String tenant = TestTenants.newId("lim-events");
        TestTenants.passwordTenant(server, tenant, "{\"eventsPerSecond\":1,\"eventBurst\":4}", "alice", "bob");
        assertEquals(1, TestTenants.figure(server, tenant, "eventsPerSecond"), "the admin API shows it");
        assertEquals(4, TestTenants.figure(server, tenant, "eventBurst"));
        String aliceToken = server.login(tenant, "alice");
        ChatClient alice = connect(tenant, aliceToken);
        ChatClient aliceAgain = connect(tenant, aliceToken);
        ChatClient bob = connect(tenant, server.login(tenant, "bob"));
        assertOk(bob.join("general"));

        // a burst of 4 for alice, all her sockets together
        assertOk(alice.join("general"));
        assertOk(alice.call("history:fetch", json("room", "general")));
        assertOk(aliceAgain.call("presence:list", json("room", "general")));
        assertOk(aliceAgain.call("rooms:list", json()));
        JsonNode refused = alice.call("room:join", json("room", "other"));
        assertError(refused, "rate_limited");
        assertEquals("slow down", refused.get("error").get("message").asText());
        for (String event : List.of("history:fetch", "presence:list", "room:leave", "typing")) {
            assertError(aliceAgain.call(event, json("room", "general")), "rate_limited");
        }
        assertError(alice.call("rooms:list", json()), "rate_limited");
        alice.emit("typing", json("room", "general")); // no ack asked: dropped without a word
        assertEquals(
                1,
                alice.send("general", "messages have their own bucket")
                        .get("seq")
                        .asLong());
        bob.awaitEvent("message"); // sent after the typing, on the same connection: a typing would be here first
        assertEquals(List.of(), bob.received("typing"), "typing over the limit reached nobody");
        assertEquals(
                List.of("alice", "bob"),
                ChatClient.strings(assertOk(bob.call("presence:list", json("room", "general")))
                        .get("users")),
                "bob has his own bucket");
        assertEquals(1, TestTenants.figure(server, tenant, "rooms"), "the refused join joined nothing");

        TestTenants.sleep(1_100); // a token comes back each second
        assertOk(alice.call("presence:list", json("room", "general")));
    }

    @Test
    void restHistoryReadsTakeFromTheUsersEventBucketAsSocketEventsDo() {
        String tenant = TestTenants.newId("lim-rest");
        TestTenants.passwordTenant(server, tenant, "{\"eventsPerSecond\":1,\"eventBurst\":3}", "alice", "bob");
        String aliceToken = server.login(tenant, "alice");
        String history = "/api/tenants/" + tenant + "/rooms/general/messages";
        for (int i = 0; i < 3; i++) {
            assertEquals(200, server.call("GET", history, null, aliceToken).statusCode());
        }
        var refused = server.call("GET", history, null, aliceToken);
        assertEquals(429, refused.statusCode(), refused.body());
        assertEquals("1", refused.headers().firstValue("Retry-After").orElse(""));
        JsonNode error = PlatformServer.json(refused.body()).get("error");
        assertEquals("rate_limited", error.get("code").asText(), refused.body());
        assertEquals("slow down", error.get("message").asText(), refused.body());
        assertEquals(
                429,
                server.call("GET", "/api/tenants/" + tenant + "/rooms/no%20room/messages", null, aliceToken)
                        .statusCode(),
                "the limit comes before validation, as for a socket's event");
        assertEquals(401, server.call("GET", history, null, "not-a-token").statusCode(), "authentication comes first");

        // one bucket for the user's sockets and REST calls together; bob has his own
        ChatClient alice = connect(tenant, aliceToken);
        assertError(alice.call("rooms:list", json()), "rate_limited");
        String bobToken = server.login(tenant, "bob");
        assertEquals(200, server.call("GET", history, null, bobToken).statusCode());

        TestTenants.sleep(1_100); // a token comes back each second
        assertEquals(200, server.call("GET", history, null, aliceToken).statusCode());
    }

    @Test
    void theDefaultEventBurstLetsASocketRejoinAHundredRoomsAtOnce() {
        String tenant = TestTenants.newId("lim-rejoin");
        TestTenants.passwordTenant(server, tenant, null, "alice");
        ChatClient alice = connect(tenant, server.login(tenant, "alice"));
        List<CompletableFuture<JsonNode>> joins = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            joins.add(alice.request("room:join", json("room", "room-" + i, "since", 0)));
        }
        joins.add(alice.request("rooms:list", json()));
        for (CompletableFuture<JsonNode> join : joins) {
            assertOk(await(join, "ack"));
        }
    }

    @Test
    void aConnectPastSocketsPerUserIsRefusedAndOtherUsersStillConnect() {
        String tenant = TestTenants.newId("lim-user-sockets");
        TestTenants.passwordTenant(server, tenant, "{\"socketsPerUser\":2}", "alice", "bob");
        assertEquals(2, TestTenants.figure(server, tenant, "socketsPerUser"), "the admin API shows it");
        String alice = server.login(tenant, "alice");
        ChatClient first = connect(tenant, alice);
        connect(tenant, server.login(tenant, "alice")); // another session of the same user counts too
        assertEquals("too many connections", ChatClient.connectError(server.url(), "/" + tenant, alice));
        connect(tenant, server.login(tenant, "bob")).sync();
        connect(tenant, server.login(tenant, "bob")).sync();
        assertEquals(4, TestTenants.figure(server, tenant, "sockets"));

        first.close();
        TestTenants.awaitSockets(server, tenant, 3);
        connect(tenant, alice).sync();
    }

    @Test
    void connectsOfOneUserPastTheirBurstWaitAndOtherUsersStillConnect() {
        String tenant = TestTenants.newId("lim-connects");
        TestTenants.passwordTenant(server, tenant, "{\"socketsPerUser\":2}", "alice", "bob");
        String alice = server.login(tenant, "alice");
        int burst = 2 + 50; // socketsPerUser and the spare
        int connected = 0;
        JsonNode refusal = null;
        // one socket at a time, as a reconnect loop makes them: each CONNECT would tell the tenant alice came online
        for (int i = 0; i < burst + 20 && refusal == null; i++) {
            try (ChatClient client = ChatClient.open(server.url(), "/" + tenant, ChatClient.options(alice))) {
                try {
                    client.awaitConnected();
                    connected++;
                } catch (AssertionError refused) {
                    refusal = client.awaitConnectErrorBody();
                }
            }
        }
        assertTrue(connected >= burst, "the burst connects: " + connected);
        assertNotNull(refusal, "a loop past the burst is refused");
        assertEquals("unavailable", refusal.get("message").asText(), refusal.toString());
        assertEquals("rate_limited", refusal.get("data").get("code").asText());
        assertTrue(refusal.get("data").get("retryAfter").asInt() >= 1);
        connect(tenant, server.login(tenant, "bob")).sync();
    }

    @Test
    void aJoinPastRoomsPerSocketIsTooLarge() {
        String tenant = TestTenants.newId("lim-rooms");
        TestTenants.passwordTenant(server, tenant, "{\"roomsPerSocket\":2}", "alice");
        String token = server.login(tenant, "alice");
        ChatClient alice = connect(tenant, token);
        assertOk(alice.join("one"));
        assertOk(alice.join("two"));
        assertError(alice.join("three"), "too_large");
        assertOk(alice.join("one"));
        assertEquals(
                List.of("alice"),
                ChatClient.strings(assertOk(alice.call("presence:list", json("room", "one")))
                        .get("users")));
        assertEquals(
                List.of(),
                ChatClient.strings(assertOk(alice.call("presence:list", json("room", "three")))
                        .get("users")),
                "the refused join joined nothing");
        assertError(alice.call("message:send", json("room", "three", "text", "hi")), "forbidden");

        ChatClient second = connect(tenant, token);
        assertOk(second.join("three"));
        assertOk(alice.call("room:leave", json("room", "one")));
        assertOk(alice.join("three"));
    }

    @Test
    void aConnectPastSocketsPerTenantIsRefusedWithTenantFull() {
        String tenant = TestTenants.newId("lim-sockets");
        TestTenants.passwordTenant(server, tenant, "{\"socketsPerTenant\":2}", "alice", "bob");
        String alice = server.login(tenant, "alice");
        String bob = server.login(tenant, "bob");
        ChatClient first = connect(tenant, alice);
        connect(tenant, bob);
        assertEquals("tenant full", ChatClient.connectError(server.url(), "/" + tenant, alice));
        assertEquals("tenant full", ChatClient.connectError(server.url(), "/" + tenant, bob));
        assertEquals(2, TestTenants.figure(server, tenant, "sockets"));

        first.close();
        TestTenants.awaitSockets(server, tenant, 1);
        connect(tenant, alice).sync();
    }

    @Test
    void concurrentConnectsOfOneUserNeverExceedSocketsPerUser() {
        assertConcurrentConnectsCapped("lim-user-race", "socketsPerUser", "too many connections");
    }

    @Test
    void concurrentConnectsNeverExceedSocketsPerTenant() {
        assertConcurrentConnectsCapped("lim-race", "socketsPerTenant", "tenant full");
    }

    /** 12 sockets of one user connect at once against a cap of 2: two connect, the others get {@code refusal}. */
    private void assertConcurrentConnectsCapped(String prefix, String limit, String refusal) {
        String tenant = TestTenants.newId(prefix);
        TestTenants.passwordTenant(server, tenant, "{\"" + limit + "\":2}", "alice");
        String token = server.login(tenant, "alice");
        List<ChatClient> attempts = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ChatClient client = ChatClient.open(server.url(), "/" + tenant, ChatClient.options(token));
            clients.add(client);
            attempts.add(client);
        }
        int connected = 0;
        for (ChatClient client : attempts) {
            try {
                client.awaitConnected();
                connected++;
            } catch (AssertionError refused) {
                assertEquals(refusal, client.awaitConnectError());
            }
        }
        assertEquals(2, connected, "sockets connected at once with " + limit + " 2");
        assertEquals(2, TestTenants.figure(server, tenant, "sockets"));
    }
}
