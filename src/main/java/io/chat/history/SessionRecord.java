package io.chat.history;

import java.time.Instant;
import java.util.Objects;

/** A login session: only the hash of its token is stored. {@code expiresAt} is kept with millisecond precision. */
public record SessionRecord(String tokenHash, String username, Instant expiresAt) {
    public SessionRecord {
        Objects.requireNonNull(tokenHash, "tokenHash");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
