package io.chat.history;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One tenant's users: names, display names and password hashes (never passwords). A change completes once it is
 * durably committed. A null or over-long argument throws at once.
 */
public interface AccountStore {
    /** The longest values accepted, in UTF-16 units (see {@link MessageStore#MAX_ROOM}). */
    int MAX_USER = 255;

    int MAX_DISPLAY_NAME = 1_000;
    int MAX_PASSWORD_HASH = 1_000;

    /**
     * Completes exceptionally with {@link DuplicateUserException} if the user exists, with {@link NameTakenException}
     * if its display name is another user's user name or its user name another user's display name (in lower case). A user made with a deleted user's
     * name is another person: the entries of that name at or before {@code createdAt} are not theirs to change, nor
     * its reactions theirs (see {@link MessageStore#change}); the store completes only once its own clock, which times
     * the entries it writes, has passed that millisecond (createdAt read from the same clock just before).
     */
    CompletableFuture<Void> createUser(UserRecord user);

    CompletableFuture<Optional<UserRecord>> user(String username);

    /**
     * Deletes the user and all of its sessions; false if there was no such user. Its messages and reactions stay, and
     * stay its own: a user made again with the name does not get them (see {@link #createUser}).
     */
    CompletableFuture<Boolean> deleteUser(String username);

    /**
     * Sets a user's password hash and ends every session of theirs but {@code change.keptSession()}, if the change's
     * conditions hold ({@link PasswordChange}). A login that checked the old hash saves no session after this
     * ({@link SessionStore#saveSession}).
     */
    CompletableFuture<PasswordChange.Outcome> changePassword(PasswordChange change);

    /**
     * Sets a user's display name, or removes it (empty); false if there is no such user. Completes exceptionally with
     * {@link NameTakenException} if the name is another user's user name (in lower case).
     */
    CompletableFuture<Boolean> setDisplayName(String username, Optional<String> displayName);

    /** All users, by name. */
    CompletableFuture<List<UserRecord>> users();

    /**
     * At most {@code limit} (1..{@link MessageStore#MAX_PAGE}) users whose names sort after {@code after} (all when
     * empty) and start with {@code prefix} (any when empty), by name; {@code hasMore} tells whether more follow.
     */
    default CompletableFuture<UserPage> users(String after, String prefix, int limit) {
        return users(after, prefix, "", limit);
    }

    /**
     * {@link #users(String, String, int)} narrowed to the users {@code name} finds (any when empty): its lower case
     * starts their user name or a word of their display name (compared in lower case), as a person is looked for.
     */
    CompletableFuture<UserPage> users(String after, String prefix, String name, int limit);

    /**
     * The stored users among {@code usernames} (1..{@link MessageStore#MAX_PAGE} names), by name; names of no stored
     * user are left out.
     */
    CompletableFuture<List<UserRecord>> namedUsers(List<String> usernames);

    /** A page of {@link #users(String, String, int)}. */
    record UserPage(List<UserRecord> users, boolean hasMore) {
        public UserPage {
            users = List.copyOf(users);
        }
    }
}
