package io.chat.history;

/**
 * A new user's display name is another user's user name, or its user name is another user's display name (compared in
 * lower case): shown to people, one would pass for the other.
 */
public final class NameTakenException extends StoreException {
    public NameTakenException() {
        super("a name of the new user is another user's");
    }
}
