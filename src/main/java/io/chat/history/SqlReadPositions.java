package io.chat.history;

import static io.chat.history.Arguments.check;
import static java.util.concurrent.TimeUnit.MILLISECONDS;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@link ReadPositionStore} of both stores, in SQL both run but for the upsert. Writes are coalesced: a mark puts
 * the highest seq asked for its (user, room) in memory, and only the first mark since the last flush queues a task on
 * the store's writer, {@link #FLUSH_DELAY_MS} later; that task, when the writer runs it, takes every (user, room)
 * pending then and writes one row each (at most 5 flushes a second per store, whatever the number of readers). So a client marking every message it sees costs one row write per writer batch, not one per event, and the
 * writer's group commit carries them (on H2 a batch with a task is checkpointed into the database file before any of
 * its futures completes, see {@code Writer}): a mark is acknowledged only once durable, and kill -9 loses only marks
 * not acknowledged yet. Memory: one entry per (user, room) marked since the last flush, at most the tenant's sockets
 * times their rooms.
 */
final class SqlReadPositions implements ReadPositionStore {
    /** A store whose read positions are these: {@link ReadPositionStore} by delegation, written once for both. */
    interface Delegate extends ReadPositionStore {
        SqlReadPositions positions();

        @Override
        default CompletableFuture<ReadMark> markRead(String user, String room, long seq, boolean storedUsersOnly) {
            return positions().markRead(user, room, seq, storedUsersOnly);
        }

        @Override
        default CompletableFuture<List<ReadPosition>> readPositions(String user) {
            return positions().readPositions(user);
        }
    }

    /** Adds or moves forward one position: parameters user, room, seq. */
    static final String H2_UPSERT = """
            MERGE INTO read_positions p
            USING (VALUES (CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS BIGINT))) AS v (username, room, seq)
            ON p.username = v.username AND p.room = v.room
            WHEN MATCHED AND p.seq < v.seq THEN UPDATE SET seq = v.seq
            WHEN NOT MATCHED THEN INSERT (username, room, seq) VALUES (v.username, v.room, v.seq)""";

    /** Another node may move the same position at once: the row keeps the larger. */
    static final String POSTGRES_UPSERT = """
            INSERT INTO read_positions (username, room, seq) VALUES (?, ?, ?)
            ON CONFLICT (tenant_id, username, room) DO UPDATE SET seq = EXCLUDED.seq
            WHERE read_positions.seq < EXCLUDED.seq""";

    /** How long the first mark since the last flush waits for others before its flush is queued. */
    static final long FLUSH_DELAY_MS = 200;

    /**
     * The unread count of one room (parameters: {@code window}'s): one bounded walk of the (room, seq) key, whatever
     * the history. No order: any {@code MAX_UNREAD} matches make the count, so the walk stops at them or at the
     * window's end.
     */
    static final String UNREAD_COUNT = """
            SELECT COUNT(*) FROM (
                SELECT seq FROM messages WHERE room = ? AND seq > ? AND seq <= ?
                AND kind = 0 AND NOT deleted AND sender <> ?
                FETCH FIRST %d ROWS ONLY) t""".formatted(MAX_UNREAD);

    /**
     * The unread mentions of one room (parameters: {@link #mentionWindow}'s for the user's name, then again for
     * {@code room}): the rows of {@link MentionSql} naming the user or {@code room} in the window, a message once. Rows
     * exist only for messages (not edits, deletions or reactions) that are not deleted. Each half is one range of the
     * (room, name, seq) key that stops at {@code MAX_UNREAD} matches (the union of two such parts has that many exactly
     * when the whole union does), so a room costs at most twice that many key entries, whatever other names its
     * messages hold (one {@code name IN (...)} made H2 walk every row of the room), and no text.
     */
    static final String MENTIONS = """
            SELECT COUNT(*) FROM (
                (SELECT seq FROM mentions WHERE room = ? AND name = ? AND seq > ? AND seq <= ? AND sender <> ?
                FETCH FIRST %1$d ROWS ONLY)
                UNION
                (SELECT seq FROM mentions WHERE room = ? AND name = ? AND seq > ? AND seq <= ? AND sender <> ?
                FETCH FIRST %1$d ROWS ONLY)
                FETCH FIRST %1$d ROWS ONLY) t""".formatted(MAX_UNREAD);

    private record Key(String user, String room, boolean storedUsersOnly) {}

    /** The highest seq asked for one (user, room) since the last flush, and who waits for it. */
    private static final class Pending {
        long seq = -1;
        /** When the earliest of them was made (this store's clock): a user made again since then is not their user. */
        long markedAt = Long.MAX_VALUE;

        final List<CompletableFuture<ReadMark>> waiters = new ArrayList<>();
    }

    private final SqlRooms.Runner reads;
    private final SqlRooms.Runner writes;
    private final SqlRooms.Dialect dialect;
    private final Object lock = new Object();
    private Map<Key, Pending> pending = new HashMap<>(); // guarded by lock
    private boolean flushQueued; // guarded by lock

    SqlReadPositions(SqlRooms.Runner reads, SqlRooms.Runner writes, SqlRooms.Dialect dialect) {
        this.reads = reads;
        this.writes = writes;
        this.dialect = dialect;
    }

    @Override
    public CompletableFuture<ReadMark> markRead(String user, String room, long seq, boolean storedUsersOnly) {
        check("user", user, AccountStore.MAX_USER);
        check("room", room, MessageStore.MAX_ROOM);
        if (seq < 0) {
            throw new IllegalArgumentException("seq must not be negative");
        }
        CompletableFuture<ReadMark> result = new CompletableFuture<>();
        boolean queue;
        synchronized (lock) {
            Pending marks = pending.computeIfAbsent(new Key(user, room, storedUsersOnly), key -> new Pending());
            marks.seq = Math.max(marks.seq, seq);
            marks.markedAt = Math.min(marks.markedAt, System.currentTimeMillis());
            marks.waiters.add(result);
            queue = !flushQueued;
            flushQueued = true;
        }
        if (queue) {
            // a pause first: marks of the next FLUSH_DELAY_MS join this flush, so that marking takes at most a few
            // writer batches a second (on H2 each is a checkpoint) however many users are reading
            CompletableFuture.runAsync(this::flush, CompletableFuture.delayedExecutor(FLUSH_DELAY_MS, MILLISECONDS));
        }
        return result;
    }

    /**
     * One writer task for everything pending when it runs. The same marks if the writer runs it again (PostgreSQL's
     * writer retries a failed batch write by write): the upsert is idempotent.
     */
    private void flush() {
        AtomicReference<Map<Key, Pending>> taken = new AtomicReference<>();
        writes.<Map<Key, ReadMark>>run(connection -> {
                    Map<Key, Pending> batch = taken.updateAndGet(t -> t != null ? t : take());
                    Map<Key, ReadMark> stored = new HashMap<>();
                    for (Map.Entry<Key, Pending> entry : batch.entrySet()) {
                        stored.put(entry.getKey(), store(connection, entry.getKey(), entry.getValue()));
                    }
                    return stored;
                })
                .whenComplete((stored, error) -> {
                    // refused before it ran: nothing else was queued since, so all that is pending is this flush's
                    Map<Key, Pending> batch = taken.updateAndGet(t -> t != null ? t : take());
                    batch.forEach((key, marks) -> marks.waiters.forEach(waiter -> {
                        if (error != null) {
                            waiter.completeExceptionally(error);
                        } else {
                            waiter.complete(stored.get(key));
                        }
                    }));
                });
    }

    private Map<Key, Pending> take() {
        synchronized (lock) {
            Map<Key, Pending> batch = pending;
            pending = new HashMap<>();
            flushQueued = false;
            return batch;
        }
    }

    /**
     * Moves the position forward; with {@code storedUsersOnly}, only if the marks' user is still stored (locked, so that
     * a deletion of the user runs wholly before or after this) and was made before them: marks waiting for their flush
     * while their user was deleted and made again belong to nobody now ({@link EarlierAccount}'s fence).
     */
    private ReadMark store(Connection connection, Key key, Pending marks) throws SQLException {
        long previous = position(connection, key.user(), key.room());
        long clamped = Math.min(marks.seq, lastSeq(connection, key.room()));
        if (clamped <= previous || (key.storedUsersOnly() && !madeBefore(connection, key.user(), marks.markedAt))) {
            return new ReadMark(previous, false);
        }
        try (PreparedStatement write = connection.prepareStatement(dialect.upsertReadPosition())) {
            write.setString(1, key.user());
            write.setString(2, key.room());
            write.setLong(3, clamped);
            write.executeUpdate();
        }
        return new ReadMark(Math.max(clamped, position(connection, key.user(), key.room())), true);
    }

    @Override
    public CompletableFuture<List<ReadPosition>> readPositions(String user) {
        check("user", user, AccountStore.MAX_USER);
        return reads.run(connection -> {
            List<ReadPosition> positions = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("""
                    SELECT m.room, p.seq FROM memberships m
                    LEFT JOIN read_positions p ON p.username = m.username AND p.room = m.room
                    WHERE m.username = ? ORDER BY m.room""")) {
                select.setString(1, user);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        positions.add(new ReadPosition(rows.getString(1), rows.getLong(2), 0, 0));
                    }
                }
            }
            try (PreparedStatement count = connection.prepareStatement(UNREAD_COUNT);
                    PreparedStatement mentions = connection.prepareStatement(MENTIONS)) {
                List<ReadPosition> counted = new ArrayList<>(positions.size());
                for (ReadPosition position : positions) {
                    int unread = (int) count(count, position, user);
                    // no unread message, no mention among them
                    int mentioned = unread == 0 ? 0 : mentions(mentions, position, user);
                    counted.add(new ReadPosition(position.room(), position.lastRead(), unread, mentioned));
                }
                return counted;
            }
        });
    }

    private static long count(PreparedStatement count, ReadPosition position, String user) throws SQLException {
        window(count, position, user);
        try (ResultSet rows = count.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static int mentions(PreparedStatement mentions, ReadPosition position, String user) throws SQLException {
        // a user no text can name is mentioned by @room alone: the first half asks for it too
        String name = Mentions.nameOf(user, AccountStore.MAX_USER).orElse(Mentions.ROOM);
        mentionWindow(mentions, 1, name, position, user);
        mentionWindow(mentions, 6, Mentions.ROOM, position, user);
        try (ResultSet rows = mentions.executeQuery()) {
            rows.next();
            return rows.getInt(1);
        }
    }

    /** One half of {@link #MENTIONS}'s parameters, from {@code at}: room, name, the window, not user's. */
    static void mentionWindow(PreparedStatement statement, int at, String name, ReadPosition position, String user)
            throws SQLException {
        statement.setString(at, position.room());
        statement.setString(at + 1, name);
        statement.setLong(at + 2, position.lastRead());
        statement.setLong(at + 3, position.lastRead() + UNREAD_WINDOW);
        statement.setString(at + 4, user);
    }

    /** The unread window's parameters: room, after the position, at most {@link #UNREAD_WINDOW} past it, not user's. */
    private static void window(PreparedStatement statement, ReadPosition position, String user) throws SQLException {
        statement.setString(1, position.room());
        statement.setLong(2, position.lastRead());
        statement.setLong(3, position.lastRead() + UNREAD_WINDOW);
        statement.setString(4, user);
    }

    private boolean madeBefore(Connection connection, String user, long markedAt) throws SQLException {
        OptionalLong createdAt = AccountSql.lockedUserCreatedAt(connection, user, dialect.lockMember());
        return createdAt.isPresent() && createdAt.getAsLong() < markedAt;
    }

    private static long position(Connection connection, String user, String room) throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement("SELECT seq FROM read_positions WHERE username = ? AND room = ?")) {
            select.setString(1, user);
            select.setString(2, room);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getLong(1) : 0;
            }
        }
    }

    /** The room's last seq (0 when it has no history), by the (room, seq) key backwards. */
    private static long lastSeq(Connection connection, String room) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT seq FROM messages WHERE room = ? ORDER BY seq DESC FETCH FIRST 1 ROWS ONLY")) {
            select.setString(1, room);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getLong(1) : 0;
            }
        }
    }
}
