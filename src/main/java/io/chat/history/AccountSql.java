package io.chat.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Users and sessions. Writes run in the writer's transaction; reads on a read connection. */
final class AccountSql {
    private static final int UNIQUE_VIOLATION = 23505;
    private static final int MISSING_PARENT = 23506;
    private static final String USER_COLUMNS = "username, display_name, password_hash, created_at";

    private AccountSql() {}

    static Void createUser(Connection connection, UserRecord user) throws SQLException {
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
            return null;
        } catch (SQLException e) {
            if (e.getErrorCode() == UNIQUE_VIOLATION) {
                throw new DuplicateUserException(user.username());
            }
            throw e;
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

    /** Its sessions go with it: the sessions table's foreign key cascades. */
    static Boolean deleteUser(Connection connection, String username) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("DELETE FROM users WHERE username = ?")) {
            statement.setString(1, username);
            return statement.executeUpdate() > 0;
        }
    }

    static Void saveSession(Connection connection, SessionRecord session) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "MERGE INTO sessions (token_hash, username, expires_at) KEY (token_hash) VALUES (?, ?, ?)")) {
            statement.setString(1, session.tokenHash());
            statement.setString(2, session.username());
            statement.setLong(3, session.expiresAt().toEpochMilli());
            statement.executeUpdate();
            return null;
        } catch (SQLException e) {
            if (e.getErrorCode() == MISSING_PARENT) {
                throw new NoSuchUserException(session.username());
            }
            throw e;
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
