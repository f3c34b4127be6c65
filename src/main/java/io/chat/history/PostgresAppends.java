package io.chat.history;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * One tenant's appends of a batch, inside the writer's open transaction, in one call of the database function
 * {@code chat_append} (migration V2, where the steps are explained): it locks the rooms' counter rows in room order
 * and holds them to commit (gap-free seqs in commit order across nodes, no deadlock between nodes), then, in a new
 * snapshot, finds the clientIds already stored, numbers and inserts the new messages and moves the counters. It also
 * sets the transaction's tenant. No seq is cached between transactions: other nodes move the counters.
 */
final class PostgresAppends {
    private static final String APPEND =
            "SELECT r_seq, r_id, r_text, r_ts, r_duplicate FROM chat_append(?, ?, ?, ?, ?, ?::uuid[], ?)";

    /** An append of the batch: what to store. */
    record Request(String room, String from, String text, Optional<String> clientId) {}

    private PostgresAppends() {}

    /**
     * Stores the appends of {@code tenant}, in order; returns their results in the same order. A clientId already
     * stored, or repeated within the batch, stores nothing and answers with the first message. Leaves the
     * transaction's tenant set to {@code tenant}.
     */
    static List<AppendResult> append(Connection connection, String tenant, List<Request> requests) throws SQLException {
        int n = requests.size();
        String[] rooms = new String[n];
        String[] senders = new String[n];
        byte[][] texts = new byte[n][];
        String[] clientIds = new String[n];
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            Request request = requests.get(i);
            rooms[i] = request.room();
            senders[i] = request.from();
            texts[i] = request.text().getBytes(StandardCharsets.UTF_8);
            clientIds[i] = request.clientId().orElse(null);
            ids[i] = UUID.randomUUID().toString();
        }
        List<AppendResult> results = new ArrayList<>(n);
        try (PreparedStatement statement = connection.prepareStatement(APPEND)) {
            statement.setString(1, tenant);
            statement.setArray(2, connection.createArrayOf("text", rooms));
            statement.setArray(3, connection.createArrayOf("text", senders));
            statement.setArray(4, connection.createArrayOf("bytea", texts));
            statement.setArray(5, connection.createArrayOf("text", clientIds));
            statement.setArray(6, connection.createArrayOf("text", ids));
            statement.setLong(7, System.currentTimeMillis());
            try (ResultSet rows = statement.executeQuery()) {
                for (Request request : requests) {
                    if (!rows.next()) {
                        throw new SQLException("chat_append answered " + results.size() + " appends of " + n);
                    }
                    StoredMessage message = new StoredMessage(
                            rows.getString(2),
                            request.room(),
                            rows.getLong(1),
                            request.from(),
                            MessageQueries.text(rows, 3),
                            Instant.ofEpochMilli(rows.getLong(4)));
                    results.add(new AppendResult(message, rows.getBoolean(5)));
                }
            }
        }
        return results;
    }

    /** Messages stored for the tenant set in the transaction: seqs are gap-free from 1, so the counters add up. */
    static long count(Connection connection) throws SQLException {
        try (PreparedStatement statement =
                        connection.prepareStatement("SELECT coalesce(sum(last_seq), 0) FROM room_counters");
                ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
