package io.chat.history;

import static io.chat.history.Arguments.check;
import static io.chat.history.Arguments.checkLimit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link RoomStore} of both stores, in SQL that H2 and PostgreSQL both run but for the few statements of its
 * {@link Dialect}; on PostgreSQL the tenant column takes its default and row security keeps every statement inside the
 * transaction's tenant. Writes go through the store's writer (its commit is durable before the future completes: on
 * H2 a batch with such a task is checkpointed into the database file, see {@code Writer}); reads through its read
 * queue.
 */
final class SqlRooms implements RoomStore {
    /** A store whose rooms are these: {@link RoomStore} by delegation, written once for both stores. */
    interface Delegate extends RoomStore {
        SqlRooms rooms();

        @Override
        default CompletableFuture<Remembered> remember(
                String user, String room, Instant at, int maxRooms, boolean storedUsersOnly) {
            return rooms().remember(user, room, at, maxRooms, storedUsersOnly);
        }

        @Override
        default CompletableFuture<Boolean> forget(String user, String room) {
            return rooms().forget(user, room);
        }

        @Override
        default CompletableFuture<List<RoomTopic>> roomsOf(String user) {
            return rooms().roomsOf(user);
        }

        @Override
        default CompletableFuture<Optional<Topic>> topic(String room) {
            return rooms().topic(room);
        }

        @Override
        default CompletableFuture<Void> setTopic(String room, Topic topic) {
            return rooms().setTopic(room, topic);
        }

        @Override
        default CompletableFuture<DirectoryPage> directory(String after, int limit) {
            return rooms().directory(after, limit);
        }
    }

    /** Runs work on the store's reads or its writer. */
    interface Runner {
        <T> CompletableFuture<T> run(SqlWork<T> work);
    }

    /**
     * What differs between the databases. {@code historyRooms}: the names of the rooms with messages, as a query
     * taking one parameter (names after it). The two inserts: each adds its row unless one with the same key exists,
     * and says 1 when it added it; on PostgreSQL they must not fail when another node adds the same row meanwhile.
     * {@code lockMember}: a user's row, locked so that a deletion of the user waits for the write or it for the
     * deletion; it selects the user's {@code created_at}. {@code upsertReadPosition}: see {@link SqlReadPositions}.
     */
    record Dialect(
            String historyRooms,
            String addMembership,
            String addRoom,
            String addConversationMember,
            String lockMember,
            String upsertReadPosition) {
        /** One writer per database: nothing else adds rows between the MERGE's check and its insert (see seekDirectory). */
        static final Dialect H2 = new Dialect(
                "SELECT DISTINCT room FROM messages WHERE room > ?",
                """
                MERGE INTO memberships m
                USING (VALUES (CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS BIGINT))) AS v (username, room, joined_at)
                ON m.username = v.username AND m.room = v.room
                WHEN NOT MATCHED THEN INSERT (username, room, joined_at) VALUES (v.username, v.room, v.joined_at)""",
                """
                MERGE INTO rooms r
                USING (VALUES (CAST(? AS VARCHAR), CAST(? AS BIGINT))) AS v (room, created_at)
                ON r.room = v.room
                WHEN NOT MATCHED THEN INSERT (room, created_at) VALUES (v.room, v.created_at)""",
                """
                MERGE INTO conversation_members c
                USING (VALUES (CAST(? AS VARCHAR), CAST(? AS VARCHAR))) AS v (room, username)
                ON c.room = v.room AND c.username = v.username
                WHEN NOT MATCHED THEN INSERT (room, username) VALUES (v.room, v.username)""",
                // one writer: nothing to take turns with but the deletion, which runs on the same thread
                AccountSql.LOCK_USER_EXCLUSIVELY,
                SqlReadPositions.H2_UPSERT);

        /** room_counters has one row per room with messages: no scan of the messages. */
        static final Dialect POSTGRES = new Dialect(
                "SELECT room FROM room_counters WHERE room > ?",
                "INSERT INTO memberships (username, room, joined_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                "INSERT INTO rooms (room, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
                "INSERT INTO conversation_members (room, username) VALUES (?, ?) ON CONFLICT DO NOTHING",
                // shared: opens and remembers (and a login's session, whose foreign key takes the same lock) never wait
                // for each other, whatever order a group commit's batch takes them in; a deletion's FOR UPDATE waits
                // for them and they for it
                "SELECT created_at FROM users WHERE username = ? FOR KEY SHARE",
                SqlReadPositions.POSTGRES_UPSERT);
    }

    /**
     * The first character of every conversation's room name (see {@link ConversationStore}), which no public room
     * name has: the directory leaves them out. Every conversation's name sorts before {@link #AFTER_CONVERSATIONS}.
     */
    static final String CONVERSATIONS = "@";

    private static final String AFTER_CONVERSATIONS = "@~";

    private final Runner reads;
    private final Runner writes;
    private final Dialect dialect;

    SqlRooms(Runner reads, Runner writes, Dialect dialect) {
        this.reads = reads;
        this.writes = writes;
        this.dialect = dialect;
    }

    @Override
    public CompletableFuture<Remembered> remember(
            String user, String room, Instant at, int maxRooms, boolean storedUsersOnly) {
        check("user", user, AccountStore.MAX_USER);
        check("room", room, MessageStore.MAX_ROOM);
        Objects.requireNonNull(at, "at");
        if (maxRooms < 0) {
            throw new IllegalArgumentException("maxRooms must not be negative");
        }
        return writes.run(connection -> remember(connection, user, room, at.toEpochMilli(), maxRooms, storedUsersOnly));
    }

    @Override
    public CompletableFuture<Boolean> forget(String user, String room) {
        check("user", user, AccountStore.MAX_USER);
        check("room", room, MessageStore.MAX_ROOM);
        return writes.run(connection -> {
            try (PreparedStatement delete =
                    connection.prepareStatement("DELETE FROM memberships WHERE username = ? AND room = ?")) {
                delete.setString(1, user);
                delete.setString(2, room);
                return delete.executeUpdate() > 0;
            }
        });
    }

    @Override
    public CompletableFuture<List<RoomTopic>> roomsOf(String user) {
        check("user", user, AccountStore.MAX_USER);
        return reads.run(connection -> {
            try (PreparedStatement select = connection.prepareStatement("""
                    SELECT m.room, r.topic, r.topic_by, r.topic_at FROM memberships m
                    LEFT JOIN rooms r ON r.room = m.room
                    WHERE m.username = ? ORDER BY m.room""")) {
                select.setString(1, user);
                try (ResultSet rows = select.executeQuery()) {
                    List<RoomTopic> rooms = new ArrayList<>();
                    while (rows.next()) {
                        rooms.add(roomTopic(rows));
                    }
                    return rooms;
                }
            }
        });
    }

    @Override
    public CompletableFuture<Optional<Topic>> topic(String room) {
        check("room", room, MessageStore.MAX_ROOM);
        return reads.run(connection -> {
            try (PreparedStatement select =
                    connection.prepareStatement("SELECT room, topic, topic_by, topic_at FROM rooms WHERE room = ?")) {
                select.setString(1, room);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? roomTopic(rows).topic() : Optional.empty();
                }
            }
        });
    }

    @Override
    public CompletableFuture<Void> setTopic(String room, Topic topic) {
        check("room", room, MessageStore.MAX_ROOM);
        Objects.requireNonNull(topic, "topic");
        check("topic", topic.text(), MAX_TOPIC);
        check("by", topic.by(), AccountStore.MAX_USER);
        long at = topic.at().toEpochMilli();
        return writes.run(connection -> {
            addRoom(connection, room, at);
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE rooms SET topic = ?, topic_by = ?, topic_at = ? WHERE room = ?")) {
                update.setString(1, topic.text());
                update.setString(2, topic.by());
                update.setLong(3, at);
                update.setString(4, room);
                update.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public CompletableFuture<DirectoryPage> directory(String after, int limit) {
        check("after", after, MessageStore.MAX_ROOM);
        checkLimit(limit);
        if (dialect == Dialect.H2) {
            return reads.run(connection -> seekDirectory(connection, after, limit));
        }
        // the names first (members' rooms and rooms with history, after the cursor), then each page row's figures:
        // the member count by the memberships' room index, the last message by the (room, seq) key backwards
        String sql = """
                SELECT n.room, r.topic, r.topic_by, r.topic_at,
                    (SELECT COUNT(*) FROM memberships c WHERE c.room = n.room),
                    (SELECT g.ts FROM messages g WHERE g.room = n.room ORDER BY g.seq DESC FETCH FIRST 1 ROWS ONLY)
                FROM (SELECT room FROM memberships WHERE room > ? UNION %s) n
                LEFT JOIN rooms r ON r.room = n.room
                WHERE LEFT(n.room, 1) <> '@'
                ORDER BY n.room
                FETCH FIRST ? ROWS ONLY""".formatted(dialect.historyRooms());
        return reads.run(connection -> {
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                select.setString(1, after);
                select.setString(2, after);
                select.setInt(3, limit + 1);
                try (ResultSet rows = select.executeQuery()) {
                    List<DirectoryEntry> rooms = new ArrayList<>();
                    while (rows.next()) {
                        long last = rows.getLong(6);
                        Optional<Instant> lastAt =
                                rows.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(last));
                        rooms.add(new DirectoryEntry(roomTopic(rows), rows.getLong(5), lastAt));
                    }
                    boolean hasMore = rooms.size() > limit;
                    return new DirectoryPage(hasMore ? rooms.subList(0, limit) : rooms, hasMore);
                }
            }
        });
    }

    /**
     * The directory on H2, which has no loose index scan: a DISTINCT over the messages read every row (a page took
     * 2-12 s with 200,000 messages, RoomDirectoryBench). Instead each next room with history is one probe of the
     * (room, seq) key, and each listed room's figures are three probes, all on the one read connection.
     */
    private static DirectoryPage seekDirectory(Connection connection, String after, int limit) throws SQLException {
        TreeSet<String> names = new TreeSet<>();
        try (PreparedStatement next = connection.prepareStatement(
                "SELECT room FROM messages WHERE room > ? ORDER BY room FETCH FIRST 1 ROWS ONLY")) {
            String from = after;
            while (names.size() <= limit) {
                next.setString(1, from);
                try (ResultSet rows = next.executeQuery()) {
                    if (!rows.next()) {
                        break;
                    }
                    from = rows.getString(1);
                    if (from.startsWith(CONVERSATIONS)) {
                        from = AFTER_CONVERSATIONS; // never listed: one probe skips them all
                        continue;
                    }
                    names.add(from);
                }
            }
        }
        try (PreparedStatement members = connection.prepareStatement(
                "SELECT DISTINCT room FROM memberships WHERE room > ? AND LEFT(room, 1) <> '@'"
                        + " ORDER BY room FETCH FIRST ? ROWS ONLY")) {
            members.setString(1, after);
            members.setInt(2, limit + 1);
            try (ResultSet rows = members.executeQuery()) {
                while (rows.next()) {
                    names.add(rows.getString(1));
                }
            }
        }
        List<DirectoryEntry> rooms = new ArrayList<>();
        try (PreparedStatement topic = connection.prepareStatement(
                        "SELECT room, topic, topic_by, topic_at FROM rooms WHERE room = ?");
                PreparedStatement count =
                        connection.prepareStatement("SELECT COUNT(*) FROM memberships WHERE room = ?");
                PreparedStatement last = connection.prepareStatement(
                        "SELECT ts FROM messages WHERE room = ? ORDER BY seq DESC FETCH FIRST 1 ROWS ONLY")) {
            for (String room : names) {
                if (rooms.size() == limit) {
                    break;
                }
                RoomTopic named = new RoomTopic(room, Optional.empty());
                topic.setString(1, room);
                try (ResultSet rows = topic.executeQuery()) {
                    if (rows.next()) {
                        named = roomTopic(rows);
                    }
                }
                count.setString(1, room);
                long members;
                try (ResultSet rows = count.executeQuery()) {
                    rows.next();
                    members = rows.getLong(1);
                }
                last.setString(1, room);
                Optional<Instant> lastAt;
                try (ResultSet rows = last.executeQuery()) {
                    lastAt = rows.next() ? Optional.of(Instant.ofEpochMilli(rows.getLong(1))) : Optional.empty();
                }
                rooms.add(new DirectoryEntry(named, members, lastAt));
            }
        }
        return new DirectoryPage(rooms, names.size() > limit);
    }

    private Remembered remember(
            Connection connection, String user, String room, long at, int maxRooms, boolean storedUsersOnly)
            throws SQLException {
        // a conversation is remembered by its members only, as they are when this writes (not when the caller read);
        // the user's row locked first, so that a deletion of the user runs wholly before or after this
        boolean conversation = room.startsWith(CONVERSATIONS);
        if (conversation || storedUsersOnly) {
            if (!AccountSql.lockUser(connection, user, dialect.lockMember()) && storedUsersOnly) {
                return Remembered.NOT_MEMBER;
            }
        }
        if (conversation) {
            try (PreparedStatement member =
                    connection.prepareStatement("SELECT 1 FROM conversation_members WHERE room = ? AND username = ?")) {
                member.setString(1, room);
                member.setString(2, user);
                try (ResultSet rows = member.executeQuery()) {
                    if (!rows.next()) {
                        return Remembered.NOT_MEMBER;
                    }
                }
            }
        }
        try (PreparedStatement known =
                connection.prepareStatement("SELECT 1 FROM memberships WHERE username = ? AND room = ?")) {
            known.setString(1, user);
            known.setString(2, room);
            try (ResultSet rows = known.executeQuery()) {
                if (rows.next()) {
                    return Remembered.ALREADY;
                }
            }
        }
        try (PreparedStatement count =
                connection.prepareStatement("SELECT COUNT(*) FROM memberships WHERE username = ?")) {
            count.setString(1, user);
            try (ResultSet rows = count.executeQuery()) {
                rows.next();
                if (rows.getLong(1) >= maxRooms) {
                    return Remembered.FULL;
                }
            }
        }
        addRoom(connection, room, at);
        try (PreparedStatement add = connection.prepareStatement(dialect.addMembership())) {
            add.setString(1, user);
            add.setString(2, room);
            add.setLong(3, at);
            return add.executeUpdate() > 0 ? Remembered.ADDED : Remembered.ALREADY;
        }
    }

    private void addRoom(Connection connection, String room, long at) throws SQLException {
        try (PreparedStatement add = connection.prepareStatement(dialect.addRoom())) {
            add.setString(1, room);
            add.setLong(2, at);
            add.executeUpdate();
        }
    }

    /** Columns 1-4 of a row: room, topic, topic_by, topic_at (the last three null when no topic was set). */
    private static RoomTopic roomTopic(ResultSet rows) throws SQLException {
        String topic = rows.getString(2);
        if (topic == null) {
            return new RoomTopic(rows.getString(1), Optional.empty());
        }
        return new RoomTopic(
                rows.getString(1),
                Optional.of(new Topic(topic, rows.getString(3), Instant.ofEpochMilli(rows.getLong(4)))));
    }
}
