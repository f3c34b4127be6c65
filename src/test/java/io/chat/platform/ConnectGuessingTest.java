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
 * an address, its CONNECTs are answered "unavailable" with a wait before any check, which a client retries on (its
 * user is not signed out), and a good token does not count.
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
    void anAddressPastItsRefusalsOfTheMinuteIsToldToWaitBeforeAnyCheck() {
        String token = server.login("guessed", "alice");
        // good tokens give their permit back: any number of them
        for (int i = 0; i < 5; i++) {
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
            assertTrue(refusal.path("data").path("retryAfter").asInt() >= 1, refusal.toString());
        }
        // the same answer for a good token from there, which the client retries on instead of signing its user out
        try (ChatClient alice = ChatClient.open(server.url(), "/guessed", ChatClient.options(token))) {
            assertEquals(
                    "unavailable", alice.awaitConnectErrorBody().path("message").asText());
        }
    }

    /** A token as the server makes them: 43 characters of base64url, so it is looked up. */
    private static String guess() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
