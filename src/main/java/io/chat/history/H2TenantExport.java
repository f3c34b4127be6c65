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
    /**
     * A stored entry as its row holds it, with its clientId, which the store's own reads leave out: {@code kind} and
     * {@code target} as {@link ChangeSql} writes them, {@code editedTs} 0 for a message never edited.
     */
    record Row(
            String room,
            long seq,
            String id,
            String sender,
            String text,
            long ts,
            Optional<String> clientId,
            int kind,
            long target,
            long editedTs,
            boolean deleted) {}

    /** A user's remembered room. */
    record MembershipRow(String user, String room, long joinedAt) {}

    /** A room's row: its topic (all three null when never set) and when it was first joined. */
    record RoomRow(String room, String topic, String topicBy, Long topicAt, long createdAt) {}

    /** How far a user read a room (SqlReadPositions). */
    record ReadPositionRow(String user, String room, long seq) {}

    /** A conversation's member. */
    record ConversationMemberRow(String user, String room) {}

    private static final String READ_POSITIONS = """
            SELECT username, room, seq FROM read_positions
            WHERE username > ? OR (username = ? AND room > ?) ORDER BY username, room LIMIT ?""";
    /** The members of the conversations, by user then room (the value column is none: 0). */
    private static final String CONVERSATION_MEMBERS = """
            SELECT username, room, 0 FROM conversation_members
            WHERE username > ? OR (username = ? AND room > ?) ORDER BY username, room LIMIT ?""";

    private static final String MEMBERSHIPS = """
            SELECT username, room, joined_at FROM memberships
            WHERE username > ? OR (username = ? AND room > ?) ORDER BY username, room LIMIT ?""";
    private static final String ROOMS = """
            SELECT room, topic, topic_by, topic_at, created_at FROM rooms
            WHERE room > ? ORDER BY room LIMIT ?""";

    /** A reaction as its row holds it. */
    record ReactionRow(String room, long seq, String emoji, String username, long ts, long entrySeq) {}

    private static final String REACTIONS = """
            SELECT seq, emoji, username, ts, entry_seq FROM reactions
            WHERE room = ? AND (seq, emoji, username) > (?, ?, ?) ORDER BY room, seq, emoji, username LIMIT ?""";
    private static final String NEXT_ROOM = """
            SELECT room FROM messages WHERE room > ? ORDER BY room LIMIT 1""";
    // ORDER BY room, seq walks the primary key (see MessageQueries)
    private static final String MESSAGES = """
            SELECT seq, id, sender, text, ts, client_id, kind, target, edited_ts, deleted FROM messages
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

    /** Up to {@code limit} of the room's reactions after {@code after} (null: from the first), in key order. */
    List<ReactionRow> reactions(String room, ReactionRow after, int limit) {
        return store.read(connection -> {
                    try (PreparedStatement statement = connection.prepareStatement(REACTIONS)) {
                        statement.setString(1, room);
                        statement.setLong(2, after == null ? 0 : after.seq());
                        statement.setString(3, after == null ? "" : after.emoji());
                        statement.setString(4, after == null ? "" : after.username());
                        statement.setInt(5, limit);
                        List<ReactionRow> page = new ArrayList<>(limit);
                        try (ResultSet rows = statement.executeQuery()) {
                            while (rows.next()) {
                                page.add(new ReactionRow(
                                        room,
                                        rows.getLong(1),
                                        rows.getString(2),
                                        rows.getString(3),
                                        rows.getLong(4),
                                        rows.getLong(5)));
                            }
                        }
                        return page;
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
                                        Optional.ofNullable(rows.getString(6)),
                                        rows.getInt(7),
                                        rows.getLong(8),
                                        rows.getLong(9),
                                        rows.getBoolean(10)));
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

    /** Up to {@code limit} remembered rooms after ({@code user}, {@code room}), by user then room. */
    List<MembershipRow> memberships(String user, String room, int limit) {
        return byUserAndRoom(MEMBERSHIPS, user, room, limit, MembershipRow::new);
    }

    /** Up to {@code limit} read positions after ({@code user}, {@code room}), by user then room. */
    List<ReadPositionRow> readPositions(String user, String room, int limit) {
        return byUserAndRoom(READ_POSITIONS, user, room, limit, ReadPositionRow::new);
    }

    /** Up to {@code limit} conversation members after ({@code user}, {@code room}), by user then room. */
    List<ConversationMemberRow> conversationMembers(String user, String room, int limit) {
        return byUserAndRoom(
                CONVERSATION_MEMBERS,
                user,
                room,
                limit,
                (member, conversation, none) -> new ConversationMemberRow(member, conversation));
    }

    /** A row of a table keyed by (username, room) with one number beside them. */
    private interface UserRoomRow<R> {
        R of(String user, String room, long value);
    }

    private <R> List<R> byUserAndRoom(String sql, String user, String room, int limit, UserRoomRow<R> row) {
        return store.read(connection -> {
                    try (PreparedStatement statement = connection.prepareStatement(sql)) {
                        statement.setString(1, user);
                        statement.setString(2, user);
                        statement.setString(3, room);
                        statement.setInt(4, limit);
                        List<R> page = new ArrayList<>(limit);
                        try (ResultSet rows = statement.executeQuery()) {
                            while (rows.next()) {
                                page.add(row.of(rows.getString(1), rows.getString(2), rows.getLong(3)));
                            }
                        }
                        return page;
                    }
                })
                .join();
    }

    /** Up to {@code limit} room rows (topics) named after {@code room}, by name. */
    List<RoomRow> rooms(String room, int limit) {
        return store.read(connection -> {
                    try (PreparedStatement statement = connection.prepareStatement(ROOMS)) {
                        statement.setString(1, room);
                        statement.setInt(2, limit);
                        List<RoomRow> page = new ArrayList<>(limit);
                        try (ResultSet rows = statement.executeQuery()) {
                            while (rows.next()) {
                                long topicAt = rows.getLong(4);
                                Long at = rows.wasNull() ? null : topicAt;
                                page.add(new RoomRow(
                                        rows.getString(1), rows.getString(2), rows.getString(3), at, rows.getLong(5)));
                            }
                        }
                        return page;
                    }
                })
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
