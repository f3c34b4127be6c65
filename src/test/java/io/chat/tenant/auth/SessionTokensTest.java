package io.chat.tenant.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SessionTokensTest {
    @Test
    void tokensAreUniqueAndUrlSafe() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String token = SessionTokens.newToken();
            assertEquals(43, token.length(), token); // 32 bytes, base64url without padding
            assertTrue(token.matches("[A-Za-z0-9_-]+"), token);
            assertTrue(seen.add(token), "duplicate token");
        }
    }

    @Test
    void hashIsStableHexAndNotTheToken() {
        String token = SessionTokens.newToken();
        String hash = SessionTokens.hash(token);
        assertEquals(hash, SessionTokens.hash(token));
        assertEquals(64, hash.length());
        assertTrue(hash.matches("[0-9a-f]{64}"), hash);
        assertNotEquals(hash, SessionTokens.hash(SessionTokens.newToken()));
        // a known vector, so the stored form never changes silently
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", SessionTokens.hash("abc"));
    }

    @Test
    void onlyWhatNewTokenGivesIsWellFormed() {
        for (int i = 0; i < 1_000; i++) {
            assertTrue(SessionTokens.wellFormed(SessionTokens.newToken()));
        }
        for (String malformed : new String[] {
            "", "abc", "a".repeat(42), "a".repeat(44), "a".repeat(42) + "=", "a".repeat(42) + "+", "a".repeat(42) + "é"
        }) {
            assertFalse(SessionTokens.wellFormed(malformed), malformed);
        }
    }
}
