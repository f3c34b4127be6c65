package io.chat.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Guessed tokens on fresh connections: each refused CONNECT cost its tenant a store lookup, and a connection's own
 * limit of refusals ends with it (a review: 2,226 refusals a second from one address). Past the minute's refusals of
 * an address (60, then one a second), its CONNECTs to the tenant are answered "unavailable" with a wait before any
 * lookup, which a client retries on (its user is not signed out); a good token never counts, and one the node holds
 * in memory (no lookup) is served all the same.
 */
@PlatformTest
class ConnectGuessingTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static PlatformServer server;

    @BeforeAll
    static void provision() {
        server.passwordTenant("guessed", "alice");
        server.passwordTenant("guessed-rest", "bob");
    }

    @Test
    void anAddressPastItsRefusalsIsToldToWaitBeforeAnyLookupAndGoodTokensNeverCount() throws Exception {
        String token = server.login("guessed", "alice");
        // good tokens are no refusals: more of them than the refusals allowed
        for (int i = 0; i < 65; i++) {
            try (ChatClient alice = ChatClient.connect(server.url(), "/guessed", token)) {
                assertTrue(alice.socket().connected());
            }
        }
        for (int i = 0; i < 60; i++) {
            assertEquals("unauthorized", ChatClient.connectError(server.url(), "/guessed", guess()), "guess " + i);
        }
        try (ChatClient guesser = ChatClient.open(server.url(), "/guessed", ChatClient.options(guess()))) {
            JsonNode refusal = guesser.awaitConnectErrorBody();
            assertEquals("unavailable", refusal.path("message").asText(), refusal.toString());
            assertEquals("rate_limited", refusal.path("data").path("code").asText(), refusal.toString());
            assertEquals(1, refusal.path("data").path("retryAfter").asInt(), refusal.toString());
        }
        // a good token this node holds costs no lookup: its user connects from there all the same
        try (ChatClient alice = ChatClient.connect(server.url(), "/guessed", token)) {
            assertTrue(alice.socket().connected());
        }
    }

    /**
     * REST takes from the same refusals (a review: ~1,900 requests at once with random tokens made signed-in users'
     * history reads fail, each a lookup): history and logout guesses, then 429 with Retry-After before any lookup, for
     * CONNECTs from there too; a good token the node holds is served meanwhile.
     */
    @Test
    void restGuessesTakeFromTheSameRefusalsAndArePausedWith429() throws Exception {
        String token = server.login("guessed-rest", "bob");
        for (int i = 0; i < 60; i++) {
            var refused = i % 2 == 0
                    ? server.call("GET", "/api/tenants/guessed-rest/rooms/general/messages", null, guess())
                    : server.call("DELETE", "/api/tenants/guessed-rest/sessions/current", null, guess());
            assertEquals(401, refused.statusCode(), "guess " + i + ": " + refused.body());
        }
        var paused = server.call("GET", "/api/tenants/guessed-rest/rooms/general/messages", null, guess());
        assertEquals(429, paused.statusCode(), paused.body());
        assertEquals("1", paused.headers().firstValue("Retry-After").orElse(""));
        assertTrue(paused.body().contains("\"rate_limited\""), paused.body());
        var pausedLogout = server.call("DELETE", "/api/tenants/guessed-rest/sessions/current", null, guess());
        assertEquals(429, pausedLogout.statusCode(), pausedLogout.body());
        try (ChatClient guesser = ChatClient.open(server.url(), "/guessed-rest", ChatClient.options(guess()))) {
            assertEquals(
                    "unavailable",
                    guesser.awaitConnectErrorBody().path("message").asText());
        }
        var served = server.call("GET", "/api/tenants/guessed-rest/rooms/general/messages", null, token);
        assertEquals(200, served.statusCode(), served.body());
    }

    /** A token as the server makes them: 43 characters of base64url, so it is looked up. */
    private static String guess() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
