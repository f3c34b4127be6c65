package io.chat.history;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/**
 * Writes one tenant's rows into the cluster's database, page by page, in the caller's transaction: each page is one
 * statement ({@code INSERT ... SELECT FROM unnest(arrays)}), one round trip whatever its size. Not COPY: PostgreSQL
 * refuses {@code COPY FROM} into a table under row security, and the tables force it on every role but superusers.
 * The tenant column takes its default, the transaction's tenant, which row security checks on every row.
 */
final class PostgresTenantImport {
    private static final String TENANT = "INSERT INTO tenants (id, definition) VALUES (?, ?)";
    private static final String USERS = """
            INSERT INTO users (username, display_name, password_hash, created_at)
            SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::bigint[])""";
    private static final String SESSIONS = """
            INSERT INTO sessions (token_hash, username, expires_at)
            SELECT * FROM unnest(?::text[], ?::text[], ?::bigint[])""";
    private static final String MESSAGES = """
            INSERT INTO messages (room, seq, id, sender, text, ts, client_id, kind, target, edited_ts, deleted)
            SELECT * FROM unnest(?::text[], ?::bigint[], ?::uuid[], ?::text[], ?::bytea[], ?::bigint[], ?::text[],
                                 ?::smallint[], ?::bigint[], ?::bigint[], ?::boolean[])""";
    private static final String MEMBERSHIPS = """
            INSERT INTO memberships (username, room, joined_at)
            SELECT * FROM unnest(?::text[], ?::text[], ?::bigint[])""";
    private static final String READ_POSITIONS = """
            INSERT INTO read_positions (username, room, seq)
            SELECT * FROM unnest(?::text[], ?::text[], ?::bigint[])""";
    private static final String CONVERSATION_MEMBERS = """
            INSERT INTO conversation_members (username, room)
            SELECT * FROM unnest(?::text[], ?::text[])""";
    private static final String ROOMS = """
            INSERT INTO rooms (room, topic, topic_by, topic_at, created_at)
            SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[])""";
    private static final String REACTIONS = """
            INSERT INTO reactions (room, seq, emoji, username, ts, entry_seq)
            SELECT * FROM unnest(?::text[], ?::bigint[], ?::text[], ?::text[], ?::bigint[], ?::bigint[])""";
    /** Its messages come with their mentions' rows (below): nothing for {@link MentionBackfill} to add. */
    private static final String BACKFILLED = "INSERT INTO mention_backfills DEFAULT VALUES";

    private static final String COUNTER = "INSERT INTO room_counters (room, last_seq) VALUES (?, ?)";

    private final Connection connection;
    private final String tenantId;

    /** Starts {@code tenantId}'s rows in the connection's transaction (which the caller commits or rolls back). */
    PostgresTenantImport(Connection connection, String tenantId) throws SQLException {
        this.connection = connection;
        this.tenantId = tenantId;
        PostgresWriter.setTenant(connection, tenantId);
    }

    void definition(String tenantId, byte[] document) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(TENANT)) {
            insert.setString(1, tenantId);
            insert.setBytes(2, document);
            insert.executeUpdate();
        }
        try (PreparedStatement backfilled = connection.prepareStatement(BACKFILLED)) {
            backfilled.executeUpdate();
        }
    }

    void users(List<UserRecord> users) throws SQLException {
        insert(
                USERS,
                users.size(),
                text(users.stream().map(UserRecord::username).toArray(String[]::new)),
                text(users.stream().map(u -> u.displayName().orElse(null)).toArray(String[]::new)),
                text(users.stream().map(UserRecord::passwordHash).toArray(String[]::new)),
                bigint(users.stream().map(u -> u.createdAt().toEpochMilli()).toArray(Long[]::new)));
    }

    void sessions(List<SessionRecord> sessions) throws SQLException {
        insert(
                SESSIONS,
                sessions.size(),
                text(sessions.stream().map(SessionRecord::tokenHash).toArray(String[]::new)),
                text(sessions.stream().map(SessionRecord::username).toArray(String[]::new)),
                bigint(sessions.stream().map(s -> s.expiresAt().toEpochMilli()).toArray(Long[]::new)));
    }

    /**
     * The messages as they are: seq, id, timestamp and clientId unchanged. Text goes to UTF-8 bytes, as the cluster
     * store keeps it (an unpaired UTF-16 surrogate becomes '?', as on any append to that store).
     */
    void messages(List<H2TenantExport.Row> rows) throws SQLException {
        UUID[] ids = new UUID[rows.size()];
        for (int i = 0; i < ids.length; i++) {
            H2TenantExport.Row row = rows.get(i);
            try {
                ids[i] = UUID.fromString(row.id());
            } catch (IllegalArgumentException e) {
                throw new StoreException("message " + row.seq() + " of a room has an id that is not a UUID");
            }
            if (row.clientId().filter(id -> id.indexOf('\0') >= 0).isPresent()) {
                // the cluster's store refuses such a clientId on append too (PostgreSQL's text cannot hold U+0000)
                throw new StoreException("message " + row.seq() + " of a room has a clientId holding U+0000, which"
                        + " PostgreSQL cannot store");
            }
        }
        insert(
                MESSAGES,
                rows.size(),
                text(rows.stream().map(H2TenantExport.Row::room).toArray(String[]::new)),
                bigint(rows.stream().map(H2TenantExport.Row::seq).toArray(Long[]::new)),
                connection.createArrayOf("uuid", ids),
                text(rows.stream().map(H2TenantExport.Row::sender).toArray(String[]::new)),
                connection.createArrayOf(
                        "bytea",
                        rows.stream().map(r -> r.text().getBytes(UTF_8)).toArray(byte[][]::new)),
                bigint(rows.stream().map(H2TenantExport.Row::ts).toArray(Long[]::new)),
                text(rows.stream().map(r -> r.clientId().orElse(null)).toArray(String[]::new)),
                connection.createArrayOf(
                        "smallint", rows.stream().map(r -> (short) r.kind()).toArray(Short[]::new)),
                bigint(rows.stream()
                        .map(r -> r.kind() == EntryKind.MESSAGE.code ? null : r.target())
                        .toArray(Long[]::new)),
                bigint(rows.stream()
                        .map(r -> r.editedTs() == 0 ? null : r.editedTs())
                        .toArray(Long[]::new)),
                connection.createArrayOf(
                        "boolean",
                        rows.stream().map(H2TenantExport.Row::deleted).toArray(Boolean[]::new)));
        mentions(rows);
    }

    /**
     * The rows of the names each message's latest text mentions ({@link MentionSql}), as the cluster's appends write
     * them; a deleted message has none.
     */
    private void mentions(List<H2TenantExport.Row> rows) throws SQLException {
        PostgresAppends.MentionRows mentions = new PostgresAppends.MentionRows();
        for (H2TenantExport.Row row : rows) {
            if (row.kind() == EntryKind.MESSAGE.code && !row.deleted()) {
                List<String> names = Mentions.names(row.text(), AccountStore.MAX_USER);
                mentions.add(tenantId, row.room(), row.seq(), row.sender(), names);
            }
        }
        mentions.insert(connection);
        // chat_add_mentions leaves the transaction's tenant as it found it: this tenant's
    }

    /** Reactions as they are. */
    void reactions(List<H2TenantExport.ReactionRow> rows) throws SQLException {
        insert(
                REACTIONS,
                rows.size(),
                text(rows.stream().map(H2TenantExport.ReactionRow::room).toArray(String[]::new)),
                bigint(rows.stream().map(H2TenantExport.ReactionRow::seq).toArray(Long[]::new)),
                text(rows.stream().map(H2TenantExport.ReactionRow::emoji).toArray(String[]::new)),
                text(rows.stream().map(H2TenantExport.ReactionRow::username).toArray(String[]::new)),
                bigint(rows.stream().map(H2TenantExport.ReactionRow::ts).toArray(Long[]::new)),
                bigint(rows.stream().map(H2TenantExport.ReactionRow::entrySeq).toArray(Long[]::new)));
    }

    void memberships(List<H2TenantExport.MembershipRow> rows) throws SQLException {
        insert(
                MEMBERSHIPS,
                rows.size(),
                text(rows.stream().map(H2TenantExport.MembershipRow::user).toArray(String[]::new)),
                text(rows.stream().map(H2TenantExport.MembershipRow::room).toArray(String[]::new)),
                bigint(rows.stream().map(H2TenantExport.MembershipRow::joinedAt).toArray(Long[]::new)));
    }

    void readPositions(List<H2TenantExport.ReadPositionRow> rows) throws SQLException {
        insert(
                READ_POSITIONS,
                rows.size(),
                text(rows.stream().map(H2TenantExport.ReadPositionRow::user).toArray(String[]::new)),
                text(rows.stream().map(H2TenantExport.ReadPositionRow::room).toArray(String[]::new)),
                bigint(rows.stream().map(H2TenantExport.ReadPositionRow::seq).toArray(Long[]::new)));
    }

    void conversationMembers(List<H2TenantExport.ConversationMemberRow> rows) throws SQLException {
        insert(
                CONVERSATION_MEMBERS,
                rows.size(),
                text(rows.stream()
                        .map(H2TenantExport.ConversationMemberRow::user)
                        .toArray(String[]::new)),
                text(rows.stream()
                        .map(H2TenantExport.ConversationMemberRow::room)
                        .toArray(String[]::new)));
    }

    void rooms(List<H2TenantExport.RoomRow> rows) throws SQLException {
        insert(
                ROOMS,
                rows.size(),
                text(rows.stream().map(H2TenantExport.RoomRow::room).toArray(String[]::new)),
                text(rows.stream().map(H2TenantExport.RoomRow::topic).toArray(String[]::new)),
                text(rows.stream().map(H2TenantExport.RoomRow::topicBy).toArray(String[]::new)),
                bigint(rows.stream().map(H2TenantExport.RoomRow::topicAt).toArray(Long[]::new)),
                bigint(rows.stream().map(H2TenantExport.RoomRow::createdAt).toArray(Long[]::new)));
    }

    /** The room's counter: its next message gets {@code lastSeq + 1}. */
    void counter(String room, long lastSeq) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(COUNTER)) {
            insert.setString(1, room);
            insert.setLong(2, lastSeq);
            insert.executeUpdate();
        }
    }

    private void insert(String sql, int expected, Array... columns) throws SQLException {
        if (expected == 0) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(sql)) {
            for (int i = 0; i < columns.length; i++) {
                insert.setArray(i + 1, columns[i]);
            }
            int inserted = insert.executeUpdate();
            if (inserted != expected) {
                throw new StoreException("inserted " + inserted + " rows of " + expected);
            }
        } finally {
            for (Array column : columns) {
                column.free();
            }
        }
    }

    private Array text(String[] values) throws SQLException {
        return connection.createArrayOf("text", values);
    }

    private Array bigint(Long[] values) throws SQLException {
        return connection.createArrayOf("bigint", values);
    }
}
