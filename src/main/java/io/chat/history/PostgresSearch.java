package io.chat.history;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Search on PostgreSQL: the generated column {@code search_vector} (V12: the text's words, {@code 'simple'}
 * configuration, messages only) has a GIN index; the query is built from {@link SearchTerms} (the text is never
 * parsed as a tsquery, so no tsquery syntax reaches PostgreSQL): each term is {@code phraseto_tsquery('simple', ..)}
 * (its words in order), required ones joined by {@code &&}, excluded ones as {@code && !!}. Row security keeps it to
 * the tenant; edits and deletions rewrite the column with the row (a deleted message's text is empty, so are its
 * words). The statement is cancelled by PostgreSQL after its time limit ({@link SearchQuery#TIME_LIMIT}).
 */
final class PostgresSearch {
    /** PostgreSQL's SQLSTATE for a statement cancelled (by statement_timeout). */
    private static final String QUERY_CANCELED = "57014";

    private PostgresSearch() {}

    static SearchPage search(Connection connection, SearchQuery query, String tenantId, Duration timeLimit)
            throws SQLException {
        if (query.searched().isEmpty()) {
            return SearchPage.empty();
        }
        SearchTerms terms = query.terms();
        List<String> parts = new ArrayList<>();
        terms.required().forEach(term -> parts.add("phraseto_tsquery('simple', ?)"));
        terms.excluded().forEach(term -> parts.add("(!! phraseto_tsquery('simple', ?))"));
        StringBuilder sql = new StringBuilder("SELECT " + SearchSql.MESSAGE_COLUMNS + ", m.room FROM messages m"
                + " WHERE m.search_vector @@ (" + String.join(" && ", parts) + ") AND m.room = ANY (?)"
                + " AND m.kind = 0 AND NOT m.deleted");
        query.from().ifPresent(from -> sql.append(" AND m.sender = ?"));
        query.before().ifPresent(before -> sql.append(" AND (m.ts, m.room, m.seq) < (?, ?, ?)"));
        sql.append(" ORDER BY m.ts DESC, m.room DESC, m.seq DESC LIMIT ?");
        List<StoredMessage> messages = new ArrayList<>(query.limit() + 1);
        try (Statement timeout = connection.createStatement()) {
            // for the rest of the read's transaction; 0 would mean no limit
            timeout.execute("SET LOCAL statement_timeout = " + Math.max(1, timeLimit.toMillis()));
        }
        try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            int at = 1;
            for (String term : terms.required()) {
                statement.setString(at++, term);
            }
            for (String term : terms.excluded()) {
                statement.setString(at++, term);
            }
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
            } catch (SQLException e) {
                if (QUERY_CANCELED.equals(e.getSQLState())) {
                    throw new SearchTimeoutException(tenantId);
                }
                throw e;
            }
        }
        boolean more = messages.size() > query.limit();
        List<StoredMessage> page = messages.subList(0, Math.min(query.limit(), messages.size()));
        Optional<SearchCursor> next = more ? Optional.of(SearchCursor.of(page.getLast())) : Optional.empty();
        return new SearchPage(SearchSql.withContext(connection, page), next);
    }
}
