package io.chat.platform;

import static io.chat.platform.ChatAssertions.assertOk;
import static io.chat.platform.ChatClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chat.testing.ChildPlatform;
import io.socket.client.IO;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A membership, topic or conversation (dm:open) change acknowledged is there after {@code kill -9} (H2 holds committed changes in memory up to
 * its write delay, 500 ms: the store checkpoints a batch with such a change before it completes it). The server is
 * killed right after the last acknowledgement.
 */
class MembershipCrashTest {
    private static final String TENANT = "crashrooms";

    @Test
    void acknowledgedJoinsLeavesAndTopicsSurviveKill9() throws Exception {
        Path dir = Files.createTempDirectory("membership-crash");
        Path tenants = Files.createDirectories(dir.resolve("tenants"));
        ChildPlatform child = ChildPlatform.start(
                tenants, dir.resolve("first.log"), PlatformServer.ADMIN_USER, PlatformServer.ADMIN_PASSWORD);
        String token;
        String conversation;
        try {
            expect(
                    201,
                    child.admin(
                            "POST", "/admin/tenants", "{\"id\":\"" + TENANT + "\",\"auth\":{\"type\":\"password\"}}"));
            for (String user : List.of("alice", "bob")) {
                expect(
                        201,
                        child.admin(
                                "POST",
                                "/admin/tenants/" + TENANT + "/users",
                                "{\"username\":\"" + user + "\",\"password\":\"" + PlatformServer.password(user)
                                        + "\"}"));
            }
            token = login(child);
            try (ChatClient alice = following(child, token)) {
                for (String room : List.of("a", "b", "c")) {
                    assertOk(alice.join(room));
                }
                assertOk(alice.call("room:leave", json("room", "b")));
                assertOk(alice.call("room:topic", json("room", "c", "topic", "kept")));
                conversation = assertOk(alice.call("dm:open", json("users", List.of("bob"))))
                        .get("room")
                        .asText();
                assertTrue(child.kill(), "the child did not die"); // at once: within H2's write delay
            }
        } finally {
            child.kill();
        }

        ChildPlatform again = ChildPlatform.start(
                tenants, dir.resolve("second.log"), PlatformServer.ADMIN_USER, PlatformServer.ADMIN_PASSWORD);
        try (ChatClient alice = following(again, token)) {
            JsonNode rooms = alice.awaitEvent("rooms:mine").get("rooms");
            List<String> names = new ArrayList<>();
            rooms.forEach(room -> names.add(room.get("name").asText()));
            assertEquals(List.of(conversation, "a", "c"), names, "a conversation's name sorts first");
            assertEquals(
                    List.of("alice", "bob"), ChatClient.strings(rooms.get(0).get("members")));
            assertEquals("kept", rooms.get(2).get("topic").get("text").asText());
        } finally {
            again.kill();
        }
    }

    private static ChatClient following(ChildPlatform child, String token) {
        IO.Options options = ChatClient.options(token);
        options.auth = Map.of("token", token, "rooms", "remembered");
        ChatClient client = ChatClient.open(child.url(), "/" + TENANT, options);
        client.awaitConnected();
        return client;
    }

    private static String login(ChildPlatform child) {
        HttpResponse<String> response = child.call(
                "POST",
                "/api/tenants/" + TENANT + "/sessions",
                "{\"username\":\"alice\",\"password\":\"" + PlatformServer.password("alice") + "\"}",
                null);
        expect(201, response);
        return PlatformServer.json(response.body()).get("token").asText();
    }

    private static void expect(int status, HttpResponse<String> response) {
        TestTenants.expect(status, response);
    }
}
