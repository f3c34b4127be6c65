package io.chat.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;

/**
 * The {@code mentions} table of both stores: a row {@code (room, name, seq, sender)} for each name a message's latest
 * text mentions ({@link Mentions#names}), so that counting a user's unread mentions reads at most its matches, never a
 * text ({@link SqlReadPositions}). Written with the message, replaced by an edit, removed by a deletion, inside the
 * writer's transaction; messages stored before the table are added by {@link MentionBackfill}. On PostgreSQL the
 * tenant column takes its default and row security keeps every statement inside the tenant (migration V15).
 */
final class MentionSql {
    /** How each store adds a row that may be there already (the backfill meets messages whose rows were written). */
    enum Dialect {
        H2("MERGE INTO mentions (room, name, seq, sender) KEY (room, name, seq) VALUES %s"),
        POSTGRES("INSERT INTO mentions (room, name, seq, sender) VALUES %s ON CONFLICT DO NOTHING");

        private final String merge;

        Dialect(String merge) {
            this.merge = merge;
        }
    }

    /** {@code %s}: the rows' placeholders. */
    private static final String INSERT = "INSERT INTO mentions (room, name, seq, sender) VALUES %s";

    private static final String DELETE = "DELETE FROM mentions WHERE room = ? AND seq = ?";

    private MentionSql() {}

    /** The rows of a message just stored (it has none yet). */
    static void insert(Connection connection, String room, long seq, String sender, List<String> names)
            throws SQLException {
        write(connection, INSERT, room, seq, sender, names);
    }

    /** The rows of a message another writer may have given them already (the backfill's). */
    static void merge(Connection connection, Dialect dialect, String room, long seq, String sender, List<String> names)
            throws SQLException {
        write(connection, dialect.merge, room, seq, sender, names);
    }

    /**
     * The message's rows become those of its new text ({@code names}: empty for a deletion). Edits are by the author
     * only, so the sender is the editor.
     */
    static void replace(Connection connection, String room, long seq, String sender, List<String> names)
            throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(DELETE)) {
            delete.setString(1, room);
            delete.setLong(2, seq);
            delete.executeUpdate();
        }
        insert(connection, room, seq, sender, names);
    }

    /** One statement for all the message's rows: H2 runs a JDBC batch row by row, twice as slow here. */
    private static void write(
            Connection connection, String sql, String room, long seq, String sender, List<String> names)
            throws SQLException {
        if (names.isEmpty()) {
            return; // most messages
        }
        String rows = String.join(", ", Collections.nCopies(names.size(), "(?, ?, ?, ?)"));
        try (PreparedStatement insert = connection.prepareStatement(sql.formatted(rows))) {
            int at = 1;
            for (String name : names) {
                insert.setString(at++, room);
                insert.setString(at++, name);
                insert.setLong(at++, seq);
                insert.setString(at++, sender);
            }
            insert.executeUpdate();
        }
    }
}
