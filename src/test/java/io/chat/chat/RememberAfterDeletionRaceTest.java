package io.chat.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chat.history.CommitObserver;
import io.chat.platform.ChatClient;
import io.chat.tenant.LoginResult;
import io.chat.tenant.Tenant;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Review finding: a following socket's {@code room:join} of a conversation checks membership with a read
 * ({@code whenMember}) and remembers the room with a later write ({@code RoomStore.remember}) that does not check it
 * again. When the admin deletes the user in between (the store's deletion commits before the user's sockets are
 * disconnected), the remembered row is written after the deletion removed the user's rows, and a user made again with
 * that name is put in the conversation at CONNECT ({@code Memberships.restore} trusts the remembered rooms) and reads it.
 */
class RememberAfterDeletionRaceTest {
    private final AtomicBoolean blockNextCommit = new AtomicBoolean();
    private final CountDownLatch writerBlocked = new CountDownLatch(1);
    private final CountDownLatch releaseWriter = new CountDownLatch(1);

    @Test
    void aUserMadeAgainIsNotPutInAConversationTheDeletedUserJoinedMeanwhile() throws Exception {
        // a commit's observer runs on the writer: holding it keeps the next writes (the admin's deletion) queued
        CommitObserver holdingTheWriter = (batchSize, nanos) -> {
            if (blockNextCommit.compareAndSet(true, false)) {
                writerBlocked.countDown();
                try {
                    releaseWriter.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        try (ChatFixture fixture = new ChatFixture(holdingTheWriter)) {
            Tenant tenant = fixture.passwordTenant("joinrace");
            tenant.createUser("alice", "correct horse battery", Optional.empty());
            tenant.createUser("bob", "correct horse battery", Optional.empty());
            String room = Conversations.id(List.of("alice", "bob"));
            tenant.store()
                    .openConversation(room, List.of("alice", "bob"), "alice", Instant.now(), 100)
                    .join();
            tenant.store()
                    .append(room, "bob", "for alice only", Optional.empty())
                    .join();
            tenant.store().forget("alice", room).join(); // alice hid it
            String aliceToken =
                    ((LoginResult.Success) tenant.login("alice", "correct horse battery", "127.0.0.1")).token();
            ChatClient alice = ChatClient.following(fixture.url(), "/joinrace", aliceToken);
            alice.awaitEvent("rooms:mine");
            Thread.sleep(300);
            fixture.captureReads();
            alice.request("room:join", ChatClient.json("room", room)); // whenMember's read: captured
            List<Runnable> captured = fixture.capturedReads(1);
            assertEquals(1, captured.size(), "whenMember's read");
            // the writer is busy (a commit's observer holds it), the admin's deletion waits behind it
            blockNextCommit.set(true);
            tenant.store().append("general", "bob", "anything", Optional.empty());
            assertTrue(writerBlocked.await(5, TimeUnit.SECONDS));
            CompletableFuture<Boolean> deletion =
                    CompletableFuture.supplyAsync(() -> fixture.registry.deleteUser(tenant, "alice"));
            Thread.sleep(300); // queued on the writer
            captured.getFirst().run(); // alice is still a member: the join goes on and asks to remember the room
            Thread.sleep(300);
            releaseWriter.countDown();
            assertTrue(deletion.get(10, TimeUnit.SECONDS));
            alice.close();

            // another person, made with the name
            tenant.createUser("alice", "another person entirely", Optional.empty());
            String newToken =
                    ((LoginResult.Success) tenant.login("alice", "another person entirely", "127.0.0.1")).token();
            try (ChatClient newAlice = ChatClient.following(fixture.url(), "/joinrace", newToken)) {
                newAlice.awaitEvent("rooms:mine");
                JsonNode fetched = newAlice.call("history:fetch", ChatClient.json("room", room));
                assertFalse(fetched.toString().contains("for alice only"), "the new alice reads it: " + fetched);
            }
            assertFalse(
                    tenant.store().roomsOf("alice").join().stream()
                            .anyMatch(r -> r.room().equals(room)),
                    "the new alice remembers the deleted alice's conversation");

        } finally {
            releaseWriter.countDown();
        }
    }
}
