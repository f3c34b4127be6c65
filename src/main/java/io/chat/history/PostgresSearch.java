package io.chat.history;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Search on PostgreSQL: the generated column {@code search_vector} (V12: the text's words, {@code 'simple'}
 * configuration, messages only) has a GIN index; the query is parsed by {@code websearch_to_tsquery('simple', ..)}
 * (words, "phrases", -word). Row security keeps it to the tenant; edits and deletions rewrite the column with the
 * row (a deleted message's text is empty, so are its words).
 */
final class PostgresSearch {
    private PostgresSearch() {}

    static SearchPage search(Connection connection, SearchQuery query) throws SQLException {
        if (query.searched().isEmpty()) {
            return SearchPage.empty();
        }
        StringBuilder sql = new StringBuilder("SELECT " + SearchSql.MESSAGE_COLUMNS + ", m.room FROM messages m"
                + " WHERE m.search_vector @@ websearch_to_tsquery('simple', ?) AND m.room = ANY (?)"
                + " AND m.kind = 0 AND NOT m.deleted");
        query.from().ifPresent(from -> sql.append(" AND m.sender = ?"));
        query.before().ifPresent(before -> sql.append(" AND (m.ts, m.room, m.seq) < (?, ?, ?)"));
        sql.append(" ORDER BY m.ts DESC, m.room DESC, m.seq DESC LIMIT ?");
        List<StoredMessage> messages = new ArrayList<>(query.limit() + 1);
        try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            int at = 1;
            statement.setString(at++, query.text());
            Array rooms = connection.createArrayOf("text", query.searched().toArray());
            statement.setArray(at++, rooms);
            if (query.from().isPresent()) {
                statement.setString(at++, query.from().get());
            }
            if (query.before().isPresent()) {
                SearchCursor before = query.before().get();
                statement.setLong(at++, before.ts().toEpochMilli());
                statement.setString(at++, before.room());
                statement.setLong(at++, before.seq());
            }
            statement.setInt(at, query.limit() + 1);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    messages.add(MessageQueries.entry(rows, rows.getString(10)));
                }
            }
        }
        boolean more = messages.size() > query.limit();
        List<StoredMessage> page = messages.subList(0, Math.min(query.limit(), messages.size()));
        Optional<SearchCursor> next = more ? Optional.of(SearchCursor.of(page.getLast())) : Optional.empty();
        return new SearchPage(SearchSql.withContext(connection, page), next);
    }
}
