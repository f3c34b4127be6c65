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
import java.util.function.BooleanSupplier;
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
            return answering(nothing(Connection.class), () -> !down);
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

    /** {@code connection}, whose {@code isValid} tells whether the database answers now. */
    private static Connection answering(Connection connection, BooleanSupplier answers) {
        return (Connection) Proxy.newProxyInstance(
                Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class},
                (proxy, method, args) ->
                        method.getName().equals("isValid") ? answers.getAsBoolean() : method.invoke(connection, args));
    }

    /**
     * A database that freezes in the middle of a batch (in its statements, or in its COMMIT) until {@link #thaw}: while
     * frozen it gives no new connection and does not answer the health question. A connection's {@code abort} (its
     * socket closed under the statement) is counted and fails the statement that waits; a COMMIT that waits is not
     * failed by it, as the watch never cuts one.
     */
    private static final class FreezingPool extends Pool {
        final CountDownLatch aborted = new CountDownLatch(1);
        final AtomicInteger commits = new AtomicInteger();
        volatile boolean frozen;
        volatile boolean freezeAtCommit;
        /** As HikariCP hands out a connection used in the last 500 ms without asking the database. */
        volatile boolean handsOutWhileFrozen;

        FreezingPool() {
            down = false;
        }

        CompletableFuture<Boolean> answers() {
            return CompletableFuture.completedFuture(!frozen);
        }

        void thaw() {
            frozen = false;
        }

        @Override
        public Connection getConnection() throws SQLTransientConnectionException {
            if (frozen && !handsOutWhileFrozen) {
                throw new SQLTransientConnectionException("Connection is not available, request timed out");
            }
            Connection quiet = answering(nothing(Connection.class), () -> !frozen);
            return (Connection) Proxy.newProxyInstance(
                    Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                        switch (method.getName()) {
                            case "abort" -> {
                                aborted.countDown();
                                return null;
                            }
                            case "commit" -> {
                                if (freezeAtCommit) {
                                    freezeAtCommit = false;
                                    frozen = true;
                                    awaitThaw(false);
                                }
                                commits.incrementAndGet();
                                return null;
                            }
                            default -> {
                                return method.invoke(quiet, args);
                            }
                        }
                    });
        }

        /** Waits while frozen; with {@code cuttable}, fails as a statement does once its connection is cut. */
        void awaitThaw(boolean cuttable) throws SQLException {
            while (frozen) {
                if (cuttable && aborted.getCount() == 0) {
                    throw new SQLException("An I/O error occurred while sending to the backend", "08006");
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
        }
    }

    /** A task whose statement finds the database frozen (from the moment it runs until it thaws). */
    private static CompletableFuture<String> taskFreezingTheDatabase(PostgresWriter writer, FreezingPool database) {
        CompletableFuture<String> result = new CompletableFuture<>();
        return writer.submit(
                new PostgresWriter.Task<>(
                        "t",
                        connection -> {
                            database.frozen = true;
                            database.awaitThaw(true);
                            return "done";
                        },
                        result),
                result);
    }

    private static PostgresWriter started(FreezingPool database) {
        PostgresWriter writer = new PostgresWriter(database, CommitObserver.NONE, database::answers);
        writer.start();
        return writer;
    }

    @Test
    void aBatchStalledInItsStatementsOnADatabaseThatDoesNotAnswerIsCutAndFailsWithTheWritesBehindIt() throws Exception {
        FreezingPool database = new FreezingPool();
        PostgresWriter writer = started(database);
        try {
            long start = System.nanoTime();
            CompletableFuture<String> stalled = taskFreezingTheDatabase(writer, database);
            while (!database.frozen) {
                Thread.sleep(5);
            }
            CompletableFuture<String> behind = task(writer); // queued behind the stalled batch
            assertInstanceOf(StoreException.class, failure(stalled));
            assertInstanceOf(StoreException.class, failure(behind));
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(took < 5_000, "failed after " + took + " ms, not within the stall and the question's wait");
            assertEquals(0, database.aborted.getCount(), "the stalled batch's connection was cut");
            assertEquals(0, database.commits.get(), "nothing was committed");
            assertInstanceOf(StoreException.class, failure(task(writer)), "a write while it is still frozen");

            database.thaw();
            awaitSuccess(writer);
        } finally {
            writer.stop().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theProbeTakesNoConnectionFromAFrozenDatabaseForAnAnswer() throws Exception {
        // a review: the probe took any connection the pool gave for the database's return, and writes queued again
        // behind the next stall
        FreezingPool database = new FreezingPool();
        database.handsOutWhileFrozen = true;
        PostgresWriter writer = started(database);
        try {
            CompletableFuture<String> stalled = taskFreezingTheDatabase(writer, database);
            assertInstanceOf(StoreException.class, failure(stalled));
            for (int i = 0; i < 10; i++) {
                assertInstanceOf(StoreException.class, failure(task(writer)), "a write while it is still frozen");
                Thread.sleep(PostgresWriter.PROBE_PAUSE.toMillis() / 2);
            }
            database.thaw();
            awaitSuccess(writer);
        } finally {
            writer.stop().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aBatchStalledInItsCommitIsNotCutAndCompletesOnceTheDatabaseAnswersWhileTheWritesBehindItFail()
            throws Exception {
        // cut, a COMMIT the database had received was acked failed though stored once it thawed (a review)
        FreezingPool database = new FreezingPool();
        PostgresWriter writer = started(database);
        try {
            database.freezeAtCommit = true;
            CompletableFuture<String> committing = task(writer);
            while (!database.frozen) {
                Thread.sleep(5);
            }
            CompletableFuture<String> queued = task(writer); // queued behind it before the watch found the stall
            assertInstanceOf(StoreException.class, failure(queued));
            assertInstanceOf(StoreException.class, failure(task(writer)), "a write once the stall was found");
            assertTrue(!committing.isDone(), "the batch in its COMMIT waits for the database");
            assertEquals(1, database.aborted.getCount(), "no connection was cut");

            database.thaw();
            assertEquals("done", committing.get(10, TimeUnit.SECONDS));
            assertEquals(1, database.commits.get());
            awaitSuccess(writer);
        } finally {
            writer.stop().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aSlowBatchOnADatabaseThatAnswersIsLeftToFinish() throws Exception {
        FreezingPool database = new FreezingPool();
        PostgresWriter writer = started(database);
        try {
            CompletableFuture<String> result = new CompletableFuture<>();
            CompletableFuture<String> slow = writer.submit(
                    new PostgresWriter.Task<>(
                            "t",
                            connection -> {
                                LockSupport.parkNanos(PostgresWriter.STALL.toNanos() * 3);
                                return "done";
                            },
                            result),
                    result);
            assertEquals("done", slow.get(10, TimeUnit.SECONDS));
            assertEquals(1, database.aborted.getCount(), "no connection was cut");
        } finally {
            writer.stop().get(10, TimeUnit.SECONDS);
        }
    }

    /** Writes succeed again (once the probe found the database answering). */
    private static void awaitSuccess(PostgresWriter writer) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (task(writer).handle((done, error) -> done).get(10, TimeUnit.SECONDS) == null) {
            assertTrue(System.nanoTime() < deadline, "writes never succeeded once the database answered");
            Thread.sleep(20);
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
