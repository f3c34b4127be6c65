package io.chat.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Users and sessions, in SQL that H2 and PostgreSQL both run (on PostgreSQL the tenant column takes its default,
 * the transaction's tenant, and row security keeps every statement inside it). Writes run in the writer's
 * transaction; reads on a read connection. Errors are told apart by SQLSTATE, which both databases set.
 */
final class AccountSql {
    private static final String UNIQUE_VIOLATION = "23505";

    private static final String USER_COLUMNS = "username, display_name, password_hash, created_at";

    /** Standard MERGE: H2 and PostgreSQL (15+) both run it. */
    private static final String SAVE_SESSION = """
            MERGE INTO sessions s
            USING (VALUES (CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS BIGINT)))
                AS v (token_hash, username, expires_at)
            ON s.token_hash = v.token_hash
            WHEN MATCHED THEN UPDATE SET username = v.username, expires_at = v.expires_at
            WHEN NOT MATCHED THEN INSERT (token_hash, username, expires_at)
                VALUES (v.token_hash, v.username, v.expires_at)""";

    private AccountSql() {}

    static Void createUser(Connection connection, UserRecord user) throws SQLException {
        if (passesForAnother(connection, user)) {
            throw new NameTakenException();
        }
        try (PreparedStatement statement =
                connection.prepareStatement("INSERT INTO users (" + USER_COLUMNS + ") VALUES (?, ?, ?, ?)")) {
            statement.setString(1, user.username());
            if (user.displayName().isPresent()) {
                statement.setString(2, user.displayName().get());
            } else {
                statement.setNull(2, Types.VARCHAR);
            }
            statement.setString(3, user.passwordHash());
            statement.setLong(4, user.createdAt().toEpochMilli());
            statement.executeUpdate();
            awaitClockPast(user.createdAt().toEpochMilli());
            return null;
        } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw new DuplicateUserException(user.username());
            }
            throw e;
        }
    }

    /**
     * Sets (or with an empty one, removes) a user's display name; false when there is no such user. Throws {@link
     * NameTakenException} when the name is another user's user name, in lower case.
     */
    static Boolean setDisplayName(Connection connection, String username, Optional<String> displayName)
            throws SQLException {
        if (displayName.isPresent()) {
            String lower = displayName.get().toLowerCase(Locale.ROOT);
            if (!lower.equals(username) && user(connection, lower).isPresent()) {
                throw new NameTakenException();
            }
        }
        try (PreparedStatement statement =
                connection.prepareStatement("UPDATE users SET display_name = ? WHERE username = ?")) {
            if (displayName.isPresent()) {
                statement.setString(1, displayName.get());
            } else {
                statement.setNull(1, Types.VARCHAR);
            }
            statement.setString(2, username);
            return statement.executeUpdate() > 0;
        }
    }

    /**
     * Whether the new user's display name is another user's user name, or its user name another user's display name,
     * in lower case (user names are lower case ASCII): "alice" shown for dave. Checked, not locked: two users created
     * at the same moment on two nodes are not compared with each other (an administrator's act, one at a time).
     */
    private static boolean passesForAnother(Connection connection, UserRecord user) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT 1 FROM users WHERE (username = ? AND username <> ?) OR LOWER(display_name) = ?")) {
            statement.setString(
                    1, user.displayName().map(d -> d.toLowerCase(Locale.ROOT)).orElse(""));
            statement.setString(2, user.username());
            statement.setString(3, user.username());
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next();
            }
        }
    }

    /**
     * Waits, before the user is committed, until this store's clock (which times every entry it writes) is past the
     * user's creation millisecond, so that every entry it writes once the user exists is later than that
     * ({@link EarlierAccount}): at most a millisecond, as the caller read the same clock just before. A creation time
     * further ahead (another clock) is not waited for.
     */
    private static void awaitClockPast(long createdAtMillis) {
        if (createdAtMillis - System.currentTimeMillis() > 1) {
            return;
        }
        while (System.currentTimeMillis() <= createdAtMillis) {
            Thread.onSpinWait();
        }
    }

    static Optional<UserRecord> user(Connection connection, String username) throws SQLException {
        try (PreparedStatement statement =
                connection.prepareStatement("SELECT " + USER_COLUMNS + " FROM users WHERE username = ?")) {
            statement.setString(1, username);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Optional.of(user(rows)) : Optional.empty();
            }
        }
    }

    static List<UserRecord> users(Connection connection) throws SQLException {
        try (PreparedStatement statement =
                        connection.prepareStatement("SELECT " + USER_COLUMNS + " FROM users ORDER BY username");
                ResultSet rows = statement.executeQuery()) {
            List<UserRecord> users = new ArrayList<>();
            while (rows.next()) {
                users.add(user(rows));
            }
            return users;
        }
    }

    /** {@code text} matched as itself by LIKE ... ESCAPE '\\'. */
    private static String literal(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    /** The stored users among these distinct names, by name. */
    static List<UserRecord> namedUsers(Connection connection, List<String> usernames) throws SQLException {
        String marks = String.join(", ", Collections.nCopies(usernames.size(), "?"));
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT " + USER_COLUMNS + " FROM users WHERE username IN (" + marks + ") ORDER BY username")) {
            for (int i = 0; i < usernames.size(); i++) {
                statement.setString(i + 1, usernames.get(i));
            }
            try (ResultSet rows = statement.executeQuery()) {
                List<UserRecord> users = new ArrayList<>();
                while (rows.next()) {
                    users.add(user(rows));
                }
                return users;
            }
        }
    }

    /** A page of users by name after {@code after}, whose names start with {@code prefix} (any when empty). */
    static AccountStore.UserPage users(Connection connection, String after, String prefix, String name, int limit)
            throws SQLException {
        String sought = literal(name.toLowerCase(Locale.ROOT));
        try (PreparedStatement statement = connection.prepareStatement("SELECT " + USER_COLUMNS
                + " FROM users WHERE username > ? AND username LIKE ? ESCAPE '\\'"
                + " AND (? = '' OR username LIKE ? ESCAPE '\\' OR LOWER(display_name) LIKE ? ESCAPE '\\'"
                + " OR LOWER(display_name) LIKE ? ESCAPE '\\')"
                + " ORDER BY username FETCH FIRST ? ROWS ONLY")) {
            statement.setString(1, after);
            statement.setString(2, literal(prefix) + "%");
            statement.setString(3, name);
            statement.setString(4, sought + "%");
            statement.setString(5, sought + "%");
            statement.setString(6, "% " + sought + "%");
            statement.setInt(7, limit + 1);
            try (ResultSet rows = statement.executeQuery()) {
                List<UserRecord> users = new ArrayList<>();
                while (rows.next()) {
                    users.add(user(rows));
                }
                boolean hasMore = users.size() > limit;
                return new AccountStore.UserPage(hasMore ? users.subList(0, limit) : users, hasMore);
            }
        }
    }

    /** The user's row, locked against every other lock of it (a deletion's; on H2, where one writer runs all, any). */
    static final String LOCK_USER_EXCLUSIVELY = "SELECT created_at FROM users WHERE username = ? FOR UPDATE";

    /**
     * Its sessions go with it (the sessions table's foreign key cascades), the rooms it remembered, how far it read
     * them, and its place in every conversation's member list (the conversations and their history stay with the
     * other members; a user made again with the name is none of their members).
     */
    static Boolean deleteUser(Connection connection, String username) throws SQLException {
        // first: a conversation opened or remembered for the user (on another node too) commits before this, or waits
        lockUser(connection, username, LOCK_USER_EXCLUSIVELY);
        try (PreparedStatement memberships =
                connection.prepareStatement("DELETE FROM memberships WHERE username = ?")) {
            memberships.setString(1, username);
            memberships.executeUpdate();
        }
        try (PreparedStatement positions =
                connection.prepareStatement("DELETE FROM read_positions WHERE username = ?")) {
            positions.setString(1, username);
            positions.executeUpdate();
        }
        try (PreparedStatement conversations =
                connection.prepareStatement("DELETE FROM conversation_members WHERE username = ?")) {
            conversations.setString(1, username);
            conversations.executeUpdate();
        }
        try (PreparedStatement statement = connection.prepareStatement("DELETE FROM users WHERE username = ?")) {
            statement.setString(1, username);
            return statement.executeUpdate() > 0;
        }
    }

    /**
     * Whether {@code username} is a stored user, its row locked until the transaction ends: a write that makes the
     * user a member of something and a deletion of the user take turns (on PostgreSQL, whichever node runs them; on H2
     * its one writer orders them anyway), so the member is either stored before the deletion, which then removes it,
     * or refused.
     */
    static boolean lockUser(Connection connection, String username, String lockSql) throws SQLException {
        return lockedUserCreatedAt(connection, username, lockSql).isPresent();
    }

    /** As {@link #lockUser}; the stored user's creation time (epoch milliseconds), empty when there is none. */
    static OptionalLong lockedUserCreatedAt(Connection connection, String username, String lockSql)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(lockSql)) {
            select.setString(1, username);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? OptionalLong.of(rows.getLong(1)) : OptionalLong.empty();
            }
        }
    }

    /**
     * How a login's session locks its user's row while it checks the hash: on PostgreSQL shared with other logins (and
     * with the foreign key's own lock), but not with a password change's {@link #LOCK_USER_EXCLUSIVELY}; on H2, whose
     * one writer runs every change in turn, not at all.
     */
    static final String H2_SESSION_LOCK = "";

    static final String POSTGRES_SESSION_LOCK = " FOR KEY SHARE";

    /**
     * Saves the session if its user's password hash is still {@code verifiedHash}, the one the login checked: a
     * password changed (or the user deleted) while the login was hashing ends every session, and this one must not be
     * saved after that. Locked as {@code lock} says, the check waits for a change under way and then reads what it
     * committed (PostgreSQL reads the row's latest version for a locking read), and a change that comes after waits for
     * this transaction and then deletes the session with the others. False when not saved.
     */
    static Boolean saveSession(Connection connection, SessionRecord session, String verifiedHash, String lock)
            throws SQLException {
        try (PreparedStatement check =
                connection.prepareStatement("SELECT password_hash FROM users WHERE username = ?" + lock)) {
            check.setString(1, session.username());
            try (ResultSet rows = check.executeQuery()) {
                if (!rows.next() || !verifiedHash.equals(rows.getString(1))) {
                    return false;
                }
            }
        }
        try (PreparedStatement statement = connection.prepareStatement(SAVE_SESSION)) {
            statement.setString(1, session.tokenHash());
            statement.setString(2, session.username());
            statement.setLong(3, session.expiresAt().toEpochMilli());
            statement.executeUpdate();
            return true;
        }
    }

    /**
     * Sets a user's password hash and ends their sessions (but {@code keptSession}'s), the user's row locked first
     * against logins saving a session ({@link #saveSession}) and other changes.
     */
    static PasswordChange.Outcome changePassword(Connection connection, PasswordChange change) throws SQLException {
        String stored;
        try (PreparedStatement lock =
                connection.prepareStatement("SELECT password_hash FROM users WHERE username = ? FOR UPDATE")) {
            lock.setString(1, change.username());
            try (ResultSet rows = lock.executeQuery()) {
                if (!rows.next()) {
                    return PasswordChange.Outcome.NO_SUCH_USER;
                }
                stored = rows.getString(1);
            }
        }
        if (change.replacing().isPresent() && !change.replacing().get().equals(stored)) {
            return PasswordChange.Outcome.STALE;
        }
        if (change.keptSession().isPresent()
                && !sessionOf(connection, change.keptSession().get(), change.username())) {
            return PasswordChange.Outcome.STALE;
        }
        try (PreparedStatement update =
                connection.prepareStatement("UPDATE users SET password_hash = ? WHERE username = ?")) {
            update.setString(1, change.newHash());
            update.setString(2, change.username());
            update.executeUpdate();
        }
        try (PreparedStatement sessions =
                connection.prepareStatement("DELETE FROM sessions WHERE username = ? AND token_hash <> ?")) {
            sessions.setString(1, change.username());
            sessions.setString(2, change.keptSession().orElse(""));
            sessions.executeUpdate();
        }
        return PasswordChange.Outcome.CHANGED;
    }

    private static boolean sessionOf(Connection connection, String tokenHash, String username) throws SQLException {
        try (PreparedStatement statement =
                connection.prepareStatement("SELECT 1 FROM sessions WHERE token_hash = ? AND username = ?")) {
            statement.setString(1, tokenHash);
            statement.setString(2, username);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next();
            }
        }
    }

    static Optional<SessionRecord> session(Connection connection, String tokenHash) throws SQLException {
        try (PreparedStatement statement =
                connection.prepareStatement("SELECT username, expires_at FROM sessions WHERE token_hash = ?")) {
            statement.setString(1, tokenHash);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next()
                        ? Optional.of(
                                new SessionRecord(tokenHash, rows.getString(1), Instant.ofEpochMilli(rows.getLong(2))))
                        : Optional.empty();
            }
        }
    }

    static Boolean deleteSession(Connection connection, String tokenHash) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("DELETE FROM sessions WHERE token_hash = ?")) {
            statement.setString(1, tokenHash);
            return statement.executeUpdate() > 0;
        }
    }

    /** Deletes sessions whose expiry is at or before {@code now}. */
    static Integer deleteExpiredSessions(Connection connection, Instant now) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("DELETE FROM sessions WHERE expires_at <= ?")) {
            statement.setLong(1, now.toEpochMilli());
            return statement.executeUpdate();
        }
    }

    private static UserRecord user(ResultSet rows) throws SQLException {
        return new UserRecord(
                rows.getString(1),
                Optional.ofNullable(rows.getString(2)),
                rows.getString(3),
                Instant.ofEpochMilli(rows.getLong(4)));
    }
}
