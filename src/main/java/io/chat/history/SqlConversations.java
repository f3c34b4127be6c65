package io.chat.history;

import static io.chat.history.Arguments.check;
import static io.chat.history.Arguments.checkLimit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link ConversationStore} of both stores, in SQL that H2 and PostgreSQL both run but for the inserts of the
 * rooms' {@link SqlRooms.Dialect}. A conversation is its member rows ({@code conversation_members}) and each member's
 * remembered room ({@code memberships}), written in one transaction on the store's writer.
 */
final class SqlConversations implements ConversationStore {
    /** A store whose conversations, and user picker's pages, are these. */
    interface Delegate extends ConversationStore, AccountStore {
        SqlConversations conversations();

        @Override
        default CompletableFuture<Opened> openConversation(
                String room, List<String> members, String opener, Instant at, int maxRooms, boolean storedUsersOnly) {
            return conversations().openConversation(room, members, opener, at, maxRooms, storedUsersOnly);
        }

        @Override
        default CompletableFuture<List<String>> conversationMembers(String room) {
            return conversations().conversationMembers(room);
        }

        @Override
        default CompletableFuture<List<Conversation>> conversationsOf(String user) {
            return conversations().conversationsOf(user);
        }

        @Override
        default CompletableFuture<UserPage> users(String after, String prefix, String name, int limit) {
            return conversations().users(after, prefix, name, limit);
        }

        @Override
        default CompletableFuture<List<UserRecord>> namedUsers(List<String> usernames) {
            return conversations().namedUsers(usernames);
        }
    }

    private final SqlRooms.Runner reads;
    private final SqlRooms.Runner writes;
    private final SqlRooms.Dialect dialect;

    SqlConversations(SqlRooms.Runner reads, SqlRooms.Runner writes, SqlRooms.Dialect dialect) {
        this.reads = reads;
        this.writes = writes;
        this.dialect = dialect;
    }

    @Override
    public CompletableFuture<Opened> openConversation(
            String room, List<String> members, String opener, Instant at, int maxRooms, boolean storedUsersOnly) {
        check("room", room, MessageStore.MAX_ROOM);
        Objects.requireNonNull(members, "members");
        Objects.requireNonNull(opener, "opener");
        Objects.requireNonNull(at, "at");
        if (members.size() < 2 || members.size() > MAX_MEMBERS || new HashSet<>(members).size() != members.size()) {
            throw new IllegalArgumentException("2 to " + MAX_MEMBERS + " distinct members");
        }
        members.forEach(member -> check("member", member, AccountStore.MAX_USER));
        if (!members.contains(opener)) {
            throw new IllegalArgumentException("the opener is a member");
        }
        if (maxRooms < 0) {
            throw new IllegalArgumentException("maxRooms must not be negative");
        }
        List<String> sorted = members.stream().sorted().toList();
        return writes.run(connection -> storedUsersOnly && !allStored(connection, sorted)
                ? Opened.NO_SUCH_USER
                : open(connection, room, sorted, opener, at.toEpochMilli(), maxRooms));
    }

    /** Whether every one of {@code members} (in order, so that two opens lock alike) is a stored user, kept so. */
    private boolean allStored(Connection connection, List<String> members) throws SQLException {
        for (String member : members) {
            if (!AccountSql.lockUser(connection, member, dialect.lockMember())) {
                return false;
            }
        }
        return true;
    }

    private Opened open(Connection connection, String room, List<String> members, String opener, long at, int maxRooms)
            throws SQLException {
        List<String> stored = members(connection, room);
        if (!stored.isEmpty() && !stored.equals(members)) {
            return Opened.CLOSED;
        }
        if (stored.isEmpty() && hasHistory(connection, room)) {
            // every member was deleted (deleting a user removes its rows): users created again with those names are
            // none of its members, and its id is the hash of their names, so opening it again must not reach its
            // history
            return Opened.CLOSED;
        }
        // a stored conversation comes back for its opener only: the members who hid it are not pushed it again
        boolean created = stored.isEmpty();
        List<String> remembering = created ? members : List.of(opener);
        List<String> joining = new ArrayList<>();
        try (PreparedStatement known =
                        connection.prepareStatement("SELECT 1 FROM memberships WHERE username = ? AND room = ?");
                PreparedStatement count =
                        connection.prepareStatement("SELECT COUNT(*) FROM memberships WHERE username = ?")) {
            for (String member : remembering) {
                known.setString(1, member);
                known.setString(2, room);
                try (ResultSet rows = known.executeQuery()) {
                    if (rows.next()) {
                        continue;
                    }
                }
                count.setString(1, member);
                try (ResultSet rows = count.executeQuery()) {
                    rows.next();
                    if (rows.getLong(1) >= maxRooms) {
                        return Opened.FULL; // checked for every member before anything is written
                    }
                }
                joining.add(member);
            }
        }
        if (created) {
            try (PreparedStatement add = connection.prepareStatement(dialect.addConversationMember())) {
                for (String member : members) {
                    add.setString(1, room);
                    add.setString(2, member);
                    add.executeUpdate();
                }
            }
        }
        try (PreparedStatement remember = connection.prepareStatement(dialect.addMembership())) {
            for (String member : joining) {
                remember.setString(1, member);
                remember.setString(2, room);
                remember.setLong(3, at);
                remember.executeUpdate();
            }
        }
        return created ? Opened.OPENED : Opened.REOPENED;
    }

    private static boolean hasHistory(Connection connection, String room) throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement("SELECT 1 FROM messages WHERE room = ? FETCH FIRST 1 ROWS ONLY")) {
            select.setString(1, room);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        }
    }

    /** The user picker's page (see {@link AccountStore#users(String, String, String, int)}). */
    CompletableFuture<AccountStore.UserPage> users(String after, String prefix, String name, int limit) {
        check("name", name, AccountStore.MAX_DISPLAY_NAME);
        check("after", after, AccountStore.MAX_USER);
        check("prefix", prefix, AccountStore.MAX_USER);
        checkLimit(limit);
        return reads.run(connection -> AccountSql.users(connection, after, prefix, name, limit));
    }

    /** The display names' lookup (see {@link AccountStore#namedUsers(List)}). */
    CompletableFuture<List<UserRecord>> namedUsers(List<String> usernames) {
        Objects.requireNonNull(usernames, "usernames");
        checkLimit(usernames.size());
        usernames.forEach(name -> check("username", name, AccountStore.MAX_USER));
        List<String> distinct = usernames.stream().distinct().toList();
        return reads.run(connection -> AccountSql.namedUsers(connection, distinct));
    }

    @Override
    public CompletableFuture<List<String>> conversationMembers(String room) {
        check("room", room, MessageStore.MAX_ROOM);
        return reads.run(connection -> members(connection, room));
    }

    private static List<String> members(Connection connection, String room) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT username FROM conversation_members WHERE room = ? ORDER BY username")) {
            select.setString(1, room);
            try (ResultSet rows = select.executeQuery()) {
                List<String> members = new ArrayList<>();
                while (rows.next()) {
                    members.add(rows.getString(1));
                }
                // in Java's order, as the members an open names are sorted: a database's collation (ICU, en_US) puts
                // '_', '.' and '-' elsewhere, and the stored list would never equal the one asked for
                members.sort(null);
                return members;
            }
        }
    }

    @Override
    public CompletableFuture<List<Conversation>> conversationsOf(String user) {
        check("user", user, AccountStore.MAX_USER);
        return reads.run(connection -> {
            try (PreparedStatement select = connection.prepareStatement("""
                    SELECT c.room, c.username, p.seq FROM memberships m
                    JOIN conversation_members c ON c.room = m.room
                    LEFT JOIN read_positions p ON p.username = c.username AND p.room = c.room
                    WHERE m.username = ? ORDER BY c.room, c.username""")) {
                select.setString(1, user);
                try (ResultSet rows = select.executeQuery()) {
                    Map<String, List<String>> members = new LinkedHashMap<>();
                    Map<String, Map<String, Long>> readBy = new LinkedHashMap<>();
                    while (rows.next()) {
                        String room = rows.getString(1);
                        String member = rows.getString(2);
                        long seq = rows.getLong(3);
                        members.computeIfAbsent(room, r -> new ArrayList<>()).add(member);
                        Map<String, Long> positions = readBy.computeIfAbsent(room, r -> new LinkedHashMap<>());
                        if (seq > 0) {
                            positions.put(member, seq);
                        }
                    }
                    List<Conversation> conversations = new ArrayList<>();
                    members.forEach(
                            (room, names) -> conversations.add(new Conversation(room, names, readBy.get(room))));
                    return conversations;
                }
            }
        });
    }
}
