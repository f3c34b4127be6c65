package io.chat.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Appends inside the writer's open transaction. Owned by the writer thread alone, so its caches need
 * no locks. The last seq of each room is cached; a cache miss reads the room's highest seq inside the
 * current transaction, which also sees the batch's own uncommitted rows, so the cache may forget any
 * room at any time without ever producing a duplicate or a gap.
 */
final class MessageWriter implements AutoCloseable {
    private static final int MAX_CACHED_ROOMS = 10_000;

    private final PreparedStatement insert;
    private final PreparedStatement byClientId;
    private final PreparedStatement lastSeq;
    private final Map<String, Long> lastSeqByRoom = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > MAX_CACHED_ROOMS;
        }
    };
    /** Rooms whose cached seq includes uncommitted rows: forgotten if the transaction rolls back. */
    private final Set<String> touchedRooms = new HashSet<>();
    /** clientIds appended in the open transaction, so that duplicates within one batch store one row. */
    private final Map<ClientKey, StoredMessage> batchClientIds = new HashMap<>();
    private int inserted;

    private record ClientKey(String from, String room, String clientId) {
    }

    MessageWriter(Connection connection) throws SQLException {
        insert = connection.prepareStatement(
                "INSERT INTO messages (room, seq, id, sender, text, ts, client_id) VALUES (?, ?, ?, ?, ?, ?, ?)");
        byClientId = connection.prepareStatement(
                "SELECT id, seq, text, ts FROM messages WHERE sender = ? AND room = ? AND client_id = ?");
        // ORDER BY room DESC, seq DESC walks the primary key backwards: see MessageQueries.
        lastSeq = connection.prepareStatement(
                "SELECT seq FROM messages WHERE room = ? ORDER BY room DESC, seq DESC LIMIT 1");
    }

    AppendResult append(String room, String from, String text, Optional<String> clientId) throws SQLException {
        Optional<ClientKey> key = clientId.map(id -> new ClientKey(from, room, id));
        if (key.isPresent()) {
            Optional<StoredMessage> earlier = earlier(key.get());
            if (earlier.isPresent()) {
                return new AppendResult(earlier.get(), true);
            }
        }
        long seq = lastSeq(room) + 1;
        StoredMessage message = new StoredMessage(UUID.randomUUID().toString(), room, seq, from, text,
                Instant.ofEpochMilli(System.currentTimeMillis()));
        insert.setString(1, room);
        insert.setLong(2, seq);
        insert.setString(3, message.id());
        insert.setString(4, from);
        insert.setString(5, text);
        insert.setLong(6, message.ts().toEpochMilli());
        insert.setString(7, clientId.orElse(null));
        insert.executeUpdate();
        // Only now: a failed INSERT is undone by H2 on its own and must not advance the room.
        lastSeqByRoom.put(room, seq);
        touchedRooms.add(room);
        key.ifPresent(k -> batchClientIds.put(k, message));
        inserted++;
        return new AppendResult(message, false);
    }

    /** The transaction committed: returns how many messages it added. */
    int committed() {
        int count = inserted;
        forgetBatch();
        return count;
    }

    /** The transaction rolled back: the cached seqs of the rooms it touched are wrong now. */
    void rolledBack() {
        touchedRooms.forEach(lastSeqByRoom::remove);
        forgetBatch();
    }

    private void forgetBatch() {
        touchedRooms.clear();
        batchClientIds.clear();
        inserted = 0;
    }

    private Optional<StoredMessage> earlier(ClientKey key) throws SQLException {
        StoredMessage inBatch = batchClientIds.get(key);
        if (inBatch != null) {
            return Optional.of(inBatch);
        }
        byClientId.setString(1, key.from());
        byClientId.setString(2, key.room());
        byClientId.setString(3, key.clientId());
        try (ResultSet rows = byClientId.executeQuery()) {
            if (!rows.next()) {
                return Optional.empty();
            }
            return Optional.of(new StoredMessage(rows.getString(1), key.room(), rows.getLong(2), key.from(),
                    rows.getString(3), Instant.ofEpochMilli(rows.getLong(4))));
        }
    }

    private long lastSeq(String room) throws SQLException {
        Long cached = lastSeqByRoom.get(room);
        if (cached != null) {
            return cached;
        }
        lastSeq.setString(1, room);
        try (ResultSet rows = lastSeq.executeQuery()) {
            long last = rows.next() ? rows.getLong(1) : 0;
            lastSeqByRoom.put(room, last);
            return last;
        }
    }

    @Override
    public void close() {
        Database.closeQuietly(insert);
        Database.closeQuietly(byClientId);
        Database.closeQuietly(lastSeq);
    }
}
