package io.chat.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
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
    private static class Pool implements DataSource {
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

    /**
     * A pool that has a connection until one is cut: its {@code abort} (the socket closed under the statement) is
     * counted and fails the work that waits on it.
     */
    private static final class LivePool extends Pool {
        final CountDownLatch aborted = new CountDownLatch(1);

        LivePool() {
            down = false;
        }

        @Override
        public Connection getConnection() throws SQLTransientConnectionException {
            if (aborted.getCount() == 0) { // the database that did not answer still does not
                throw new SQLTransientConnectionException("Connection is not available, request timed out");
            }
            Connection quiet = nothing(Connection.class);
            return (Connection) Proxy.newProxyInstance(
                    Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                        if (method.getName().equals("abort")) {
                            aborted.countDown();
                            return null;
                        }
                        return method.invoke(quiet, args);
                    });
        }
    }

    /** A task that waits, as one on a frozen database does, until its connection is cut or {@code released}. */
    private static CompletableFuture<String> stalledTask(
            PostgresWriter writer, LivePool pool, CountDownLatch released) {
        CompletableFuture<String> result = new CompletableFuture<>();
        return writer.submit(
                new PostgresWriter.Task<>(
                        "t",
                        connection -> {
                            while (released.getCount() > 0) {
                                if (pool.aborted.getCount() == 0) {
                                    throw new SQLException(
                                            "An I/O error occurred while sending to the backend", "08006");
                                }
                                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                            }
                            return "done";
                        },
                        result),
                result);
    }

    @Test
    void aBatchStalledOnADatabaseThatDoesNotAnswerHasItsConnectionCutAndTheWritesBehindItFailAtOnce() throws Exception {
        LivePool pool = new LivePool();
        PostgresWriter writer =
                new PostgresWriter(pool, CommitObserver.NONE, () -> CompletableFuture.completedFuture(false));
        writer.start();
        try {
            long start = System.nanoTime();
            CompletableFuture<String> stalled = stalledTask(writer, pool, new CountDownLatch(1));
            Thread.sleep(100); // the stalled task is the batch under way; the next one queues behind it
            CompletableFuture<String> behind = task(writer);
            assertInstanceOf(StoreException.class, failure(stalled));
            assertInstanceOf(StoreException.class, failure(behind));
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(took < 5_000, "failed after " + took + " ms, not within the stall and the question's wait");
            assertEquals(0, pool.aborted.getCount(), "the stalled batch's connection was cut");
        } finally {
            writer.stop().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aSlowBatchOnADatabaseThatAnswersIsLeftToFinish() throws Exception {
        LivePool pool = new LivePool();
        PostgresWriter writer =
                new PostgresWriter(pool, CommitObserver.NONE, () -> CompletableFuture.completedFuture(true));
        writer.start();
        try {
            CountDownLatch released = new CountDownLatch(1);
            CompletableFuture<String> slow = stalledTask(writer, pool, released);
            Thread.sleep(PostgresWriter.STALL.toMillis() * 3);
            released.countDown();
            assertEquals("done", slow.get(10, TimeUnit.SECONDS));
            assertEquals(1, pool.aborted.getCount(), "no connection was cut");
        } finally {
            writer.stop().get(10, TimeUnit.SECONDS);
        }
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
        PostgresWriter writer =
                new PostgresWriter(pool, CommitObserver.NONE, () -> CompletableFuture.completedFuture(true));
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
