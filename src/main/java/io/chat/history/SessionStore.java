package io.chat.history;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One tenant's login sessions, keyed by the hash of their token (the token itself is never stored). A session
 * belongs to a user of the tenant's {@link AccountStore} and goes when the user does. A change completes once it is
 * durably committed. A null or over-long argument throws at once.
 */
public interface SessionStore {
    /** The longest token hash accepted. */
    int MAX_TOKEN_HASH = 255;

    /**
     * Stores a session, replacing one with the same token hash, if its user exists and their password hash is still
     * {@code verifiedHash} (the one a login checked the password against); completes with false, storing nothing, when
     * the user was deleted or their password changed meanwhile ({@link AccountStore#changePassword}).
     */
    CompletableFuture<Boolean> saveSession(SessionRecord session, String verifiedHash);

    /** The session, expired or not: checking expiry is the caller's job. */
    CompletableFuture<Optional<SessionRecord>> session(String tokenHash);

    /** Revokes a session; false if there was none. */
    CompletableFuture<Boolean> deleteSession(String tokenHash);

    /** Deletes the sessions that expire at or before {@code now}; completes with how many. */
    CompletableFuture<Integer> deleteExpiredSessions(Instant now);
}
