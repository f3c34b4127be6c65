package io.chat.history;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * One tenant's H2 store read for a move to the cluster: everything it holds, in pages of bounded size, in key order
 * (so that a page's last key is where the next one starts). Opened like a server opens it (the message log is
 * replayed into the database, as a restart does); nothing else in it is changed.
 */
final class H2TenantExport implements AutoCloseable {
    /** A stored message with its clientId, which the store's own reads leave out. */
    record Row(String room, long seq, String id, String sender, String text, long ts, Optional<String> clientId) {}

    private static final String NEXT_ROOM = """
            SELECT room FROM messages WHERE room > ? ORDER BY room LIMIT 1""";
    // ORDER BY room, seq walks the primary key (see MessageQueries)
    private static final String MESSAGES = """
            SELECT seq, id, sender, text, ts, client_id FROM messages
            WHERE room = ? AND seq > ? ORDER BY room, seq LIMIT ?""";
    private static final String USERS = """
            SELECT username, display_name, password_hash, created_at FROM users
            WHERE username > ? ORDER BY username LIMIT ?""";
    private static final String SESSIONS = """
            SELECT token_hash, username, expires_at FROM sessions
            WHERE token_hash > ? AND expires_at > ? ORDER BY token_hash LIMIT ?""";

    private final H2TenantStore store;

    private H2TenantExport(H2TenantStore store) {
        this.store = store;
    }

    /** True when the folder has a database (a tenant provisioned but never opened has none). */
    static boolean hasDatabase(Path folder) {
        return Files.exists(folder.resolve(Database.FILE_NAME + ".mv.db"));
    }

    /**
     * Opens the tenant's store as a server would; a folder with no database must not be opened (it would be created).
     *
     * @throws StoreLockedException if a server (or anything else) has it open
     */
    static H2TenantExport open(Path folder, String tenantId, Executor reads) {
        return new H2TenantExport(H2TenantStore.open(folder, tenantId, reads, CommitObserver.NONE));
    }

    /** Messages stored, as counted when the store was opened. */
    long messageCount() {
        return store.messageCount();
    }

    /** The first room after {@code room} (all when empty) that holds a message. */
    Optional<String> roomAfter(String room) {
        return store.read(connection -> {
                    try (PreparedStatement statement = connection.prepareStatement(NEXT_ROOM)) {
                        statement.setString(1, room);
                        try (ResultSet rows = statement.executeQuery()) {
                            return rows.next() ? Optional.of(rows.getString(1)) : Optional.<String>empty();
                        }
                    }
                })
                .join();
    }

    /** Up to {@code limit} of the room's messages with seq above {@code afterSeq}, by seq. */
    List<Row> messages(String room, long afterSeq, int limit) {
        return store.read(connection -> {
                    try (PreparedStatement statement = connection.prepareStatement(MESSAGES)) {
                        statement.setString(1, room);
                        statement.setLong(2, afterSeq);
                        statement.setInt(3, limit);
                        List<Row> page = new ArrayList<>(limit);
                        try (ResultSet rows = statement.executeQuery()) {
                            while (rows.next()) {
                                page.add(new Row(
                                        room,
                                        rows.getLong(1),
                                        rows.getString(2),
                                        rows.getString(3),
                                        MessageQueries.text(rows, 4),
                                        rows.getLong(5),
                                        Optional.ofNullable(rows.getString(6))));
                            }
                        }
                        return page;
                    }
                })
                .join();
    }

    /** Up to {@code limit} users named after {@code username}, by name, with their password hashes. */
    List<UserRecord> users(String username, int limit) {
        return store.read(connection -> page(
                        connection,
                        USERS,
                        username,
                        null,
                        limit,
                        rows -> new UserRecord(
                                rows.getString(1),
                                Optional.ofNullable(rows.getString(2)),
                                rows.getString(3),
                                Instant.ofEpochMilli(rows.getLong(4)))))
                .join();
    }

    /** Up to {@code limit} sessions still valid at {@code now} with a token hash after {@code tokenHash}. */
    List<SessionRecord> sessions(String tokenHash, Instant now, int limit) {
        return store.read(connection -> page(
                        connection,
                        SESSIONS,
                        tokenHash,
                        now,
                        limit,
                        rows -> new SessionRecord(
                                rows.getString(1), rows.getString(2), Instant.ofEpochMilli(rows.getLong(3)))))
                .join();
    }

    @Override
    public void close() {
        store.close();
    }

    private interface RowMapper<T> {
        T map(ResultSet rows) throws SQLException;
    }

    private static <T> List<T> page(
            Connection connection, String sql, String after, Instant now, int limit, RowMapper<T> mapper)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            int column = 1;
            statement.setString(column++, after);
            if (now != null) {
                statement.setLong(column++, now.toEpochMilli());
            }
            statement.setInt(column, limit);
            List<T> page = new ArrayList<>(limit);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    page.add(mapper.map(rows));
                }
            }
            return page;
        }
    }
}
