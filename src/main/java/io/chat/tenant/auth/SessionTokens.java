package io.chat.tenant.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Opaque session tokens for password tenants.
 *
 * <p>A token is 32 random bytes (256 bits), so it cannot be guessed and needs no slow hash: the database keeps only
 * its SHA-256, which makes a leaked database useless for logging in while a lookup stays one fast digest.
 */
public final class SessionTokens {
    private static final int TOKEN_BYTES = 32;
    /** {@link #TOKEN_BYTES} in base64url without padding. */
    private static final int TOKEN_LENGTH = 43;
    // SecureRandom is thread-safe; one shared instance avoids re-seeding per token.
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private SessionTokens() {}

    /** A new random token, base64url without padding (43 characters). */
    public static String newToken() {
        byte[] bytes = new byte[TOKEN_BYTES];
        RANDOM.nextBytes(bytes);
        return BASE64URL.encodeToString(bytes);
    }

    /**
     * Whether {@code token} has the form {@link #newToken} gives (43 base64url characters): anything else is no session,
     * known without a lookup.
     */
    public static boolean wellFormed(String token) {
        if (token.length() != TOKEN_LENGTH) {
            return false;
        }
        for (int i = 0; i < TOKEN_LENGTH; i++) {
            char c = token.charAt(i);
            boolean base64url =
                    (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!base64url) {
                return false;
            }
        }
        return true;
    }

    /** The form a token is stored and looked up in: lowercase hex SHA-256 of its UTF-8 bytes (64 characters). */
    public static String hash(String token) {
        return HexFormat.of().formatHex(sha256().digest(token.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest sha256() {
        try {
            // MessageDigest is not thread-safe: one per call (cheap next to the digest itself).
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
