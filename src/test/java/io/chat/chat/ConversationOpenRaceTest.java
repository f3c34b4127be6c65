package io.chat.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chat.platform.ChatClient;
import io.chat.tenant.LoginResult;
import io.chat.tenant.Tenant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Review finding: {@code dm:open} checks that the other users exist with a read, and stores the conversation with a
 * later write that does not check again. A user deleted in between is stored as a member; a user made again with that
 * name is then a member of it (the contract: "A user created again with that name is none of its members").
 */
class ConversationOpenRaceTest {
    @Test
    void aUserDeletedWhileDmOpenIsUnderWayIsNoMemberOfIt() throws Exception {
        try (ChatFixture fixture = new ChatFixture()) {
            Tenant tenant = fixture.passwordTenant("dmrace");
            tenant.createUser("alice", "correct horse battery", Optional.empty());
            tenant.createUser("bob", "correct horse battery", Optional.empty());
            String aliceToken =
                    ((LoginResult.Success) tenant.login("alice", "correct horse battery", "127.0.0.1")).token();
            try (ChatClient alice = ChatClient.connect(fixture.url(), "/dmrace", aliceToken)) {
                alice.sync();
                Thread.sleep(300); // the store's own reads (its search index) done
                fixture.captureReads();
                CompletableFuture<JsonNode> opened = alice.request("dm:open", ChatClient.json("users", List.of("bob")));
                // the two reads of dm:open: the stored members, then bob's record
                List<Runnable> captured = fixture.capturedReads(2);
                assertEquals(2, captured.size(), "dm:open's two reads");
                captured.get(1).run(); // bob exists
                assertTrue(tenant.deleteUser("bob")); // the admin deletes bob meanwhile
                captured.get(0).run(); // no conversation stored: dm:open goes on and writes
                JsonNode ack = opened.get(10, TimeUnit.SECONDS);
                String room = ack.path("room").asText();
                // bob is deleted: the open should fail ("no such user"), or at least bob must be no member
                tenant.createUser("bob", "another person entirely", Optional.empty());
                List<String> members = tenant.store()
                        .conversationMembers(room.isEmpty() ? Conversations.id(List.of("alice", "bob")) : room)
                        .get(10, TimeUnit.SECONDS);
                assertTrue(
                        !members.contains("bob"),
                        "the new bob, another person, is a member of alice's conversation with the deleted bob: "
                                + members + " (ack " + ack + ")");
                assertEquals("not_found", ack.path("error").path("code").asText(), "bob was deleted: " + ack);
            }
        }
    }
}
