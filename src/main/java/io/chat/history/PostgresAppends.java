package io.chat.history;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A batch's appends, of any number of tenants, inside the writer's open transaction, in one call of the database
 * function {@code chat_append_grouped} (migration V6, where the steps are explained): for each tenant in tenant order
 * it locks the rooms' counter rows in room order and holds them to commit (gap-free seqs in commit order across
 * nodes, no deadlock between nodes), then, in a new snapshot, finds the clientIds already stored, numbers and inserts
 * the new messages and moves the counters, each tenant under its own statements (row security applies per
 * statement). It sets the transaction's tenant as it goes. No seq is cached between transactions: other nodes move
 * the counters.
 *
 * <p>Here, before the call: the appends are grouped by tenant (tenants sorted, each tenant's in submission order), and
 * an append repeating a clientId of an earlier append of the batch is not sent but answered with that append's
 * message, as a duplicate; the database answers new messages with their seq alone (the rest is known here), and
 * duplicates with the stored message.
 */
final class PostgresAppends {
    private static final String APPEND =
            "SELECT r_ord, r_seq, r_id, r_text, r_ts FROM chat_append_grouped(?, ?, ?, ?, ?, ?, ?::uuid[], ?)";
    private static final String ADD_MENTIONS = "SELECT chat_add_mentions(?, ?, ?, ?, ?, ?)";

    /**
     * An append of the batch: what to store, for which tenant; {@code names}, those the text mentions
     * ({@link Mentions#names}), worked out on the sender's thread.
     */
    record Request(
            String tenant, String room, String from, String text, Optional<String> clientId, List<String> names) {
        Request(String tenant, String room, String from, String text, Optional<String> clientId) {
            this(tenant, room, from, text, clientId, Mentions.names(text, AccountStore.MAX_USER));
        }
    }

    /** What makes two appends one message: the database's unique key on clientIds. */
    private record ClientKey(String tenant, String room, String from, String clientId) {}

    private PostgresAppends() {}

    /**
     * Stores the appends, each room's in order; returns their results in the order of {@code requests}. A clientId
     * already stored, or repeated within the batch, stores nothing and answers with the first message. Leaves the
     * transaction's tenant set to one of theirs.
     */
    static List<AppendResult> append(Connection connection, List<Request> requests) throws SQLException {
        int n = requests.size();
        // An append repeating an earlier append's clientId is not sent: it gets that append's answer.
        int[] firstOf = new int[n];
        Map<ClientKey, Integer> firstByKey = new HashMap<>();
        List<Integer> sent = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Request request = requests.get(i);
            Integer earlier = request.clientId().isEmpty()
                    ? null
                    : firstByKey.putIfAbsent(
                            new ClientKey(
                                    request.tenant(),
                                    request.room(),
                                    request.from(),
                                    request.clientId().get()),
                            i);
            firstOf[i] = earlier == null ? i : earlier;
            if (earlier == null) {
                sent.add(i);
            }
        }
        // grouped by tenant, tenants in order; a stable sort keeps each tenant's appends in submission order
        sent.sort(Comparator.comparing(i -> requests.get(i).tenant()));
        int m = sent.size();
        List<String> tenants = new ArrayList<>();
        List<Integer> ends = new ArrayList<>();
        String[] rooms = new String[m];
        String[] senders = new String[m];
        byte[][] texts = new byte[m][];
        String[] clientIds = new String[m];
        String[] ids = new String[m];
        for (int j = 0; j < m; j++) {
            Request request = requests.get(sent.get(j));
            if (tenants.isEmpty() || !tenants.getLast().equals(request.tenant())) {
                tenants.add(request.tenant());
                ends.add(j + 1);
            } else {
                ends.set(ends.size() - 1, j + 1);
            }
            rooms[j] = request.room();
            senders[j] = request.from();
            texts[j] = request.text().getBytes(StandardCharsets.UTF_8);
            clientIds[j] = request.clientId().orElse(null);
            ids[j] = UUID.randomUUID().toString();
        }
        long ts = System.currentTimeMillis();
        AppendResult[] results = new AppendResult[n];
        try (PreparedStatement statement = connection.prepareStatement(APPEND)) {
            statement.setArray(1, connection.createArrayOf("text", tenants.toArray(String[]::new)));
            statement.setArray(2, connection.createArrayOf("int4", ends.toArray(Integer[]::new)));
            statement.setArray(3, connection.createArrayOf("text", rooms));
            statement.setArray(4, connection.createArrayOf("text", senders));
            statement.setArray(5, connection.createArrayOf("bytea", texts));
            statement.setArray(6, connection.createArrayOf("text", clientIds));
            statement.setArray(7, connection.createArrayOf("text", ids));
            statement.setLong(8, ts);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    int j = (int) rows.getLong(1) - 1;
                    int index = sent.get(j);
                    Request request = requests.get(index);
                    long seq = rows.getLong(2);
                    String storedId = rows.getString(3);
                    StoredMessage message = storedId == null
                            // new: what was sent (the text as stored: an unpaired surrogate became '?')
                            ? new StoredMessage(
                                    ids[j],
                                    request.room(),
                                    seq,
                                    request.from(),
                                    new String(texts[j], StandardCharsets.UTF_8),
                                    Instant.ofEpochMilli(ts))
                            // a clientId stored before: the stored message
                            : new StoredMessage(
                                    storedId,
                                    request.room(),
                                    seq,
                                    request.from(),
                                    MessageQueries.text(rows, 4),
                                    Instant.ofEpochMilli(rows.getLong(5)));
                    results[index] = new AppendResult(message, storedId != null);
                }
            }
        }
        for (int i = 0; i < n; i++) {
            if (firstOf[i] != i && results[firstOf[i]] != null) {
                results[i] = new AppendResult(results[firstOf[i]].message(), true);
            }
            if (results[i] == null) {
                throw new SQLException("chat_append_grouped left an append unanswered");
            }
        }
        addMentions(connection, requests, sent, results);
        return List.of(results);
    }

    /**
     * The rows of the names the batch's new messages mention ({@link MentionSql}), in the same transaction; none when
     * no message names anyone (most batches). A clientId stored before adds none: its message has its rows.
     */
    private static void addMentions(
            Connection connection, List<Request> requests, List<Integer> sent, AppendResult[] results)
            throws SQLException {
        MentionRows rows = new MentionRows();
        for (int index : sent) { // grouped by tenant
            Request request = requests.get(index);
            if (!results[index].duplicate()) {
                rows.add(
                        request.tenant(),
                        request.room(),
                        results[index].message().seq(),
                        request.from(),
                        request.names());
            }
        }
        rows.insert(connection);
    }

    /**
     * Mention rows of messages of any number of tenants, inserted by one call of {@code chat_add_mentions} (V15), each
     * tenant's under its own setting. Added grouped by tenant (each tenant's messages one after another).
     */
    static final class MentionRows {
        private final List<String> tenants = new ArrayList<>();
        private final List<Integer> ends = new ArrayList<>();
        private final List<String> rooms = new ArrayList<>();
        private final List<Long> seqs = new ArrayList<>();
        private final List<String> senders = new ArrayList<>();
        private final List<String> names = new ArrayList<>();

        /** The rows of one message: a row per name it mentions ({@link Mentions#names}). */
        void add(String tenant, String room, long seq, String sender, List<String> mentioned) {
            if (mentioned.isEmpty()) {
                return;
            }
            if (tenants.isEmpty() || !tenants.getLast().equals(tenant)) {
                tenants.add(tenant);
                ends.add(0);
            }
            for (String name : mentioned) {
                rooms.add(room);
                seqs.add(seq);
                senders.add(sender);
                names.add(name);
            }
            ends.set(ends.size() - 1, names.size());
        }

        /** Inserts what was added; nothing to do when no message mentioned anyone. */
        void insert(Connection connection) throws SQLException {
            if (names.isEmpty()) {
                return;
            }
            try (PreparedStatement statement = connection.prepareStatement(ADD_MENTIONS)) {
                statement.setArray(1, connection.createArrayOf("text", tenants.toArray(String[]::new)));
                statement.setArray(2, connection.createArrayOf("int4", ends.toArray(Integer[]::new)));
                statement.setArray(3, connection.createArrayOf("text", rooms.toArray(String[]::new)));
                statement.setArray(4, connection.createArrayOf("int8", seqs.toArray(Long[]::new)));
                statement.setArray(5, connection.createArrayOf("text", senders.toArray(String[]::new)));
                statement.setArray(6, connection.createArrayOf("text", names.toArray(String[]::new)));
                statement.executeQuery().close();
            }
        }
    }

    /** Messages stored for the tenant set in the transaction: seqs are gap-free from 1, so the counters add up. */
    static long count(Connection connection) throws SQLException {
        try (PreparedStatement statement =
                        connection.prepareStatement("SELECT coalesce(sum(last_seq), 0) FROM room_counters");
                ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
