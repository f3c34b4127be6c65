package io.chat.history;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Edits, deletions and reactions inside a writer's open transaction, the same for both stores: the store gives the numbering
 * (H2: its writer's cached last seq; PostgreSQL: the room's counter row, locked) and how text is kept.
 *
 * <p>A change is a row of its own in {@code messages} (kind, target; no text: the target holds the latest text, and a
 * deleted message none at all), and an update of its target's row (text and {@code edited_ts}, or text emptied and
 * {@code deleted}).
 */
final class ChangeSql {
    /** How a store numbers a room's next entry. */
    interface Numbering {
        /** Called first: whatever orders this room's writers (PostgreSQL locks its counter row; H2 has one writer). */
        void lock(String room) throws SQLException;

        /** The seq the change gets (called once, after every check passed). */
        long next(String room) throws SQLException;
    }

    /** Where the entry with a clientId is: H2 finds it by its key's index first (see {@link ClientKeys}). */
    private static final String BY_CLIENT_ID =
            MessageQueries.ENTRIES + "WHERE m.sender = ? AND m.room = ? AND m.client_id = ?";

    static final String BY_CLIENT_KEY =
            MessageQueries.ENTRIES + "WHERE m." + ClientKeys.MATCH.replace(" AND ", " AND m.");
    private static final String BY_SEQ = MessageQueries.ENTRIES + "WHERE m.room = ? AND m.seq = ?";
    /** The target, and whether its author is an earlier account with the name (see {@link EarlierAccount}). */
    private static final String TARGET = "SELECT sender, kind, deleted, "
            + EarlierAccount.test("messages.sender", "messages.ts")
            + " FROM messages WHERE room = ? AND seq = ?";

    private static final String INSERT =
            "INSERT INTO messages (room, seq, id, sender, text, ts, client_id, kind, target) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_KEYED = "INSERT INTO messages (room, seq, id, sender, text, ts, client_id, kind,"
            + " target, " + ClientKeys.COLUMN + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String EDIT = "UPDATE messages SET text = ?, edited_ts = ? WHERE room = ? AND seq = ?";
    private static final String DELETE = "UPDATE messages SET text = ?, deleted = TRUE WHERE room = ? AND seq = ?";

    /** How each store keeps an entry's columns. */
    enum Dialect {
        /** Text and ids as VARCHAR; a clientId found by its {@link ClientKeys} key. */
        H2(false, false, true),
        /** Text as UTF-8 {@code bytea}, ids as {@code uuid}; a clientId found by the unique index on the strings. */
        POSTGRES(true, true, false);

        private final boolean textAsBytes;
        private final boolean uuidIds;
        private final boolean keyedClientIds;

        Dialect(boolean textAsBytes, boolean uuidIds, boolean keyedClientIds) {
            this.textAsBytes = textAsBytes;
            this.uuidIds = uuidIds;
            this.keyedClientIds = keyedClientIds;
        }
    }

    private final Dialect dialect;

    ChangeSql(Dialect dialect) {
        this.dialect = dialect;
    }

    /** Checks and stores the change; refuses it without writing anything. */
    ChangeResult apply(
            Connection connection,
            Numbering numbering,
            String room,
            String from,
            Change change,
            Optional<String> clientId,
            Instant now)
            throws SQLException {
        numbering.lock(room);
        if (clientId.isPresent()) {
            Optional<StoredMessage> earlier = byClientId(connection, from, room, clientId.get());
            if (earlier.isPresent()) {
                return new ChangeResult.Changed(earlier.get(), true);
            }
        }
        Optional<ChangeResult.Reason> refusal = check(connection, room, from, change);
        if (refusal.isPresent()) {
            return new ChangeResult.Refused(refusal.get());
        }
        long seq = numbering.next(room);
        String text =
                switch (change) {
                    case Change.Edit edit -> edit.text();
                    case Change.Delete delete -> "";
                    case Change.React react -> react.emoji();
                };
        boolean reactionAdded = write(
                connection,
                new StoredMessage(
                        UUID.randomUUID().toString(),
                        room,
                        seq,
                        from,
                        text,
                        now,
                        change.kind(),
                        change.target(),
                        Optional.empty(),
                        false),
                clientId);
        // read back as catch-up shows it: the ack and the broadcast are what a client catching up gets
        return new ChangeResult.Changed(entry(connection, room, seq), false, reactionAdded);
    }

    /**
     * Inserts the change's row and applies it to its target: for an edit, the entry's text is the new text (kept only
     * in the target's row), for a reaction its emoji (kept in the entry's row too).
     */
    boolean write(Connection connection, StoredMessage entry, Optional<String> clientId) throws SQLException {
        insertRow(connection, entry, clientId);
        if (entry.kind() == EntryKind.REACTION) {
            return ReactionSql.toggle(connection, entry);
        }
        applyToTarget(connection, entry);
        return false;
    }

    /** The change's own row in the room's sequence, without its effect on the target. */
    void insertRow(Connection connection, StoredMessage entry, Optional<String> clientId) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(dialect.keyedClientIds ? INSERT_KEYED : INSERT)) {
            insert.setString(1, entry.room());
            insert.setLong(2, entry.seq());
            if (dialect.uuidIds) {
                insert.setObject(3, UUID.fromString(entry.id()));
            } else {
                insert.setString(3, entry.id());
            }
            insert.setString(4, entry.from());
            setText(insert, 5, entry.kind() == EntryKind.REACTION ? entry.text() : "");
            insert.setLong(6, entry.ts().toEpochMilli());
            insert.setString(7, clientId.orElse(null));
            insert.setInt(8, entry.kind().code);
            insert.setLong(9, entry.target());
            if (dialect.keyedClientIds) {
                ClientKeys.set(insert, 10, entry.from(), entry.room(), clientId);
            }
            insert.executeUpdate();
        }
    }

    /**
     * Puts a logged change's effect on its target back, whatever part of it the database holds: unlike {@link #write},
     * running it twice leaves what running it once does. A reaction is set to the state the log says it left
     * ({@code reactionAdded}), not toggled.
     */
    void reapply(Connection connection, StoredMessage entry, boolean reactionAdded) throws SQLException {
        if (entry.kind() == EntryKind.REACTION) {
            ReactionSql.set(connection, entry, reactionAdded);
        } else {
            applyToTarget(connection, entry);
        }
    }

    /**
     * An edit sets the target's text and edit time, a deletion empties its text, marks it and drops its reactions; the
     * target's mentions become those of its new text (a deletion's: none).
     */
    private void applyToTarget(Connection connection, StoredMessage entry) throws SQLException {
        if (entry.kind() == EntryKind.DELETE) {
            ReactionSql.deleteAll(connection, entry.room(), entry.target());
        }
        boolean edit = entry.kind() == EntryKind.EDIT;
        try (PreparedStatement update = connection.prepareStatement(edit ? EDIT : DELETE)) {
            setText(update, 1, edit ? entry.text() : "");
            int at = 2;
            if (edit) {
                update.setLong(at++, entry.ts().toEpochMilli());
            }
            update.setString(at++, entry.room());
            update.setLong(at, entry.target());
            update.executeUpdate();
        }
        // edits and deletions are the author's alone: the entry's sender is the message's
        List<String> names = edit ? Mentions.names(entry.text(), AccountStore.MAX_USER) : List.of();
        MentionSql.replace(connection, entry.room(), entry.target(), entry.from(), names);
    }

    /** The entry stored under the clientId, in its state now. */
    Optional<StoredMessage> byClientId(Connection connection, String from, String room, String clientId)
            throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement(dialect.keyedClientIds ? BY_CLIENT_KEY : BY_CLIENT_ID)) {
            int at = 1;
            if (dialect.keyedClientIds) {
                select.setLong(at++, ClientKeys.of(from, room, clientId));
            }
            select.setString(at++, from);
            select.setString(at++, room);
            select.setString(at, clientId);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                StoredMessage entry = MessageQueries.entry(rows, room);
                return Optional.of(
                        ReactionSql.attach(connection, room, List.of(entry)).getFirst());
            }
        }
    }

    private StoredMessage entry(Connection connection, String room, long seq) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(BY_SEQ)) {
            select.setString(1, room);
            select.setLong(2, seq);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    throw new SQLException("the change just written is not there");
                }
                return ReactionSql.attach(connection, room, List.of(MessageQueries.entry(rows, room)))
                        .getFirst();
            }
        }
    }

    private static Optional<ChangeResult.Reason> check(Connection connection, String room, String from, Change change)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(TARGET)) {
            select.setString(1, room);
            select.setLong(2, change.target());
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next() || rows.getInt(2) != EntryKind.MESSAGE.code) {
                    return Optional.of(ChangeResult.Reason.NO_SUCH_MESSAGE);
                }
                // a message of an earlier account with the author's name is someone else's
                if (!(change instanceof Change.React) && (!rows.getString(1).equals(from) || rows.getBoolean(4))) {
                    return Optional.of(ChangeResult.Reason.NOT_AUTHOR);
                }
                if (rows.getBoolean(3)) {
                    return Optional.of(ChangeResult.Reason.DELETED);
                }
            }
        }
        if (change instanceof Change.React react) {
            return ReactionSql.checkAdd(connection, room, react.target(), from, react.emoji());
        }
        return Optional.empty();
    }

    private void setText(PreparedStatement statement, int index, String text) throws SQLException {
        if (dialect.textAsBytes) {
            statement.setBytes(index, text.getBytes(StandardCharsets.UTF_8));
        } else {
            statement.setString(index, text);
        }
    }
}
