package io.chat.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
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
    static final String CLIENT_ID_TAKEN = "SELECT 1 FROM messages WHERE " + ClientKeys.MATCH;

    private final PreparedStatement insert;
    private final PreparedStatement lastSeq;
    private final PreparedStatement exists;
    private final PreparedStatement clientIdTaken;
    private final Connection connection;
    private final ChangeSql changes = new ChangeSql(ChangeSql.Dialect.H2);
    /** Numbers a change after the room's cached last seq; the writer thread is the only writer, so no lock. */
    private final ChangeSql.Numbering numbering = new ChangeSql.Numbering() {
        @Override
        public void lock(String room) {}

        @Override
        public long next(String room) throws SQLException {
            return lastSeq(room) + 1;
        }
    };

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
    /** The rows of the open transaction, in order, for the log. */
    private final List<LoggedMessage> batchRows = new ArrayList<>();

    private record ClientKey(String from, String room, String clientId) {}

    MessageWriter(Connection connection) throws SQLException {
        this.connection = connection;
        insert = connection.prepareStatement("INSERT INTO messages (room, seq, id, sender, text, ts, client_id, "
                + ClientKeys.COLUMN + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        // ORDER BY room DESC, seq DESC walks the primary key backwards: see MessageQueries.
        lastSeq = connection.prepareStatement(
                "SELECT seq FROM messages WHERE room = ? ORDER BY room DESC, seq DESC LIMIT 1");
        exists = connection.prepareStatement("SELECT 1 FROM messages WHERE room = ? AND seq = ?");
        clientIdTaken = connection.prepareStatement(CLIENT_ID_TAKEN);
    }

    /** {@code names}: those {@code text} mentions ({@link Mentions#names}), worked out before the writer's turn. */
    AppendResult append(String room, String from, String text, Optional<String> clientId, List<String> names)
            throws SQLException {
        Optional<ClientKey> key = clientId.map(id -> new ClientKey(from, room, id));
        if (key.isPresent() && batchClientIds.containsKey(key.get())) {
            return new AppendResult(batchClientIds.get(key.get()), true);
        }
        // this thread is the only writer of messages: nothing can store the clientId between this look and the insert
        // the key's hash once per send: the probe and the insert share it
        Optional<Long> hash = key.map(k -> ClientKeys.of(k.from(), k.room(), k.clientId()));
        if (key.isPresent() && taken(key.get(), hash.get())) {
            Optional<StoredMessage> earlier = earlier(key.get());
            if (earlier.isPresent()) {
                return new AppendResult(earlier.get(), true);
            }
        }
        long seq = lastSeq(room) + 1;
        StoredMessage message = new StoredMessage(
                UUID.randomUUID().toString(), room, seq, from, text, Instant.ofEpochMilli(System.currentTimeMillis()));
        insert(message, clientId, hash, names);
        // Only now: a failed INSERT is undone by H2 on its own and must not advance the room.
        lastSeqByRoom.put(room, seq);
        touchedRooms.add(room);
        key.ifPresent(k -> batchClientIds.put(k, message));
        batchRows.add(new LoggedMessage(message, clientId));
        return new AppendResult(message, false);
    }

    /** Stores a change (see {@link ChangeSql}) in the open transaction, numbered and logged as an append is. */
    ChangeResult change(String room, String from, Change change, Optional<String> clientId) throws SQLException {
        Optional<ClientKey> key = clientId.map(id -> new ClientKey(from, room, id));
        if (key.isPresent() && batchClientIds.containsKey(key.get())) {
            return new ChangeResult.Changed(batchClientIds.get(key.get()), true);
        }
        ChangeResult result = changes.apply(
                connection, numbering, room, from, change, clientId, Instant.ofEpochMilli(System.currentTimeMillis()));
        if (result instanceof ChangeResult.Changed(StoredMessage entry, boolean duplicate, boolean reactionAdded)
                && !duplicate) {
            lastSeqByRoom.put(room, entry.seq());
            touchedRooms.add(room);
            key.ifPresent(k -> batchClientIds.put(k, entry));
            batchRows.add(LoggedMessage.ofChange(entry, clientId, reactionAdded));
        }
        return result;
    }

    /**
     * Restores the logged rows the database does not have (it stores a prefix of the commits, so these are
     * the log's tail), then puts back the effect of every logged change on its target; returns how many rows it
     * inserted. Runs in the open transaction; the caller commits.
     *
     * <p>Why effects are put back even for a change whose row is there: H2 stores its maps one after another while the
     * writer goes on, so a file written in the background mid-batch can hold a change's row without its effect (seen
     * after kill -9: a reaction's entry without the reaction). The log has every change since the last checkpoint,
     * which the writer only takes between batches, so putting back the last edit of each target, every deletion and
     * the state each reaction was left in, in log order, yields what was acknowledged.
     */
    int restore(List<LoggedMessage> logged) throws SQLException {
        int restored = 0;
        for (LoggedMessage row : logged) {
            if (stored(row)) {
                continue;
            }
            if (row.message().kind() == EntryKind.MESSAGE) {
                insert(
                        row.message(),
                        row.clientId(),
                        ClientKeys.of(row.message().from(), row.message().room(), row.clientId()),
                        List.of());
            } else {
                changes.insertRow(connection, row.message(), row.clientId());
            }
            restored++;
        }
        // a message's row may be in the file without its mentions' rows, as a change's without its effect (below)
        for (LoggedMessage row : logged) {
            StoredMessage message = row.message();
            if (message.kind() == EntryKind.MESSAGE) {
                List<String> names = Mentions.names(message.text(), AccountStore.MAX_USER);
                MentionSql.merge(
                        connection, MentionSql.Dialect.H2, message.room(), message.seq(), message.from(), names);
            }
        }
        for (LoggedMessage change : LoggedChanges.lastEffects(logged)) {
            changes.reapply(connection, change.message(), change.reactionAdded());
        }
        lastSeqByRoom.clear();
        return restored;
    }

    /**
     * Whether the database has the logged row already: at its (room, seq), or under its clientId. Looked up before
     * inserting rather than by catching the insert's duplicate key: once, after a kill -9, the lookup that followed
     * such a failed insert in the same transaction hit H2's "row not found in primary index" (error 90143) and the
     * store could not open.
     */
    private boolean stored(LoggedMessage row) throws SQLException {
        exists.setString(1, row.message().room());
        exists.setLong(2, row.message().seq());
        try (ResultSet rows = exists.executeQuery()) {
            if (rows.next()) {
                return true;
            }
        }
        if (row.clientId().isEmpty()) {
            return false;
        }
        ClientKey key = new ClientKey(
                row.message().from(), row.message().room(), row.clientId().get());
        Optional<StoredMessage> earlier = earlier(key);
        if (earlier.isEmpty()) {
            return false;
        }
        if (!earlier.get().id().equals(row.message().id())) {
            throw new SQLException("logged message " + row.message().id() + " (room seq "
                    + row.message().seq() + ") conflicts with stored message "
                    + earlier.get().id() + " (seq " + earlier.get().seq() + ")");
        }
        return true;
    }

    /** {@code hash}: the clientId's {@link ClientKeys} key, present when the clientId is; with its mentions' rows. */
    private void insert(StoredMessage message, Optional<String> clientId, Optional<Long> hash, List<String> names)
            throws SQLException {
        insert.setString(1, message.room());
        insert.setLong(2, message.seq());
        insert.setString(3, message.id());
        insert.setString(4, message.from());
        insert.setString(5, message.text());
        insert.setLong(6, message.ts().toEpochMilli());
        insert.setString(7, clientId.orElse(null));
        ClientKeys.set(insert, 8, hash);
        if (names.isEmpty()) {
            insert.executeUpdate(); // one statement: a failure undoes it alone
            return;
        }
        // two statements: a savepoint undoes the message's row too if its mentions' fail
        Savepoint savepoint = connection.setSavepoint();
        try {
            insert.executeUpdate();
            MentionSql.insert(connection, message.room(), message.seq(), message.from(), names);
            connection.releaseSavepoint(savepoint);
        } catch (SQLException e) {
            connection.rollback(savepoint);
            throw e;
        }
    }

    /** Whether an entry holds the clientId: one probe of the key's index, no join (most sends carry a new one). */
    private boolean taken(ClientKey key, long hash) throws SQLException {
        clientIdTaken.setLong(1, hash);
        clientIdTaken.setString(2, key.from());
        clientIdTaken.setString(3, key.room());
        clientIdTaken.setString(4, key.clientId());
        try (ResultSet rows = clientIdTaken.executeQuery()) {
            return rows.next();
        }
    }

    /** The transaction committed: returns the messages it added, in order. */
    List<LoggedMessage> committed() {
        List<LoggedMessage> rows = List.copyOf(batchRows);
        forgetBatch();
        return rows;
    }

    /** The transaction rolled back: the cached seqs of the rooms it touched are wrong now. */
    void rolledBack() {
        touchedRooms.forEach(lastSeqByRoom::remove);
        forgetBatch();
    }

    private void forgetBatch() {
        touchedRooms.clear();
        batchClientIds.clear();
        batchRows.clear();
    }

    /** The entry stored under the clientId, in its state now (a message edited since shows its latest text). */
    private Optional<StoredMessage> earlier(ClientKey key) throws SQLException {
        return changes.byClientId(connection, key.from(), key.room(), key.clientId());
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
        Database.closeQuietly(lastSeq);
        Database.closeQuietly(exists);
        Database.closeQuietly(clientIdTaken);
    }
}
