package io.chat.history;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Asks a tenant's database whether it answers, on a connection of its own and a thread of its own: never through the
 * read executor, where the tenant's (or another tenant's) reads could keep it waiting. The thread is started here and
 * interrupted by nobody (an interrupt in H2's file I/O closes the database). At most one check runs at a time, and a
 * result younger than {@code reuseFor} is reused, so any number of {@code /health} calls start few threads.
 */
final class HealthProbe {
    private final String tenantId;
    private final Connection connection;
    private final int queryTimeoutSeconds;
    private final long reuseForNanos;
    // guarded by this
    private CompletableFuture<Boolean> last;
    private long lastCompletedAt;
    private boolean running;
    private boolean closed;

    HealthProbe(String tenantId, Connection connection, Duration queryTimeout, Duration reuseFor) {
        this.tenantId = tenantId;
        this.connection = connection;
        this.queryTimeoutSeconds = (int) Math.max(1, queryTimeout.toSeconds());
        this.reuseForNanos = reuseFor.toNanos();
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
            Thread.ofPlatform().name("store-health-" + tenantId).daemon().start(() -> run(result));
        } catch (RuntimeException | OutOfMemoryError e) {
            return CompletableFuture.completedFuture(false);
        }
        running = true;
        last = result;
        return result;
    }

    private void run(CompletableFuture<Boolean> result) {
        boolean answered;
        try (Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(queryTimeoutSeconds);
            try (ResultSet rows = statement.executeQuery("SELECT 1")) {
                answered = rows.next();
            }
        } catch (SQLException | RuntimeException e) {
            answered = false;
        }
        synchronized (this) {
            running = false;
            lastCompletedAt = System.nanoTime();
            if (closed) {
                Database.closeQuietly(connection);
            }
        }
        result.complete(answered);
    }

    /** No more checks; the connection closes now, or when the running check ends. */
    synchronized void close() {
        if (!closed) {
            closed = true;
            if (!running) {
                Database.closeQuietly(connection);
            }
        }
    }
}
