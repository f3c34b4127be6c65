package io.chat.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.chat.platform.ChatClient;
import io.chat.tenant.Tenant;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * In cluster mode a message that arrives while an earlier event of the socket is still queued is not checked for
 * room membership at arrival (a join queued before it may put the socket in the room); if that earlier event ends
 * before the message's own cluster token is looked at, the message runs at once: its step must check then. Peers here:
 * a typing event's token is held, and the message's token lookup lets it go and gives its step time to run, as a
 * Redis answer arriving between the two looks would. Found by a review of a change that checked only queued steps.
 */
class QueuedEventRoomCheckTest {
    @Test
    void aMessageRunAtOnceAfterAQueuedEventIsStillCheckedForItsRoom() throws Exception {
        try (ChatFixture fixture = new ChatFixture()) {
            CompletableFuture<Boolean> held = new CompletableFuture<>();
            Peers peers = (Peers) Proxy.newProxyInstance(
                    Peers.class.getClassLoader(),
                    new Class<?>[] {Peers.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "takeEvent" -> held.isDone() ? Alone.INSTANCE.takeEvent((String) args[0]) : held;
                        case "takeMessage" -> {
                            if (!held.isDone()) {
                                held.complete(true); // the earlier event's answer comes now
                                Thread.sleep(300); // its step runs on its own thread meanwhile, and ends
                            }
                            yield Alone.INSTANCE.takeMessage((String) args[0]);
                        }
                        default -> method.invoke(Alone.INSTANCE, args);
                    });
            Peers.Factory alone = Peers.ALONE;
            fixture.chat.shareWith((Peers.Factory) Proxy.newProxyInstance(
                    Peers.Factory.class.getClassLoader(),
                    new Class<?>[] {Peers.Factory.class},
                    (proxy, method, args) -> method.getName().equals("of") ? peers : method.invoke(alone, args)));
            Tenant tenant = fixture.passwordTenant("race");
            String token = ChatFixture.session(tenant, "mallory", Instant.now().plusSeconds(600));
            ChatClient mallory = ChatClient.connect(fixture.url(), "/race", token);
            mallory.awaitConnected();
            mallory.emit("typing", ChatClient.json("room", "general")); // waits for its (held) token
            JsonNode ack = mallory.call("message:send", ChatClient.json("room", "secret", "text", "not a member"));
            assertEquals("forbidden", ack.path("error").path("code").asText(), ack.toString());
            assertEquals(
                    "join the room first", ack.path("error").path("message").asText(), ack.toString());
            assertEquals(
                    List.of(),
                    tenant.store()
                            .since("secret", 0, 10)
                            .get(5, TimeUnit.SECONDS)
                            .messages(),
                    "nothing stored in a room never joined");
        }
    }
}
