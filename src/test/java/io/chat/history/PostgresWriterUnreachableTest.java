package io.chat.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A database found unreachable is not asked by the writes that follow, only by a probe of its own until it answers:
 * each ask waits out the pool's connection timeout, and the writes queued behind a failing batch waited for another (a
 * review: failure acks of 2-4 s through an outage).
 */
class PostgresWriterUnreachableTest {
    /**
     * A pool with no connection to give while {@code down}: its first ask fails at once (the pool's wait ran out), the
     * next ones wait until {@code answer} opens, as the pool's wait for a frozen database does. Counts the asks.
     */
    private static final class Pool implements DataSource {
        volatile boolean down = true;
        final AtomicInteger asks = new AtomicInteger();
        final CountDownLatch answer = new CountDownLatch(1);

        @Override
        public Connection getConnection() throws SQLTransientConnectionException {
            if (asks.incrementAndGet() > 1 && down) {
                try {
                    answer.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (down) {
                throw new SQLTransientConnectionException("Connection is not available, request timed out");
            }
            return nothing(Connection.class);
        }

        @Override
        public Connection getConnection(String user, String password) {
            throw new UnsupportedOperationException();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {}

        @Override
        public void setLoginTimeout(int seconds) {}

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> type) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    }

    /** A JDBC object on which every call succeeds and does nothing (a statement's, a savepoint's alike). */
    private static <T> T nothing(Class<T> type) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            Class<?> returned = method.getReturnType();
            if (returned == boolean.class) {
                return false;
            } else if (returned == int.class) {
                return 0;
            } else if (returned == long.class) {
                return 0L;
            } else if (returned.isInterface()) {
                return nothing(returned);
            }
            return null;
        }));
    }

    private static CompletableFuture<String> task(PostgresWriter writer) {
        CompletableFuture<String> result = new CompletableFuture<>();
        return writer.submit(new PostgresWriter.Task<>("t", connection -> "done", result), result);
    }

    private static Throwable failure(CompletableFuture<String> result) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> result.get(10, TimeUnit.SECONDS));
        return e.getCause();
    }

    @Test
    void writesFailAtOnceWhileAProbeWaitsForTheUnreachableDatabaseAndSucceedOnceItAnswers() throws Exception {
        Pool pool = new Pool();
        PostgresWriter writer = new PostgresWriter(pool, CommitObserver.NONE);
        writer.start();
        try {
            assertInstanceOf(StoreException.class, failure(task(writer)));
            long probeDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (pool.asks.get() < 2) {
                assertTrue(System.nanoTime() < probeDeadline, "no probe asked the pool");
                Thread.sleep(5);
            }
            // the probe now waits in the pool: a write that asked too would wait with it
            for (int i = 0; i < 3; i++) {
                assertInstanceOf(StoreException.class, failure(task(writer)));
            }
            assertEquals(2, pool.asks.get(), "the first write's ask and the probe's");

            pool.down = false;
            pool.answer.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (task(writer).handle((done, error) -> done).get(10, TimeUnit.SECONDS) == null) {
                assertTrue(System.nanoTime() < deadline, "writes never succeeded once the database answered");
                Thread.sleep(20);
            }
            assertEquals("done", task(writer).get(10, TimeUnit.SECONDS));
        } finally {
            writer.stop().get(10, TimeUnit.SECONDS);
        }
    }
}
