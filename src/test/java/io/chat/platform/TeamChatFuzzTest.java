package io.chat.platform;

import static io.chat.platform.ChatAssertions.assertOk;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chat.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Review: every team-chat event, malformed payloads: a short fixed failure ack each, never silence or exception text. */
@PlatformTest
class TeamChatFuzzTest {
    private static PlatformServer server;

    @RegisterExtension
    final ChatFixture chat = ChatFixture.on(server, "fz");

    private static final List<String> EVENTS = List.of(
            "room:read",
            "message:edit",
            "message:delete",
            "reaction:toggle",
            "search",
            "dm:open",
            "users:list",
            "users:get",
            "rooms:mine",
            "rooms:directory",
            "room:topic",
            "room:join",
            "history:fetch");

    private static final List<String> PAYLOADS = List.of(
            "null",
            "5",
            "\"general\"",
            "[]",
            "{}",
            "true",
            "{\"room\":5}",
            "{\"room\":null}",
            "{\"room\":[\"general\"]}",
            "{\"room\":{\"a\":1}}",
            "{\"room\":\"general\",\"seq\":-1}",
            "{\"room\":\"general\",\"seq\":0}",
            "{\"room\":\"general\",\"seq\":1e300}",
            "{\"room\":\"general\",\"seq\":\"1\"}",
            "{\"room\":\"general\",\"seq\":99999999999999999999999}",
            "{\"room\":\"general\",\"seq\":9223372036854775807}",
            "{\"room\":\"general\",\"seq\":1,\"text\":null}",
            "{\"room\":\"general\",\"seq\":1,\"text\":\"\\ud800\"}",
            "{\"room\":\"general\",\"seq\":1,\"emoji\":\"\\ud83d\"}",
            "{\"room\":\"general\",\"seq\":1,\"emoji\":\"\\u202e👍\"}",
            "{\"room\":\"general\",\"seq\":1,\"emoji\":\"👍\",\"clientId\":5}",
            "{\"room\":\"general\",\"topic\":\"\\u0000\"}",
            "{\"room\":\"general\",\"topic\":5}",
            "{\"q\":5}",
            "{\"q\":\"\"}",
            "{\"q\":\"\\u0000\"}",
            "{\"q\":\"\\ud800\"}",
            "{\"q\":\"hi\\ud800\"}",
            "{\"q\":\"" + "a ".repeat(99) + "\"}",
            "{\"q\":\"" + "x".repeat(5000) + "\"}",
            "{\"q\":\"\\\"" + "a b c d e f g h i".repeat(1) + "\\\"\"}",
            "{\"q\":\"-a\"}",
            "{\"q\":\"a\",\"limit\":0}",
            "{\"q\":\"a\",\"limit\":1e10}",
            "{\"q\":\"a\",\"before\":\"!!!\"}",
            "{\"q\":\"a\",\"before\":\"OjE6QA\"}",
            "{\"q\":\"a\",\"before\":\"LTk5OTk5OTk5OTk5OTk5OTk5OjE6Z2VuZXJhbA\"}",
            "{\"q\":\"a\",\"before\":\"OTIyMzM3MjAzNjg1NDc3NTgwNzo1OmdlbmVyYWw\"}",
            "{\"q\":\"a\",\"room\":\"@aaaaaaaaaaaaaaaaaaaaaaaaaa\"}",
            "{\"q\":\"a\",\"from\":\"\\u202e\"}",
            "{\"q\":\"a*\"}",
            "{\"q\":\"title:a\"}",
            "{\"q\":\"a~2\"}",
            "{\"q\":\"(a OR b)\"}",
            "{\"q\":\"\\\\\"}",
            "{\"users\":null}",
            "{\"users\":[null]}",
            "{\"users\":[\"Bob\"]}",
            "{\"users\":\"bob\"}",
            "{\"users\":[\"bob\",\"bob\",\"bob\",\"bob\",\"bob\",\"bob\",\"bob\",\"bob\",\"bob\"]}",
            "{\"users\":[{\"a\":1}]}",
            "{\"users\":[\"fzuser\"]}",
            "{\"after\":5}",
            "{\"after\":\"\\u202e\"}",
            "{\"q\":\"A\"}",
            "{\"name\":\"\\u202e\"}",
            "{\"name\":\"" + "n".repeat(500) + "\"}",
            "{\"name\":5}",
            "{\"limit\":-1}",
            "{\"limit\":\"5\"}",
            "{\"limit\":101}",
            "{\"limit\":1.5}",
            "{\"room\":\"general\",\"since\":-5}",
            "{\"room\":\"general\",\"before\":-5}",
            "{\"room\":\"general\",\"before\":1e400}");

    private static final Set<String> CODES =
            Set.of("bad_request", "not_found", "forbidden", "too_large", "rate_limited", "unavailable");

    @Test
    void everyMalformedPayloadGetsAFixedFailureAck() throws Exception {
        String tenant = chat.tenant(
                "{\"eventsPerSecond\":10000,\"eventBurst\":10000,"
                        + "\"messagesPerSecond\":10000,\"messageBurst\":10000}",
                "alice",
                "bob");
        ChatClient alice = chat.followingUser(tenant, "alice");
        assertOk(alice.join("general"));
        alice.send("general", "hello a b");
        List<String> problems = new ArrayList<>();
        for (String event : EVENTS) {
            for (String payload : PAYLOADS) {
                JsonNode node = Json.mapper().readTree(payload);
                CompletableFuture<List<JsonNode>> ack = alice.emitWithAck(event, node);
                List<JsonNode> args;
                try {
                    args = ack.get(5, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    problems.add(event + " " + payload + ": no ack");
                    continue;
                }
                JsonNode body = args.isEmpty() ? null : args.getFirst();
                if (body == null || !body.has("ok")) {
                    problems.add(event + " " + payload + ": " + args);
                    continue;
                }
                if (!body.get("ok").asBoolean()) {
                    String code = body.path("error").path("code").asText();
                    String message = body.path("error").path("message").asText();
                    if (!CODES.contains(code)
                            || message.length() > 60
                            || message.contains("Exception")
                            || message.contains("java")
                            || code.equals("unavailable")) {
                        problems.add(event + " " + payload + ": " + body);
                    }
                }
            }
            // one trailing no-payload and two-args call
            List<JsonNode> none = alice.emitWithAck(event).get(5, TimeUnit.SECONDS);
            if (none.isEmpty()) {
                problems.add(event + " (no args): " + none);
            }
        }
        assertTrue(alice.connected(), "still connected");
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }
}
