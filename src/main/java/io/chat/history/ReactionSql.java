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
 *
 * <p>A reaction of an earlier account with a name made again ({@link EarlierAccount}: the row's time at or before the
 * user's creation) is nobody's now: counted, never listed under the name, and not the new account's to remove; the new
 * account's toggle of that emoji adds its own reaction in that row's place (one row per name and emoji).
 */
final class ReactionSql {
    private ReactionSql() {}

    /** Whether adding {@code emoji} of {@code user} to the message stays within the limits (removing always does). */
    static Optional<ChangeResult.Reason> checkAdd(
            Connection connection, String room, long seq, String user, String emoji) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT emoji, username, "
                + EarlierAccount.test("reactions.username", "reactions.ts")
                + " FROM reactions WHERE room = ? AND seq = ?")) {
            select.setString(1, room);
            select.setLong(2, seq);
            Set<String> emojis = new java.util.HashSet<>();
            int mine = 0;
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    String rowEmoji = rows.getString(1);
                    boolean own = rows.getString(2).equals(user) && !rows.getBoolean(3);
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

    /**
     * Removes the user's reaction with that emoji if there is one, else adds it ({@code reaction}: its entry), in the
     * place of an earlier account's with the name if there is one.
     */
    static boolean toggle(Connection connection, StoredMessage reaction) throws SQLException {
        if (delete(connection, reaction, true) > 0) {
            return false;
        }
        set(connection, reaction, true);
        return true;
    }

    /**
     * Makes the user's reaction with that emoji present (added by this entry) or absent, whatever it was: a replay's
     * way to reach the state a toggle left.
     */
    static void set(Connection connection, StoredMessage reaction, boolean present) throws SQLException {
        delete(connection, reaction, false);
        if (present) {
            insert(connection, reaction);
        }
    }

    /** Deletes the user's row with that emoji: any, or {@code ownOnly} not an earlier account's; returns how many. */
    private static int delete(Connection connection, StoredMessage reaction, boolean ownOnly) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM reactions WHERE room = ? AND seq = ? AND emoji = ? AND username = ?"
                        + (ownOnly ? " AND NOT " + EarlierAccount.test("reactions.username", "reactions.ts") : ""))) {
            bindKey(delete, reaction);
            return delete.executeUpdate();
        }
    }

    /** Parameters 1-4: the reaction's row key (room, message seq, emoji, user). */
    private static void bindKey(PreparedStatement statement, StoredMessage reaction) throws SQLException {
        statement.setString(1, reaction.room());
        statement.setLong(2, reaction.target());
        statement.setString(3, reaction.text());
        statement.setString(4, reaction.from());
    }

    private static void insert(Connection connection, StoredMessage reaction) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO reactions (room, seq, emoji, username, ts, entry_seq) VALUES (?, ?, ?, ?, ?, ?)")) {
            bindKey(insert, reaction);
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
        // every emoji (in the order first used), its count, and its first MAX_LISTED_REACTORS users who are not an
        // earlier account with their name, whatever the room's size: an emoji only earlier accounts used is listed
        // with no users (its first row, unnamed)
        String sql =
                "SELECT seq, emoji, username, total, earlier FROM (SELECT seq, emoji, username, entry_seq, earlier,"
                        + " ROW_NUMBER() OVER (PARTITION BY seq, emoji, earlier ORDER BY entry_seq) AS n,"
                        + " ROW_NUMBER() OVER (PARTITION BY seq, emoji ORDER BY entry_seq) AS place,"
                        + " COUNT(*) OVER (PARTITION BY seq, emoji) AS total"
                        + " FROM (SELECT seq, emoji, username, entry_seq, CASE WHEN "
                        + EarlierAccount.test("reactions.username", "reactions.ts") + " THEN 1 ELSE 0 END AS earlier"
                        + " FROM reactions WHERE room = ? AND seq IN (" + placeholders + ")) fenced) listed"
                        + " WHERE (earlier = 0 AND n <= " + MessageStore.MAX_LISTED_REACTORS + ") OR place = 1"
                        + " ORDER BY seq, entry_seq";
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
                    List<String> users = grouped.computeIfAbsent(seq, s -> new LinkedHashMap<>())
                            .computeIfAbsent(rows.getString(2), emoji -> new ArrayList<>());
                    if (rows.getInt(5) == 0) {
                        users.add(rows.getString(3));
                    }
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
