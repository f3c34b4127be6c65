package io.chat.history;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** A provisioned user of a password tenant. {@code createdAt} is kept with millisecond precision. */
public record UserRecord(String username, Optional<String> displayName, String passwordHash, Instant createdAt) {
    public UserRecord {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(passwordHash, "passwordHash");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** Hides the hash so that a record printed by mistake leaks nothing useful. */
    @Override
    public String toString() {
        return "UserRecord[username=" + username + ", displayName=" + displayName + ", createdAt=" + createdAt + "]";
    }
}
