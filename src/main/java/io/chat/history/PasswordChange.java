package io.chat.history;

import java.util.Objects;
import java.util.Optional;

/**
 * A user's new password hash ({@link AccountStore#changePassword}). Made only if the stored hash is still {@code
 * replacing} (when given: the one the user's current password was checked against) and the session {@code
 * keptSession} (a token hash, when given: the one asking) is still the user's; every other session of the user ends.
 */
public record PasswordChange(
        String username, String newHash, Optional<String> replacing, Optional<String> keptSession) {
    public PasswordChange {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(newHash, "newHash");
        Objects.requireNonNull(replacing, "replacing");
        Objects.requireNonNull(keptSession, "keptSession");
    }

    /** An administrator's reset: whatever the hash was, and no session kept. */
    public static PasswordChange reset(String username, String newHash) {
        return new PasswordChange(username, newHash, Optional.empty(), Optional.empty());
    }

    public enum Outcome {
        CHANGED,
        NO_SUCH_USER,
        /** The stored hash was no longer {@code replacing}, or {@code keptSession} had ended: nothing changed. */
        STALE
    }
}
