package io.chat.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chat.history.MessageStore;
import io.chat.history.StoredMessage;
import io.chat.platform.ChatClient;
import io.chat.platform.Jwts;
import io.chat.tenant.LoginResult;
import io.chat.tenant.Tenant;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Races between revoking and using (each found by a hostile review, each failing before its fix): a tenant deleted
 * while a CONNECT's middleware runs, a logout that answers while a REST read waits in the tenant's queue, or while
 * the socket's messages are being stored.
 */
class InFlightRevocationTest {
    private static final String ISSUER = "https://idp.races.example";
    private static final String SECRET = "a-secret-of-at-least-32-bytes-for-the-races-test";
    private static ChatFixture fixture;

    @BeforeAll
    static void start() throws Exception {
        fixture = new ChatFixture();
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    /**
     * The admin deletes a tenant while a CONNECT is between the namespace lookup (its middleware) and the socket's
     * registration: a second middleware, run right after the chat's authentication on the reader thread, deletes
     * it, as the admin's thread would in that window.
     */
    @Test
    void aConnectRacingTheDeletionOfItsJwtTenantIsRefused() {
        Tenant tenant = fixture.tenant("{\"id\":\"doomed-jwt\",\"auth\":{\"type\":\"jwt\",\"issuer\":\"" + ISSUER
                + "\",\"secret\":\"" + SECRET + "\"}}");
        deleteDuringTheNextConnect(tenant);
        assertEquals(
                "Invalid namespace",
                ChatClient.connectError(
                        fixture.url(), "/doomed-jwt", Jwts.hs256(SECRET, Jwts.claims(ISSUER, "mallory"))));
        assertTrue(fixture.registry.find(tenant.id()).isEmpty());
    }

    @Test
    void aConnectRacingTheDeletionOfItsPasswordTenantIsRefused() {
        Tenant tenant = fixture.passwordTenant("doomed-pw");
        tenant.createUser("mallory", "correct horse battery", Optional.empty());
        LoginResult.Success login = (LoginResult.Success) tenant.login("mallory", "correct horse battery", "127.0.0.1");
        deleteDuringTheNextConnect(tenant);
        assertEquals("Invalid namespace", ChatClient.connectError(fixture.url(), "/doomed-pw", login.token()));
    }

    private static void deleteDuringTheNextConnect(Tenant tenant) {
        AtomicBoolean once = new AtomicBoolean();
        fixture.io.namespace("/" + tenant.id()).orElseThrow().use(socket -> {
            if (once.compareAndSet(false, true)) {
                fixture.registry.delete(tenant.id());
            }
        });
    }

    /**
     * "Once logout has answered, no request with the token succeeds, however many were in flight: a REST call
     * answers 401" (docs/CONTRACT.md): a history read waiting in the tenant's read queue when the logout answers.
     */
    @Test
    void aHistoryReadStillQueuedWhenLogoutAnswersIsRefused() throws Exception {
        Tenant tenant = fixture.passwordTenant("logout-race");
        tenant.createUser("alice", "correct horse battery", Optional.empty());
        LoginResult.Success login = (LoginResult.Success) tenant.login("alice", "correct horse battery", "127.0.0.1");
        HttpClient http = HttpClient.newHttpClient();
        fixture.holdReads();
        CompletableFuture<HttpResponse<String>> history = http.sendAsync(
                HttpRequest.newBuilder(URI.create(fixture.url() + "/api/tenants/logout-race/rooms/general/messages"))
                        .header("Authorization", "Bearer " + login.token())
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        // the read waits until released (were the request slower than this, logout would beat it to the first
        // check, and it would be refused all the same)
        Thread.sleep(500);
        assertFalse(history.isDone());
        HttpResponse<String> logout = http.send(
                HttpRequest.newBuilder(URI.create(fixture.url() + "/api/tenants/logout-race/sessions/current"))
                        .header("Authorization", "Bearer " + login.token())
                        .DELETE()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(204, logout.statusCode());
        fixture.releaseReads();
        assertEquals(401, history.get(10, TimeUnit.SECONDS).statusCode());
    }

    /**
     * "Once logout has answered, no request with the token succeeds" (docs/CONTRACT.md), for the socket's own writes: a
     * client sends {@code message:send} and joins new rooms flat out (200 unanswered at most) while its token is logged
     * out. No join is stored after the logout answered either. Every message
     * stored is one the client was told was stored (its ack came before the disconnect), and none is stored after
     * the logout answered. Before the socket's writes were waited for, sends that had passed their checks were stored
     * after the disconnect, their acks lost.
     */
    @Test
    void theSocketsWritesUnderWayWhenLogoutAnswersAreStoredAndAckedNoneAfter() throws Exception {
        for (int round = 0; round < 5; round++) {
            String id = "logout-writes-" + round;
            Tenant tenant = fixture.tenant("{\"id\":\"" + id + "\",\"auth\":{\"type\":\"password\"},\"limits\":"
                    + "{\"messagesPerSecond\":100000,\"messageBurst\":100000,\"tenantMessagesPerSecond\":100000,"
                    + "\"tenantMessageBurst\":100000,\"eventsPerSecond\":100000,\"eventBurst\":100000,"
                    + "\"roomsPerSocket\":100000}}");
            tenant.createUser("alice", "correct horse battery", Optional.empty());
            LoginResult.Success login =
                    (LoginResult.Success) tenant.login("alice", "correct horse battery", "127.0.0.1");
            // a socket that keeps its rooms: its joins are stored too
            try (ChatClient alice = ChatClient.following(fixture.url(), "/" + id, login.token())) {
                alice.join("general");
                Map<String, CompletableFuture<JsonNode>> acks = new ConcurrentHashMap<>();
                AtomicBoolean stop = new AtomicBoolean();
                // at most 200 sends unanswered: what the revocation waits for stays far under its bound on a slow box
                Semaphore unanswered = new Semaphore(200);
                Thread sender = Thread.ofPlatform().start(() -> {
                    // under MessageStore.MAX_PAGE, the most storedTexts reads
                    for (int i = 0; !stop.get() && !alice.isDisconnected() && i < 6_000; i++) {
                        if (!acquire(unanswered)) {
                            i--;
                            continue;
                        }
                        String text = "m" + i;
                        CompletableFuture<JsonNode> ack =
                                switch (i % 10) {
                                    case 4, 8 -> alice.request("room:join", ChatClient.json("room", "r" + i));
                                    default -> {
                                        CompletableFuture<JsonNode> sent = alice.request(
                                                "message:send", ChatClient.json("room", "general", "text", text));
                                        acks.put(text, sent);
                                        yield sent;
                                    }
                                };
                        ack.whenComplete((answer, error) -> unanswered.release());
                    }
                });
                Thread.sleep(300);
                HttpResponse<String> logout = HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(fixture.url() + "/api/tenants/" + id + "/sessions/current"))
                                        .header("Authorization", "Bearer " + login.token())
                                        .DELETE()
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                assertEquals(204, logout.statusCode());
                Set<String> storedWhenAnswered = storedTexts(tenant);
                Set<String> roomsWhenAnswered = rooms(tenant);
                alice.disconnected().get(10, TimeUnit.SECONDS);
                stop.set(true);
                sender.join();
                Thread.sleep(500); // a write the revocation did not wait for would be committed by now
                Set<String> stored = storedTexts(tenant);
                assertEquals(Set.of(), difference(stored, storedWhenAnswered), "stored after the logout answered");
                assertEquals(
                        Set.of(),
                        difference(rooms(tenant), roomsWhenAnswered),
                        "joins stored after the logout answered");
                Set<String> acked = new HashSet<>();
                acks.forEach((text, ack) -> {
                    JsonNode answer = ack.getNow(null);
                    if (answer != null && answer.path("ok").asBoolean()) {
                        acked.add(text);
                    }
                });
                assertTrue(stored.size() > 0, "the flood was under way");
                assertEquals(Set.of(), difference(stored, acked), "stored, its ack never reached the client");
                assertEquals(Set.of(), difference(acked, stored), "acked, not stored");
            }
        }
    }

    private static boolean acquire(Semaphore semaphore) {
        try {
            return semaphore.tryAcquire(10, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** What {@code of} holds that {@code without} does not: ten of them at most, and how many in all. */
    private static Set<String> difference(Set<String> of, Set<String> without) {
        Set<String> more = new HashSet<>(of);
        more.removeAll(without);
        if (more.size() <= 10) {
            return more;
        }
        Set<String> some = new TreeSet<>(more.stream().limit(10).toList());
        some.add("... " + more.size() + " in all");
        return some;
    }

    private static Set<String> rooms(Tenant tenant) {
        Set<String> rooms = new TreeSet<>();
        tenant.store().roomsOf("alice").join().forEach(kept -> rooms.add(kept.room()));
        return rooms;
    }

    private static Set<String> storedTexts(Tenant tenant) {
        Set<String> texts = new HashSet<>();
        for (StoredMessage message : tenant.store()
                .before("general", OptionalLong.empty(), MessageStore.MAX_PAGE)
                .join()
                .messages()) {
            texts.add(message.text());
        }
        return texts;
    }
}
