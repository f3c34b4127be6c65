package io.chat.chat;

import static io.chat.platform.ChatClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chat.history.TenantStore;
import io.chat.platform.ChatClient;
import io.chat.platform.Jwts;
import io.chat.tenant.Tenant;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A socket lives no longer than its credential, and what it asked for stops when it goes. */
class SocketLifetimeTest {
    private static final String ISSUER = "https://idp.lifetime.example";
    private static final String SECRET = "a-secret-of-at-least-32-bytes-for-the-lifetime-test";
    /** What the official client reports for a Socket.IO DISCONNECT from the server. */
    private static final String SERVER_DISCONNECT = "io server disconnect";

    private static ChatFixture fixture;
    private final List<ChatClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        fixture = new ChatFixture();
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @AfterEach
    void closeClients() {
        clients.forEach(ChatClient::close);
    }

    private ChatClient connect(String tenant, String token) {
        ChatClient client = ChatClient.connect(fixture.url(), "/" + tenant, token);
        clients.add(client);
        return client;
    }

    @Test
    void aJwtSocketIsDisconnectedWhenItsTokenStopsBeingAccepted() {
        fixture.tenant("{\"id\":\"jwt-life\",\"auth\":{\"type\":\"jwt\",\"issuer\":\"" + ISSUER + "\",\"secret\":\""
                + SECRET + "\"}}");
        long now = Instant.now().getEpochSecond();
        // exp 27 s ago: accepted within the 30 s leeway, for about 3 s more
        Map<String, Object> claims = Jwts.claims(ISSUER, "alice");
        claims.put("iat", now - 60);
        claims.put("exp", now - 27);
        long connectedAt = System.nanoTime();
        ChatClient expiring = connect("jwt-life", Jwts.hs256(SECRET, claims));
        ChatClient lasting = connect("jwt-life", Jwts.hs256(SECRET, Jwts.claims(ISSUER, "bob")));
        assertTrue(expiring.join("general").path("ok").asBoolean());

        assertEquals(SERVER_DISCONNECT, expiring.awaitDisconnect());
        long afterMillis = TimeUnit.NANOSECONDS.toMillis(expiring.disconnectedAtNanos() - connectedAt);
        assertTrue(afterMillis > 1_500 && afterMillis < 5_000, "disconnected " + afterMillis + " ms after CONNECT");
        assertEquals("unauthorized", ChatClient.connectError(fixture.url(), "/jwt-life", Jwts.hs256(SECRET, claims)));
        lasting.sync();
        assertTrue(lasting.connected(), "a socket whose token is still good stays");
    }

    @Test
    void aSessionSocketIsDisconnectedWhenItsSessionExpires() {
        Tenant tenant = fixture.passwordTenant("session-life");
        String expiringToken =
                ChatFixture.session(tenant, "alice", Instant.now().plusSeconds(3));
        String lastingToken = ChatFixture.session(tenant, "alice", Instant.now().plusSeconds(3600));
        long connectedAt = System.nanoTime();
        ChatClient expiring = connect("session-life", expiringToken);
        ChatClient lasting = connect("session-life", lastingToken);

        assertEquals(SERVER_DISCONNECT, expiring.awaitDisconnect());
        long afterMillis = TimeUnit.NANOSECONDS.toMillis(expiring.disconnectedAtNanos() - connectedAt);
        assertTrue(afterMillis > 1_500 && afterMillis < 5_000, "disconnected " + afterMillis + " ms after CONNECT");
        assertEquals("unauthorized", ChatClient.connectError(fixture.url(), "/session-life", expiringToken));
        lasting.sync();
        assertTrue(lasting.connected(), "the same user's other session stays");
    }

    @Test
    void theReadsAClosedSocketLeftQueuedNeverReachTheDatabase() {
        Tenant tenant = fixture.passwordTenant("reads-life");
        String token = ChatFixture.session(tenant, "alice", Instant.now().plusSeconds(3600));
        ChatClient alice = connect("reads-life", token);
        fixture.holdReads();
        List<CompletableFuture<JsonNode>> fetches = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            fetches.add(alice.request("history:fetch", json("room", "general", "limit", 100)));
        }
        alice.sync(); // events of a socket are handled in order: the 20 fetches have reached the store
        TenantStore store = tenant.store();
        long skippedBefore = store.readsSkipped();
        alice.close();
        ChatFixture.await(() -> fixture.sockets(tenant) == 0, () -> "the server saw the socket go");

        fixture.releaseReads();
        ChatFixture.await(
                () -> store.readsSkipped() - skippedBefore == 20,
                () -> "the 20 reads of the closed socket skipped; skipped: " + (store.readsSkipped() - skippedBefore));
        assertEquals(
                0,
                tenant.store()
                        .before("general", OptionalLong.empty(), 1)
                        .join()
                        .messages()
                        .size(),
                "the store reads on");
        assertTrue(fetches.stream().noneMatch(CompletableFuture::isDone), "no ack reached the closed socket");
    }
}
