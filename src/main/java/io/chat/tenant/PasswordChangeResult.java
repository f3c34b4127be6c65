package io.chat.tenant;

/** What a signed-in user's change of their own password came to ({@link Tenant#changePassword}). */
public sealed interface PasswordChangeResult {
    /** Changed: every other session of the user has ended. */
    record Changed() implements PasswordChangeResult {}

    /** The current password given was not the user's: nothing changed. */
    record WrongPassword() implements PasswordChangeResult {}

    /** The user's failed attempts (logins and changes count alike) are used up for now. */
    record RateLimited(long retryAfterSeconds) implements PasswordChangeResult {}

    /**
     * The current password given was right, but another change of the same user committed first (two tabs, a double
     * submit): nothing changed here; the other change's password is the one now.
     */
    record ChangedMeanwhile() implements PasswordChangeResult {}

    /** The session asking ended meanwhile (logged out, the user deleted or their password reset). */
    record SessionEnded() implements PasswordChangeResult {}
}
