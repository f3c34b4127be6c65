package io.chat.history;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A fixed set of read-only connections, lent to read tasks running on the application's read executor.
 * H2 serializes the statements of one connection, so several connections let reads of one tenant run
 * side by side (the MVStore reads committed data without locks).
 */
final class ReadPool {
    private static final Duration BORROW_TIMEOUT = Duration.ofSeconds(10);

    private final BlockingQueue<Connection> idle;
    private final int size;
    private volatile boolean closed;
    /** Set when close() stopped waiting for a stuck read: that read closes its connection itself. */
    private volatile boolean abandoned;

    ReadPool(List<Connection> connections) {
        this.size = connections.size();
        this.idle = new ArrayBlockingQueue<>(size, false, connections);
    }

    <T> T call(String tenantId, SqlWork<T> work) {
        // An interrupt reaching H2's file I/O closes the database: clear any pending one for the length
        // of the call (a read executor should never interrupt its threads, this is a safety net).
        boolean interrupted = Thread.interrupted();
        try {
            Connection connection = borrow(tenantId);
            try {
                if (closed) {
                    throw new StoreException("tenant store " + tenantId + " is closed");
                }
                return work.apply(connection);
            } finally {
                idle.add(connection);
                if (abandoned) {
                    closeIdle();
                }
            }
        } catch (SQLException e) {
            throw new StoreException("tenant store " + tenantId + ": read failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            interrupted = true;
            throw new StoreException("tenant store " + tenantId + ": interrupted while waiting for a read connection");
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits in short slices, so that a read waiting when the store closes fails at once. */
    private Connection borrow(String tenantId) throws InterruptedException {
        long deadline = System.nanoTime() + BORROW_TIMEOUT.toNanos();
        while (!closed) {
            Connection connection = idle.poll(100, TimeUnit.MILLISECONDS);
            if (connection != null) {
                return connection;
            }
            if (System.nanoTime() > deadline) {
                throw new StoreException(
                        "tenant store " + tenantId + ": no read connection free for " + BORROW_TIMEOUT);
            }
        }
        throw new StoreException("tenant store " + tenantId + " is closed");
    }

    private void closeIdle() {
        for (Connection connection = idle.poll(); connection != null; connection = idle.poll()) {
            Database.closeQuietly(connection);
        }
    }

    /**
     * Refuses new reads, waits for the ones running to give their connection back, and closes them all.
     * Called on the writer thread, which is never interrupted.
     */
    void close(Duration wait) {
        closed = true;
        long deadline = System.nanoTime() + wait.toNanos();
        for (int i = 0; i < size; i++) {
            Connection connection;
            try {
                connection = idle.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (connection == null) {
                // A read is stuck: it closes its connection when it ends, and the database with it.
                abandoned = true;
                closeIdle();
                return;
            }
            Database.closeQuietly(connection);
        }
    }
}
