package io.chat.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chat.Launch;
import io.chat.Running;
import io.chat.api.PublicApi;
import io.chat.history.CommitObserver;
import io.chat.history.H2TenantStore;
import io.chat.http.TrustedProxies;
import io.chat.json.Json;
import io.chat.platform.ChatClient;
import io.chat.socketio.SocketIoConfig;
import io.chat.socketio.SocketIoServer;
import io.chat.tenant.FolderTenantCatalog;
import io.chat.tenant.LoginResult;
import io.chat.tenant.Tenant;
import io.chat.tenant.TenantJson;
import io.chat.tenant.TenantRegistry;
import io.chat.tenant.auth.PasswordHasher;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Review finding: {@code dm:open} checks that the other users exist with a read, and stores the conversation with a
 * later write that does not check again. A user deleted in between is stored as a member; a user made again with that
 * name is then a member of it (the contract: "A user created again with that name is none of its members").
 */
class ConversationOpenRaceTest {
    /** The reads of the dm:open, captured so that the test runs them in its own order. */
    private final List<Runnable> captured = new ArrayList<>();

    private volatile boolean capturing;

    @Test
    void aUserDeletedWhileDmOpenIsUnderWayIsNoMemberOfIt() throws Exception {
        ExecutorService readThreads = Executors.newFixedThreadPool(4);
        SocketIoServer io = SocketIoServer.create(SocketIoConfig.defaults());
        ChatService chat = new ChatService(io, Clock.systemUTC());
        TenantRegistry registry = new TenantRegistry(
                FolderTenantCatalog.create(
                        Files.createTempDirectory("tenants"),
                        H2TenantStore.opener(
                                task -> {
                                    synchronized (captured) {
                                        if (capturing) {
                                            captured.add(task);
                                            captured.notifyAll();
                                            return;
                                        }
                                    }
                                    readThreads.execute(task);
                                },
                                CommitObserver.NONE)),
                new PasswordHasher(),
                Clock.systemUTC(),
                chat);
        Running running = Launch.of(io)
                .routes(routes -> routes.register("/api", new PublicApi(registry, chat, TrustedProxies.none())))
                .start();
        String url = "http://localhost:" + running.port();
        try {
            Tenant tenant = registry.provision(TenantJson.fromRequest(
                    Json.mapper().readTree("{\"id\":\"dmrace\",\"auth\":{\"type\":\"password\"}}"), Instant.now()));
            tenant.createUser("alice", "correct horse battery", Optional.empty());
            tenant.createUser("bob", "correct horse battery", Optional.empty());
            String aliceToken =
                    ((LoginResult.Success) tenant.login("alice", "correct horse battery", "127.0.0.1")).token();
            try (ChatClient alice = ChatClient.connect(url, "/dmrace", aliceToken)) {
                alice.sync();
                Thread.sleep(300); // the store's own reads (its search index) done
                synchronized (captured) {
                    capturing = true;
                }
                CompletableFuture<JsonNode> opened = alice.request("dm:open", ChatClient.json("users", List.of("bob")));
                // the two reads of dm:open: the stored members, then bob's record
                synchronized (captured) {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                    while (captured.size() < 2 && System.nanoTime() < deadline) {
                        captured.wait(100);
                    }
                    capturing = false;
                }
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
        } finally {
            running.stop();
            registry.close();
            chat.close();
            readThreads.shutdown();
        }
    }
}
