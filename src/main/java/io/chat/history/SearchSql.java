package io.chat.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What both stores read for search results, in the same SQL: a matched message in its latest state and its context
 * (the message before it in its room). Deleted messages are never read: a search index lagging behind a deletion
 * still returns no deleted text.
 */
final class SearchSql {
    /** The columns {@link MessageQueries#entry} reads, of a message row {@code m}. */
    static final String MESSAGE_COLUMNS =
            "m.id, m.seq, m.sender, m.text, m.ts, m.kind, m.target, m.edited_ts, m.deleted";

    private static final String MESSAGE = "SELECT " + MESSAGE_COLUMNS + """
             FROM messages m
            WHERE m.room = ? AND m.seq = ? AND m.kind = 0 AND NOT m.deleted""";
    // (room, seq) order walks the primary key backwards and stops at the first row (see MessageQueries)
    private static final String PREVIOUS = "SELECT " + MESSAGE_COLUMNS + """
             FROM messages m
            WHERE m.room = ? AND m.seq < ? AND m.kind = 0 AND NOT m.deleted
            ORDER BY m.room DESC, m.seq DESC
            LIMIT 1""";

    private SearchSql() {}

    /** A message's place: its room and seq. */
    record Key(String room, long seq) {}

    /** The messages at {@code keys} that exist and are not deleted, in the keys' order, each with its context. */
    static List<SearchHit> hits(Connection connection, List<Key> keys) throws SQLException {
        List<SearchHit> hits = new ArrayList<>(keys.size());
        try (PreparedStatement statement = connection.prepareStatement(MESSAGE)) {
            for (Key key : keys) {
                Optional<StoredMessage> message = one(statement, key);
                if (message.isPresent()) {
                    hits.add(withReactions(connection, message.get(), previous(connection, key)));
                }
            }
        }
        return hits;
    }

    /** Context for each of {@code messages}, read already. */
    static List<SearchHit> withContext(Connection connection, List<StoredMessage> messages) throws SQLException {
        List<SearchHit> hits = new ArrayList<>(messages.size());
        for (StoredMessage message : messages) {
            hits.add(withReactions(connection, message, previous(connection, new Key(message.room(), message.seq()))));
        }
        return hits;
    }

    /** A hit and its context with their reactions, as history shows them (one read for both). */
    private static SearchHit withReactions(
            Connection connection, StoredMessage message, Optional<StoredMessage> previous) throws SQLException {
        List<StoredMessage> both = ReactionSql.attach(
                connection,
                message.room(),
                previous.map(p -> List.of(message, p)).orElse(List.of(message)));
        return new SearchHit(both.getFirst(), previous.map(p -> both.get(1)));
    }

    private static Optional<StoredMessage> previous(Connection connection, Key key) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(PREVIOUS)) {
            return one(statement, key);
        }
    }

    private static Optional<StoredMessage> one(PreparedStatement statement, Key key) throws SQLException {
        statement.setString(1, key.room());
        statement.setLong(2, key.seq());
        try (ResultSet rows = statement.executeQuery()) {
            return rows.next() ? Optional.of(MessageQueries.entry(rows, key.room())) : Optional.empty();
        }
    }
}
