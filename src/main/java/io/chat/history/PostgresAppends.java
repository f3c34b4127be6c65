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
 * A batch's appends, of any number of tenants, inside the writer's open transaction, in one call of the database
 * function {@code chat_append_batch} (migration V3), which calls {@code chat_append} (migration V2, where the steps
 * are explained) for each tenant in tenant order. For each tenant it locks the rooms' counter rows in room order
 * and holds them to commit (gap-free seqs in commit order across nodes, no deadlock between nodes), then, in a new
 * snapshot, finds the clientIds already stored, numbers and inserts the new messages and moves the counters. It sets
 * the transaction's tenant as it goes. No seq is cached between transactions: other nodes move the counters.
 */
final class PostgresAppends {
    private static final String APPEND = "SELECT r_ord, r_seq, r_id, r_text, r_ts, r_duplicate"
            + " FROM chat_append_batch(?, ?, ?, ?, ?, ?::uuid[], ?)";

    /** An append of the batch: what to store, for which tenant. */
    record Request(String tenant, String room, String from, String text, Optional<String> clientId) {}

    private PostgresAppends() {}

    /**
     * Stores the appends, each room's in order; returns their results in the order of {@code requests}. A clientId
     * already stored, or repeated within the batch, stores nothing and answers with the first message. Leaves the
     * transaction's tenant set to one of theirs.
     */
    static List<AppendResult> append(Connection connection, List<Request> requests) throws SQLException {
        int n = requests.size();
        String[] tenants = new String[n];
        String[] rooms = new String[n];
        String[] senders = new String[n];
        byte[][] texts = new byte[n][];
        String[] clientIds = new String[n];
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            Request request = requests.get(i);
            tenants[i] = request.tenant();
            rooms[i] = request.room();
            senders[i] = request.from();
            texts[i] = request.text().getBytes(StandardCharsets.UTF_8);
            clientIds[i] = request.clientId().orElse(null);
            ids[i] = UUID.randomUUID().toString();
        }
        AppendResult[] results = new AppendResult[n];
        try (PreparedStatement statement = connection.prepareStatement(APPEND)) {
            statement.setArray(1, connection.createArrayOf("text", tenants));
            statement.setArray(2, connection.createArrayOf("text", rooms));
            statement.setArray(3, connection.createArrayOf("text", senders));
            statement.setArray(4, connection.createArrayOf("bytea", texts));
            statement.setArray(5, connection.createArrayOf("text", clientIds));
            statement.setArray(6, connection.createArrayOf("text", ids));
            statement.setLong(7, System.currentTimeMillis());
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    int index = (int) rows.getLong(1) - 1;
                    Request request = requests.get(index);
                    StoredMessage message = new StoredMessage(
                            rows.getString(3),
                            request.room(),
                            rows.getLong(2),
                            request.from(),
                            MessageQueries.text(rows, 4),
                            Instant.ofEpochMilli(rows.getLong(5)));
                    results[index] = new AppendResult(message, rows.getBoolean(6));
                }
            }
        }
        for (AppendResult result : results) {
            if (result == null) {
                throw new SQLException("chat_append_batch left an append unanswered");
            }
        }
        return List.of(results);
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
