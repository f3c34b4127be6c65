package io.chat.history;

/** A user with that name already exists in the tenant. */
public final class DuplicateUserException extends StoreException {
    public DuplicateUserException(String username) {
        super("user already exists: " + username);
    }
}
