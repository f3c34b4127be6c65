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
 * lookup, which a client retries on (its user is not signed out); a good token never counts.
 */
@PlatformTest
class ConnectGuessingTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static PlatformServer server;

    @BeforeAll
    static void provision() {
        server.passwordTenant("guessed", "alice");
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
        // the same answer for a good token from there, which the client retries on instead of signing its user out;
        // a second later a refusal has come back, and it connects
        try (ChatClient alice = ChatClient.open(server.url(), "/guessed", ChatClient.options(token))) {
            assertEquals(
                    "unavailable", alice.awaitConnectErrorBody().path("message").asText());
        }
        Thread.sleep(1_100);
        try (ChatClient alice = ChatClient.connect(server.url(), "/guessed", token)) {
            assertTrue(alice.socket().connected());
        }
    }

    /** A token as the server makes them: 43 characters of base64url, so it is looked up. */
    private static String guess() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
