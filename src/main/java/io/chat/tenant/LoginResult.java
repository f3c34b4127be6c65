package io.chat.tenant;

import java.time.Instant;

/** What a login attempt came to. */
public sealed interface LoginResult {
    record Success(String token, String username, Instant expiresAt) implements LoginResult {}

    /** Unknown user or wrong password: the caller cannot tell which, by design. */
    record BadCredentials() implements LoginResult {}

    record RateLimited(long retryAfterSeconds) implements LoginResult {}

    /** The tenant authenticates with JWTs from its own identity provider. */
    record NotPasswordTenant() implements LoginResult {}
}
