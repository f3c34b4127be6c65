package io.chat.history;

/**
 * A session was saved for a user that does not exist (for example one deleted while logging in):
 * the session is not stored, so a deleted user can never be left with a live token.
 */
public final class NoSuchUserException extends StoreException {
    public NoSuchUserException(String username) {
        super("no such user: " + username);
    }
}
