package io.chat.tenant.auth;

import java.time.Instant;
import java.util.Objects;

/**
 * Who a bearer credential belongs to, and until when it is good.
 *
 * @param username  the user name (session owner, or the JWT's user claim)
 * @param expiresAt when the credential stops being valid (session expiry, or the JWT's {@code exp} as written)
 */
public record AuthenticatedUser(String username, Instant expiresAt) {
    public AuthenticatedUser {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
