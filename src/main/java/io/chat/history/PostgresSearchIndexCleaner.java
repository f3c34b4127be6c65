package io.chat.history;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * Merges the search index's pending list into the index (migration V14's {@code chat_clean_search_index}) every
 * {@link #INTERVAL}, on a thread and a pooled connection of its own, so that no append of the writer's batch does it:
 * an append that finds the list full merges all of it in the writer's transaction, and every ack of the node waits
 * (W5 durable at 3,200 messages/s: 108-165 ms every ~6 s, ack p99 150-340 ms; with this cleaner p99 18 ms).
 *
 * <p>A failed merge (the database away) is logged once per outage and tried again at the next turn; appends go on
 * regardless, and merge the list themselves if it fills meanwhile.
 */
final class PostgresSearchIndexCleaner implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PostgresSearchIndexCleaner.class.getName());
    static final Duration INTERVAL = Duration.ofMillis(500);

    private final DataSource pool;
    private final ScheduledExecutorService timer;
    private volatile boolean closed;
    private boolean failing; // on the timer thread only

    PostgresSearchIndexCleaner(DataSource pool) {
        this.pool = pool;
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("postgres-search-cleaner").daemon().factory());
    }

    /** Starts merging every {@link #INTERVAL}. */
    void start() {
        timer.scheduleWithFixedDelay(
                this::cleanQuietly, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Merges the pending list now, in a transaction of its own on {@code connection} (not auto-commit); returns the
     * pages merged, or -1 if another node was merging it.
     *
     * @throws SQLException if the database could not do it
     */
    static long clean(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT chat_clean_search_index()");
                ResultSet rows = statement.executeQuery()) {
            rows.next();
            long pages = rows.getLong(1);
            connection.commit(); // ends the transaction, and with it the advisory lock
            return pages;
        } catch (SQLException | RuntimeException e) {
            PostgresWriter.rollbackQuietly(connection);
            throw e;
        }
    }

    private void cleanQuietly() {
        try (Connection connection = pool.getConnection()) {
            clean(connection);
            if (failing) {
                failing = false;
                LOG.log(Level.INFO, "event=search-index-merge state=recovered");
            }
        } catch (SQLException | RuntimeException e) {
            if (!failing && !closed) {
                failing = true;
                String state = e instanceof SQLException sql ? sql.getSQLState() : null;
                LOG.log(
                        Level.WARNING,
                        "event=search-index-merge state=failed error="
                                + e.getClass().getSimpleName() + " sqlstate=" + state
                                + " (appends go on; tried again every " + INTERVAL.toMillis() + " ms)");
            }
        }
    }

    /** Stops the timer; a merge under way ends with the pool's connections. */
    @Override
    public void close() {
        closed = true;
        timer.shutdown();
    }
}
