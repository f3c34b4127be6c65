package io.chat.history;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletionException;

/**
 * Gives the messages a store held before it had the {@code mentions} table their rows ({@link MentionSql}), once per
 * store: started when the store opens, it walks the messages in key order, a batch per writer task (so it takes turns
 * with appends and edits, and an edit meeting it leaves its own rows), then marks the store done in
 * {@code mention_backfills}. Until then, mentions in messages not walked yet are not counted. Idempotent: a walk cut
 * short (the store closed, the process killed) starts again at the next open, and rows there already stay.
 *
 * <p>On PostgreSQL each batch's messages are locked {@code FOR SHARE} until the writer's commit, so an edit on another
 * node waits for the batch's rows and then replaces them (its trigger, V15), never the other way round. Several nodes
 * opening the tenant at once may each walk it: the rows are the same.
 */
final class MentionBackfill {
    private static final Logger LOG = System.getLogger(MentionBackfill.class.getName());

    /**
     * Entries read per writer task. A batch of messages each naming 20 people writes 4,000 rows: tens of milliseconds
     * of the writer on H2, and on PostgreSQL of the node's writer, which every tenant's appends share.
     */
    static final int BATCH = 200;

    /**
     * The next entries after the cursor (room, seq), in key order, with the text of those that may mention someone:
     * messages (not edits, deletions, reactions), not deleted, with an {@code @}. Every entry counts toward the batch,
     * so a batch reads at most {@link #BATCH} rows however few of them mention anyone.
     */
    private static final String WALK = """
            SELECT room, seq, sender, CASE WHEN kind = 0 AND NOT deleted AND text LIKE '%%@%%' THEN text END
            FROM messages WHERE room >= ? AND (room > ? OR seq > ?)
            ORDER BY room, seq FETCH FIRST %d ROWS ONLY""".formatted(BATCH);

    private static final String DONE =
            "SELECT EXISTS (SELECT 1 FROM mention_backfills) OR NOT EXISTS (SELECT 1 FROM messages)";

    /** How each store marks it done, and locks what a batch reads. */
    enum Dialect {
        H2("", "MERGE INTO mention_backfills KEY (done) VALUES (TRUE)", MentionSql.Dialect.H2),
        POSTGRES(
                " FOR SHARE",
                "INSERT INTO mention_backfills DEFAULT VALUES ON CONFLICT DO NOTHING",
                MentionSql.Dialect.POSTGRES);

        private final String lock;
        private final String markDone;
        private final MentionSql.Dialect mentions;

        Dialect(String lock, String markDone, MentionSql.Dialect mentions) {
            this.lock = lock;
            this.markDone = markDone;
            this.mentions = mentions;
        }
    }

    /** Where one batch ended, how many entries it read (fewer than a batch: the walk is over), how many had names. */
    private record Cursor(String room, long seq, int read, int named) {}

    private final String tenantId;
    private final SqlRooms.Runner writes;
    private final Dialect dialect;

    private MentionBackfill(String tenantId, SqlRooms.Runner writes, Dialect dialect) {
        this.tenantId = tenantId;
        this.writes = writes;
        this.dialect = dialect;
    }

    /**
     * Unless the store is marked done, starts the walk on a thread of its own. Whether it is done is read here, at the
     * store's open, before anyone else uses it: read later, on the walk's thread, it took a place of the tenant's
     * bounded reads (or, on the writer, counted as a write) while the store was already in use.
     */
    static void startUnlessDone(String tenantId, SqlRooms.Runner reads, SqlRooms.Runner writes, Dialect dialect) {
        try {
            if (done(reads)) {
                return;
            }
        } catch (CompletionException | StoreException e) {
            LOG.log(Level.INFO, "tenant " + tenantId + ": mentions not checked, to be at the next open");
            return;
        }
        MentionBackfill backfill = new MentionBackfill(tenantId, writes, dialect);
        Thread.ofVirtual().name("mention-backfill-" + tenantId).start(backfill::run);
    }

    private void run() {
        try {
            long started = System.nanoTime();
            LOG.log(Level.INFO, "tenant " + tenantId + ": adding the mentions of messages stored before them");
            long messages = 0;
            int batches = 0;
            Cursor cursor = new Cursor("", 0, BATCH, 0);
            while (cursor.read() == BATCH) {
                Cursor from = cursor;
                cursor = writes.<Cursor>run(connection -> batch(connection, from))
                        .join();
                messages += cursor.named();
                if (++batches % 100 == 0) {
                    LOG.log(
                            Level.INFO,
                            "tenant " + tenantId + ": " + batches * BATCH + " entries walked, mentions added for "
                                    + messages + " messages so far");
                }
            }
            writes.<Integer>run(connection -> {
                        try (PreparedStatement mark = connection.prepareStatement(dialect.markDone)) {
                            return mark.executeUpdate();
                        }
                    })
                    .join();
            LOG.log(
                    Level.INFO,
                    "tenant " + tenantId + ": mentions added for " + messages + " messages in "
                            + (System.nanoTime() - started) / 1_000_000 + " ms");
        } catch (CompletionException | StoreException e) {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            // closed meanwhile, most often; the next open walks again
            LOG.log(
                    Level.INFO,
                    "tenant " + tenantId + ": adding mentions stopped, to go on at the next open: "
                            + cause.getClass().getSimpleName() + ": " + cause.getMessage());
        }
    }

    private static boolean done(SqlRooms.Runner reads) {
        return reads.<Boolean>run(connection -> {
                    try (PreparedStatement select = connection.prepareStatement(DONE);
                            ResultSet rows = select.executeQuery()) {
                        return rows.next() && rows.getBoolean(1);
                    }
                })
                .join();
    }

    private Cursor batch(Connection connection, Cursor from) throws SQLException {
        try (PreparedStatement walk = connection.prepareStatement(WALK + dialect.lock)) {
            walk.setString(1, from.room());
            walk.setString(2, from.room());
            walk.setLong(3, from.seq());
            String room = from.room();
            long seq = from.seq();
            int read = 0;
            int named = 0;
            try (ResultSet rows = walk.executeQuery()) {
                while (rows.next()) {
                    room = rows.getString(1);
                    seq = rows.getLong(2);
                    read++;
                    if (rows.getObject(4) == null) {
                        continue;
                    }
                    List<String> names = Mentions.names(MessageQueries.text(rows, 4), AccountStore.MAX_USER);
                    MentionSql.merge(connection, dialect.mentions, room, seq, rows.getString(3), names);
                    named += names.isEmpty() ? 0 : 1;
                }
            }
            return new Cursor(room, seq, read, named);
        }
    }
}
