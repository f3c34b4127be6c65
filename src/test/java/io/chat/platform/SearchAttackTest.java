package io.chat.platform;

import static io.chat.platform.ChatAssertions.assertError;
import static io.chat.platform.ChatAssertions.assertOk;
import static io.chat.platform.ChatClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A hostile tenant member's searches (the review's attack, smaller): long messages of one repeated word, then costly
 * phrase searches from six users at once. The unbounded phrase is refused; a user has one search in flight; the
 * tenant's history and logins are served meanwhile (searches take one of its read connections at most).
 */
@PlatformTest
class SearchAttackTest {
    private static final int MESSAGES = Integer.getInteger("search.attack.messages", 500);
    private static final List<String> ATTACKERS = List.of("m0", "m1", "m2", "m3", "m4", "m5");
    /** Never matches the messages (their b's are 98 words apart) yet reads every a of each: the costliest allowed. */
    private static final String COSTLY = "\"a a a a a a b b\"";

    private static PlatformServer server;

    private final List<ChatClient> clients = new ArrayList<>();

    @AfterEach
    void closeClients() {
        clients.forEach(ChatClient::close);
    }

    private ChatClient connect(String tenant, String user) {
        ChatClient client =
                ChatClient.open(server.url(), "/" + tenant, ChatClient.defaultOptions(server.login(tenant, user)));
        clients.add(client);
        client.awaitConnected();
        assertOk(client.join("general"));
        return client;
    }

    @Test
    void costlySearchesLeaveHistoryAndLoginsServed() throws Exception {
        String tenant = TestTenants.newId("sa");
        List<String> users = new ArrayList<>(ATTACKERS);
        users.add("reader");
        TestTenants.passwordTenant(server, tenant, """
                {"messagesPerSecond":5000,"messageBurst":5000,"eventsPerSecond":1000,"eventBurst":1000}""", users.toArray(String[]::new));
        List<ChatClient> attackers =
                ATTACKERS.stream().map(user -> connect(tenant, user)).toList();
        ChatClient reader = connect(tenant, "reader");
        String text = String.join(" b ", Collections.nCopies(20, "a ".repeat(98).strip()));
        for (int sent = 0; sent < MESSAGES; sent += 100) {
            List<CompletableFuture<JsonNode>> acks = new ArrayList<>();
            for (int i = sent; i < Math.min(MESSAGES, sent + 100); i++) {
                acks.add(attackers
                        .get(i % attackers.size())
                        .request("message:send", json("room", "general", "text", text)));
            }
            acks.forEach(ack -> assertOk(ack.join()));
        }
        reader.send("general", "a b a");
        assertOk(reader.call("search", json("q", "b", "limit", 1))); // the index has taken them in

        JsonNode unbounded =
                reader.call("search", json("q", "\"" + "a ".repeat(99).strip() + "\""));
        assertError(unbounded, "bad_request");
        assertEquals(
                "q has a phrase over 8 words",
                unbounded.get("error").get("message").asText());

        // one search in flight per user: a second sent meanwhile is refused
        ChatClient first = attackers.getFirst();
        List<CompletableFuture<JsonNode>> together = List.of(
                first.request("search", json("q", COSTLY)),
                first.request("search", json("q", COSTLY)),
                first.request("search", json("q", COSTLY)));
        List<String> outcomes =
                together.stream().map(ack -> outcome(ack.join())).toList();
        assertTrue(outcomes.contains("rate_limited:slow down"), outcomes.toString());
        assertTrue(outcomes.stream().anyMatch(o -> o.equals("ok") || o.startsWith("unavailable")), outcomes.toString());

        // six users search as fast as they are answered while another reads history and logs in
        AtomicBoolean attacking = new AtomicBoolean(true);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        List<CompletableFuture<Integer>> attacks = attackers.stream()
                .map(attacker -> CompletableFuture.supplyAsync(() -> {
                    int searches = 0;
                    while (attacking.get()) {
                        seen.add(outcome(attacker.call("search", json("q", COSTLY))));
                        searches++;
                    }
                    return searches;
                }))
                .toList();
        List<Long> fetches = new ArrayList<>();
        List<Long> logins = new ArrayList<>();
        try {
            TimeUnit.MILLISECONDS.sleep(300);
            for (int i = 0; i < 10; i++) {
                long start = System.nanoTime();
                JsonNode page = assertOk(reader.call("history:fetch", json("room", "general", "limit", 50)));
                fetches.add((System.nanoTime() - start) / 1_000_000);
                assertEquals(50, page.get("messages").size());
                if (i % 3 == 0) {
                    start = System.nanoTime();
                    server.login(tenant, "reader"); // 201, or it throws
                    logins.add((System.nanoTime() - start) / 1_000_000);
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
        } finally {
            attacking.set(false);
        }
        int searches = attacks.stream().mapToInt(CompletableFuture::join).sum();
        System.out.println("search attack: " + MESSAGES + " messages, " + searches + " searches, outcomes " + seen
                + ", history:fetch ms " + fetches + ", login ms " + logins);
        assertTrue(
                Set.of("ok", "unavailable:search timed out", "unavailable:search unavailable")
                        .containsAll(seen),
                seen.toString());
        assertEquals(List.of("a b a"), SearchEventTest.texts(reader.call("search", json("q", "\"b a\" -\"a a\""))));
    }

    private static String outcome(JsonNode ack) {
        if (ack.path("ok").asBoolean()) {
            return "ok";
        }
        return ack.get("error").get("code").asText() + ":"
                + ack.get("error").get("message").asText();
    }

    private static List<String> texts(JsonNode ack) {
        List<String> texts = new ArrayList<>();
        assertOk(ack)
                .get("results")
                .forEach(result -> texts.add(result.get("text").asText()));
        return texts;
    }
}
