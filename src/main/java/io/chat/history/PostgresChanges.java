package io.chat.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * Edits and deletions in the cluster's store, run as a task of the node's writer (its transaction, its group commit),
 * after the batch's appends. The room's counter row is locked first and held to commit, as an append holds it: the
 * change is numbered after every entry committed before it on any node, gap-free; a clientId resent meanwhile on
 * another node is seen once the lock is had (READ COMMITTED: each statement sees what was committed before it).
 */
final class PostgresChanges {
    private static final ChangeSql CHANGES = new ChangeSql(ChangeSql.Dialect.POSTGRES);

    private PostgresChanges() {}

    static ChangeResult apply(Connection connection, String room, String from, Change change, Optional<String> clientId)
            throws SQLException {
        return CHANGES.apply(
                connection,
                new CounterNumbering(connection),
                room,
                from,
                change,
                clientId,
                Instant.ofEpochMilli(System.currentTimeMillis()));
    }

    /** The room's counter row: locked, then moved by one. A room without one has no message to change. */
    private static final class CounterNumbering implements ChangeSql.Numbering {
        private final Connection connection;

        CounterNumbering(Connection connection) {
            this.connection = connection;
        }

        @Override
        public void lock(String room) throws SQLException {
            try (PreparedStatement lock =
                    connection.prepareStatement("SELECT last_seq FROM room_counters WHERE room = ? FOR UPDATE")) {
                lock.setString(1, room);
                lock.executeQuery().close();
            }
        }

        @Override
        public long next(String room) throws SQLException {
            try (PreparedStatement move = connection.prepareStatement(
                    "UPDATE room_counters SET last_seq = last_seq + 1 WHERE room = ? RETURNING last_seq")) {
                move.setString(1, room);
                try (ResultSet rows = move.executeQuery()) {
                    if (!rows.next()) {
                        throw new SQLException("room without a counter has a message to change");
                    }
                    return rows.getLong(1);
                }
            }
        }
    }
}
