package io.chat.history;

import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * One tenant's appends of a batch, inside the writer's open transaction (the tenant already set), in four statements
 * whatever the batch's size:
 * <ol>
 *   <li>lock the rooms' counter rows, creating the missing ones, in room order, and read their last seq. Every node
 *       locks in (tenant, room) order, so two nodes never deadlock; the lock is held to commit, so a second node
 *       appending to the room waits for this commit and then numbers after it: seqs stay gap-free and in commit
 *       order across nodes. A rollback undoes the counters with the rows: no gap either;</li>
 *   <li>only then look for the batch's clientIds already stored: READ COMMITTED takes a new snapshot per statement,
 *       so a resend committed by another node while this one waited for the lock is seen (no unique violation);</li>
 *   <li>insert the new messages ({@code unnest} of arrays: one statement for all);</li>
 *   <li>move the counters.</li>
 * </ol>
 * No seq is cached between transactions: other nodes move the counters.
 */
final class PostgresAppends {
    private static final String LOCK_COUNTERS = """
            INSERT INTO room_counters (tenant_id, room, last_seq)
            SELECT current_setting('chat.tenant'), room, 0 FROM unnest(?::text[]) AS room
            ON CONFLICT (tenant_id, room) DO UPDATE SET last_seq = room_counters.last_seq
            RETURNING room, last_seq""";
    private static final String STORED_CLIENT_IDS = """
            SELECT m.sender, m.room, m.client_id, m.id, m.seq, m.text, m.ts FROM messages m
            JOIN unnest(?::text[], ?::text[], ?::text[]) AS k (sender, room, client_id)
              ON m.sender = k.sender AND m.room = k.room AND m.client_id = k.client_id
            WHERE m.tenant_id = current_setting('chat.tenant')""";
    private static final String INSERT = """
            INSERT INTO messages (tenant_id, room, seq, id, sender, text, ts, client_id)
            SELECT current_setting('chat.tenant'), * FROM unnest(
                ?::text[], ?::bigint[], ?::uuid[], ?::text[], ?::bytea[], ?::bigint[], ?::text[])""";
    private static final String MOVE_COUNTERS = """
            UPDATE room_counters c SET last_seq = u.last_seq
            FROM unnest(?::text[], ?::bigint[]) AS u (room, last_seq)
            WHERE c.tenant_id = current_setting('chat.tenant') AND c.room = u.room""";

    /** An append of the batch: what to store. */
    record Request(String room, String from, String text, Optional<String> clientId) {}

    private record ClientKey(String from, String room, String clientId) {}

    private PostgresAppends() {}

    /**
     * Stores the appends (all of one tenant, set in the transaction), in order; returns their results in the same
     * order. A clientId already stored, or repeated within the batch, stores nothing and answers with the first.
     */
    static List<AppendResult> append(Connection connection, List<Request> requests) throws SQLException {
        Map<String, Long> lastSeq = lockCounters(connection, requests);
        Map<ClientKey, StoredMessage> byClientId = storedClientIds(connection, requests);
        List<AppendResult> results = new ArrayList<>(requests.size());
        List<Request> fresh = new ArrayList<>();
        List<StoredMessage> freshMessages = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (Request request : requests) {
            Optional<ClientKey> key = request.clientId().map(id -> new ClientKey(request.from(), request.room(), id));
            StoredMessage earlier = key.map(byClientId::get).orElse(null);
            if (earlier != null) {
                results.add(new AppendResult(earlier, true));
                continue;
            }
            long seq = lastSeq.merge(request.room(), 1L, Long::sum);
            StoredMessage message = new StoredMessage(
                    UUID.randomUUID().toString(),
                    request.room(),
                    seq,
                    request.from(),
                    request.text(),
                    Instant.ofEpochMilli(now));
            key.ifPresent(k -> byClientId.put(k, message));
            fresh.add(request);
            freshMessages.add(message);
            results.add(new AppendResult(message, false));
        }
        if (!fresh.isEmpty()) {
            insert(connection, fresh, freshMessages);
            moveCounters(connection, freshMessages);
        }
        return results;
    }

    private static Map<String, Long> lockCounters(Connection connection, List<Request> requests) throws SQLException {
        String[] rooms =
                requests.stream().map(Request::room).distinct().sorted().toArray(String[]::new);
        Map<String, Long> lastSeq = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(LOCK_COUNTERS)) {
            statement.setArray(1, connection.createArrayOf("text", rooms));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    lastSeq.put(rows.getString(1), rows.getLong(2));
                }
            }
        }
        if (lastSeq.size() != rooms.length) {
            throw new SQLException("locked " + lastSeq.size() + " room counters of " + rooms.length);
        }
        return lastSeq;
    }

    private static Map<ClientKey, StoredMessage> storedClientIds(Connection connection, List<Request> requests)
            throws SQLException {
        Map<ClientKey, StoredMessage> stored = new HashMap<>();
        List<Request> withIds =
                requests.stream().filter(r -> r.clientId().isPresent()).toList();
        if (withIds.isEmpty()) {
            return stored;
        }
        try (PreparedStatement statement = connection.prepareStatement(STORED_CLIENT_IDS)) {
            statement.setArray(1, texts(connection, withIds.stream().map(Request::from)));
            statement.setArray(2, texts(connection, withIds.stream().map(Request::room)));
            statement.setArray(
                    3, texts(connection, withIds.stream().map(r -> r.clientId().get())));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    ClientKey key = new ClientKey(rows.getString(1), rows.getString(2), rows.getString(3));
                    stored.put(
                            key,
                            new StoredMessage(
                                    rows.getString(4),
                                    key.room(),
                                    rows.getLong(5),
                                    key.from(),
                                    MessageQueries.text(rows, 6),
                                    Instant.ofEpochMilli(rows.getLong(7))));
                }
            }
        }
        return stored;
    }

    private static void insert(Connection connection, List<Request> requests, List<StoredMessage> messages)
            throws SQLException {
        int n = messages.size();
        String[] rooms = new String[n];
        Long[] seqs = new Long[n];
        String[] ids = new String[n];
        String[] senders = new String[n];
        byte[][] texts = new byte[n][];
        Long[] timestamps = new Long[n];
        String[] clientIds = new String[n];
        for (int i = 0; i < n; i++) {
            StoredMessage message = messages.get(i);
            rooms[i] = message.room();
            seqs[i] = message.seq();
            ids[i] = message.id();
            senders[i] = message.from();
            texts[i] = message.text().getBytes(StandardCharsets.UTF_8);
            timestamps[i] = message.ts().toEpochMilli();
            clientIds[i] = requests.get(i).clientId().orElse(null);
        }
        try (PreparedStatement statement = connection.prepareStatement(INSERT)) {
            statement.setArray(1, connection.createArrayOf("text", rooms));
            statement.setArray(2, connection.createArrayOf("int8", seqs));
            statement.setArray(3, connection.createArrayOf("text", ids));
            statement.setArray(4, connection.createArrayOf("text", senders));
            statement.setArray(5, connection.createArrayOf("bytea", texts));
            statement.setArray(6, connection.createArrayOf("int8", timestamps));
            statement.setArray(7, connection.createArrayOf("text", clientIds));
            int inserted = statement.executeUpdate();
            if (inserted != n) {
                throw new SQLException("inserted " + inserted + " messages of " + n);
            }
        }
    }

    private static void moveCounters(Connection connection, List<StoredMessage> messages) throws SQLException {
        Map<String, Long> last = new TreeMap<>();
        messages.forEach(m -> last.merge(m.room(), m.seq(), Math::max));
        try (PreparedStatement statement = connection.prepareStatement(MOVE_COUNTERS)) {
            statement.setArray(1, connection.createArrayOf("text", last.keySet().toArray(String[]::new)));
            statement.setArray(2, connection.createArrayOf("int8", last.values().toArray(Long[]::new)));
            statement.executeUpdate();
        }
    }

    private static Array texts(Connection connection, Stream<String> values) throws SQLException {
        return connection.createArrayOf("text", values.toArray(String[]::new));
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
