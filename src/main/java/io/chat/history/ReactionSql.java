package io.chat.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code reactions} table, the same for both stores: one row per (message, emoji, user), toggled by a
 * {@link Change.React}; read back as each message's {@link StoredMessage.Reaction}s, emojis in the order they were first
 * used, users in the order they reacted.
 */
final class ReactionSql {
    private ReactionSql() {}

    /** Whether adding {@code emoji} of {@code user} to the message stays within the limits (removing always does). */
    static Optional<ChangeResult.Reason> checkAdd(
            Connection connection, String room, long seq, String user, String emoji) throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement("SELECT emoji, username FROM reactions WHERE room = ? AND seq = ?")) {
            select.setString(1, room);
            select.setLong(2, seq);
            Set<String> emojis = new java.util.HashSet<>();
            int mine = 0;
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    String rowEmoji = rows.getString(1);
                    boolean own = rows.getString(2).equals(user);
                    if (own && rowEmoji.equals(emoji)) {
                        return Optional.empty(); // a removal
                    }
                    emojis.add(rowEmoji);
                    mine += own ? 1 : 0;
                }
            }
            boolean newEmoji = !emojis.contains(emoji);
            if (mine >= MessageStore.MAX_REACTIONS_PER_USER
                    || (newEmoji && emojis.size() >= MessageStore.MAX_EMOJIS_PER_MESSAGE)) {
                return Optional.of(ChangeResult.Reason.TOO_MANY_REACTIONS);
            }
            return Optional.empty();
        }
    }

    /** Removes the user's reaction with that emoji if there is one, else adds it ({@code reaction}: its entry). */
    static void toggle(Connection connection, StoredMessage reaction) throws SQLException {
        if (delete(connection, reaction) == 0) {
            insert(connection, reaction);
        }
    }

    /**
     * Makes the user's reaction with that emoji present (added by this entry) or absent, whatever it was: a replay's
     * way to reach the state a toggle left.
     */
    static void set(Connection connection, StoredMessage reaction, boolean present) throws SQLException {
        delete(connection, reaction);
        if (present) {
            insert(connection, reaction);
        }
    }

    private static int delete(Connection connection, StoredMessage reaction) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM reactions WHERE room = ? AND seq = ? AND emoji = ? AND username = ?")) {
            delete.setString(1, reaction.room());
            delete.setLong(2, reaction.target());
            delete.setString(3, reaction.text());
            delete.setString(4, reaction.from());
            return delete.executeUpdate();
        }
    }

    private static void insert(Connection connection, StoredMessage reaction) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO reactions (room, seq, emoji, username, ts, entry_seq) VALUES (?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, reaction.room());
            insert.setLong(2, reaction.target());
            insert.setString(3, reaction.text());
            insert.setString(4, reaction.from());
            insert.setLong(5, reaction.ts().toEpochMilli());
            insert.setLong(6, reaction.seq());
            insert.executeUpdate();
        }
    }

    /** A deleted message keeps no reactions. */
    static void deleteAll(Connection connection, String room, long seq) throws SQLException {
        try (PreparedStatement delete =
                connection.prepareStatement("DELETE FROM reactions WHERE room = ? AND seq = ?")) {
            delete.setString(1, room);
            delete.setLong(2, seq);
            delete.executeUpdate();
        }
    }

    /** The entries with their messages' reactions (a change's: its target's). */
    static List<StoredMessage> attach(Connection connection, String room, List<StoredMessage> entries)
            throws SQLException {
        Set<Long> seqs = new LinkedHashSet<>();
        entries.forEach(entry -> seqs.add(messageSeq(entry)));
        Map<Long, List<StoredMessage.Reaction>> reactions = load(connection, room, seqs);
        List<StoredMessage> attached = new ArrayList<>(entries.size());
        for (StoredMessage entry : entries) {
            List<StoredMessage.Reaction> of = reactions.get(messageSeq(entry));
            attached.add(of == null ? entry : entry.withReactions(of));
        }
        return attached;
    }

    private static long messageSeq(StoredMessage entry) {
        return entry.kind() == EntryKind.MESSAGE ? entry.seq() : entry.target();
    }

    /** At most a page's messages at a time: one statement, one placeholder per seq. */
    private static Map<Long, List<StoredMessage.Reaction>> load(
            Connection connection, String room, Collection<Long> seqs) throws SQLException {
        Map<Long, List<StoredMessage.Reaction>> bySeq = new HashMap<>();
        if (seqs.isEmpty()) {
            return bySeq;
        }
        String placeholders = String.join(", ", java.util.Collections.nCopies(seqs.size(), "?"));
        // every emoji's first MAX_LISTED_REACTORS users and its count, whatever the room's size
        String sql = "SELECT seq, emoji, username, total FROM (SELECT seq, emoji, username, entry_seq,"
                + " ROW_NUMBER() OVER (PARTITION BY seq, emoji ORDER BY entry_seq) AS n,"
                + " COUNT(*) OVER (PARTITION BY seq, emoji) AS total"
                + " FROM reactions WHERE room = ? AND seq IN (" + placeholders + ")) listed"
                + " WHERE n <= " + MessageStore.MAX_LISTED_REACTORS + " ORDER BY seq, entry_seq";
        Map<Long, Map<String, List<String>>> grouped = new HashMap<>();
        Map<Long, Map<String, Integer>> totals = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, room);
            int at = 2;
            for (long seq : seqs) {
                select.setLong(at++, seq);
            }
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    long seq = rows.getLong(1);
                    grouped.computeIfAbsent(seq, s -> new LinkedHashMap<>())
                            .computeIfAbsent(rows.getString(2), emoji -> new ArrayList<>())
                            .add(rows.getString(3));
                    totals.computeIfAbsent(seq, s -> new HashMap<>()).put(rows.getString(2), rows.getInt(4));
                }
            }
        }
        grouped.forEach((seq, emojis) -> {
            List<StoredMessage.Reaction> list = new ArrayList<>();
            emojis.forEach((emoji, users) -> list.add(
                    new StoredMessage.Reaction(emoji, users, totals.get(seq).get(emoji))));
            bySeq.put(seq, list);
        });
        return bySeq;
    }
}
