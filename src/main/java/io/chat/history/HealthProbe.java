package io.chat.history;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * Asks a tenant's database whether it answers, on a connection of its own and a thread of its own: never through the
 * read executor, where the tenant's (or another tenant's) reads could keep it waiting. The thread is started here and
 * interrupted by nobody (an interrupt in H2's file I/O closes the database). At most one check runs at a time, and a
 * result younger than {@code reuseFor} is reused, so any number of {@code /health} calls start few threads.
 *
 * <p>The question itself is given: a query on a connection kept for it (H2), or on a pooled one (PostgreSQL).
 */
final class HealthProbe {
    private final String name;
    private final Callable<Boolean> question;
    private final Runnable release;
    private final long reuseForNanos;
    // guarded by this
    private CompletableFuture<Boolean> last;
    private long lastCompletedAt;
    private boolean running;
    private boolean closed;

    /** Asks {@code SELECT 1} on {@code connection}, which it closes when closed. */
    HealthProbe(String tenantId, Connection connection, Duration queryTimeout, Duration reuseFor) {
        this(tenantId, () -> selectOne(connection, queryTimeout), () -> Database.closeQuietly(connection), reuseFor);
    }

    /**
     * Asks {@code question} (true: the database answered; false or an exception: it did not); runs {@code release}
     * once closed and no check is running.
     */
    HealthProbe(String name, Callable<Boolean> question, Runnable release, Duration reuseFor) {
        this.name = name;
        this.question = question;
        this.release = release;
        this.reuseForNanos = reuseFor.toNanos();
    }

    /** {@code SELECT 1} within the timeout (whole seconds, at least one). */
    static boolean selectOne(Connection connection, Duration timeout) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.setQueryTimeout((int) Math.max(1, timeout.toSeconds()));
            try (ResultSet rows = statement.executeQuery("SELECT 1")) {
                return rows.next();
            }
        }
    }

    /** Completes with true when the database answered; the running check if there is one. */
    synchronized CompletableFuture<Boolean> check() {
        if (closed) {
            return CompletableFuture.completedFuture(false);
        }
        if (running || (last != null && System.nanoTime() - lastCompletedAt < reuseForNanos)) {
            return last;
        }
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        try {
            Thread.ofPlatform().name("store-health-" + name).daemon().start(() -> run(result));
        } catch (RuntimeException | OutOfMemoryError e) {
            return CompletableFuture.completedFuture(false);
        }
        running = true;
        last = result;
        return result;
    }

    private void run(CompletableFuture<Boolean> result) {
        boolean answered;
        try {
            answered = Boolean.TRUE.equals(question.call());
        } catch (Exception e) {
            answered = false;
        }
        synchronized (this) {
            running = false;
            lastCompletedAt = System.nanoTime();
            if (closed) {
                release.run();
            }
        }
        result.complete(answered);
    }

    /** No more checks; the connection closes now, or when the running check ends. */
    synchronized void close() {
        if (!closed) {
            closed = true;
            if (!running) {
                release.run();
            }
        }
    }
}
