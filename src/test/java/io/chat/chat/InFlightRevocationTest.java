package io.chat.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.platform.ChatClient;
import io.chat.platform.Jwts;
import io.chat.tenant.LoginResult;
import io.chat.tenant.Tenant;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Races between revoking and using (each found by a hostile review, each failing before its fix): a tenant deleted
 * while a CONNECT's middleware runs, a logout that answers while a REST read waits in the tenant's queue.
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
}
