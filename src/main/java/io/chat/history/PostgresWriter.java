package io.chat.history;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Savepoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The one thread of a node that writes to PostgreSQL, for every tenant of the node, with group commit: it takes
 * every write queued since its last commit (up to {@link #MAX_BATCH}), runs them in one transaction (switching the
 * transaction's tenant between tenants), commits, and only then completes their futures. PostgreSQL's commit is
 * durable (synchronous_commit on, one WAL flush per transaction), so the batch size is what turns one fsync into
 * many acks.
 *
 * <p>A busy writer spaces its commits: a batch smaller than {@link #HOLD_BELOW}, taken less than
 * {@link #COMMIT_SPACING} after the previous batch was, waits until that much after it and takes what came meanwhile.
 * A commit costs PostgreSQL about 0.3 ms of CPU whatever its size (its WAL flush most of it) and the node about as
 * much (round trips, JDBC): at 2,048 msgs/s unheld batches were of 2 messages, 1,000 commits a second on a core the
 * node and PostgreSQL share. Only a writer that found writes waiting when it finished its last batch holds (many
 * senders; one caller waiting for each write in turn is never held), and a large batch is not held.
 *
 * <p>A batch's appends take one statement whatever their number and tenants (see {@link PostgresAppends}); a user or
 * session change runs under a savepoint, so that its failure undoes it alone. If the batch fails for its data (a
 * value the database refuses, a constraint, a deadlock between nodes), each write is tried again in a transaction
 * of its own, so that one bad write fails alone; if the database is unreachable, the whole batch fails at once.
 * A write that lost a race with another node's transaction (a deadlock's victim, a serialization failure: SQLState
 * 40P01, 40001) is not failed for it: the writes before it commit, then it and the writes after it run again, in queue
 * order (see {@link #inOrder}); its caller waits longer.
 * A batch whose commit was cut off (the connection died during COMMIT) is reported failed although it may have been
 * committed: a resend with the same clientId then finds the stored message.
 *
 * <p>A connection is borrowed from the pool per batch, so a database that went away and came back is used again
 * without anything being reopened. Nobody interrupts this thread (callers only queue work). A batch that runs past
 * {@link #STALL} has the database asked whether it answers (see {@link #watch}); if it does not, the writes waiting
 * behind it fail at once rather than wait out the socket's timeout, and so does the batch unless its COMMIT was sent.
 */
final class PostgresWriter {
    private static final System.Logger LOG = System.getLogger(PostgresWriter.class.getName());
    static final int MAX_BATCH = 1_000;
    /** How many times a write that keeps losing races with other nodes is run before it fails. */
    static final int ATTEMPTS = 3;
    /** A batch past this long runs no lost write again (a deadlock alone costs PostgreSQL's deadlock_timeout, 1 s). */
    private static final Duration RETRY_BUDGET = Duration.ofSeconds(3);
    /** A deadlock's victim, a serialization failure: undone for another transaction's sake, not for its data. */
    private static final Set<String> LOST_RACE = Set.of("40P01", "40001");
    /** Past this many queued writes, new ones fail at once rather than grow the heap without bound. */
    static final int MAX_PENDING = 100_000;
    /** A busy writer's batches start at least this far apart, unless they are large already (see the class note). */
    static final Duration COMMIT_SPACING = Duration.ofMillis(4);
    /** A batch of this many writes or more is not held for {@link #COMMIT_SPACING}. */
    static final int HOLD_BELOW = 100;
    /** A batch running longer than this makes the stores unhealthy. */
    private static final Duration STUCK = Duration.ofSeconds(10);
    /** How long the probe of an unreachable database waits between two asks that failed at once. */
    static final Duration PROBE_PAUSE = Duration.ofMillis(250);
    /** A batch running longer than this has the database asked whether it answers. */
    static final Duration STALL = Duration.ofSeconds(1);
    /** How long that question may take before the database counts as not answering. */
    static final Duration ANSWER_WAIT = Duration.ofSeconds(2);
    /** How often the watch looks at the batch under way. */
    private static final Duration WATCH_PERIOD = Duration.ofMillis(250);

    sealed interface Op permits Append, Task, Barrier, Stop {}

    /** {@code stored} counts the tenant's messages: increased once the append is committed. */
    record Append(PostgresAppends.Request request, AtomicLong stored, CompletableFuture<AppendResult> result)
            implements Op {}

    record Task<T>(String tenant, SqlWork<T> work, CompletableFuture<T> result) implements Op {}

    /** Completes once every write queued before it is done: how a tenant's store closes. */
    record Barrier(CompletableFuture<Void> done) implements Op {}

    enum Stop implements Op {
        INSTANCE
    }

    private final DataSource pool;
    private final CommitObserver observer;
    private final Supplier<CompletableFuture<Boolean>> answers;
    private final WriteQueue<Op> queue;
    private final Thread thread;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private volatile long batchStartedNanos; // 0 while idle
    /** Orders the watch's cut against the batch's COMMIT: a cut happens before COMMIT is sent, or not at all. */
    private final Object cutLock = new Object();

    /** Where the transaction on {@link #inFlight} is. */
    private enum Stage {
        APPLYING,
        COMMITTING,
        CUT
    }

    private Connection inFlight; // guarded by cutLock: the batch's connection, null between transactions
    private Stage stage; // guarded by cutLock: inFlight's

    /**
     * Set when a batch found the database unreachable (no connection within the pool's connection timeout, 2 s, or
     * SQLState class 08), until {@link #probe} gets a connection: meanwhile writes fail at once, without asking the
     * pool. With PostgreSQL frozen or refusing logins, each batch waited out the 2 s and one queued behind it waited for
     * both (a review: failure acks of 2-4 s, median 3 s, all through an outage).
     */
    private volatile boolean unreachable;

    private final AtomicBoolean probing = new AtomicBoolean();

    /** {@code answers}: whether the database answers a query now (true), asked of a batch that stalls. */
    PostgresWriter(DataSource pool, CommitObserver observer, Supplier<CompletableFuture<Boolean>> answers) {
        this.pool = pool;
        this.observer = observer;
        this.answers = answers;
        this.queue = new WriteQueue<>("postgres store", MAX_PENDING, Stop.INSTANCE);
        // Daemon: acknowledged writes are committed already; stopping mid-way loses only unacknowledged ones.
        this.thread =
                Thread.ofPlatform().name("store-writer-postgres").daemon(true).unstarted(this::run);
    }

    void start() {
        thread.start();
        Thread.ofVirtual().name("store-watch-postgres").start(this::watch);
    }

    /** Queues {@code op}, whose future is {@code result}; a refused op fails its future at once. */
    <T> CompletableFuture<T> submit(Op op, CompletableFuture<T> result) {
        if (Thread.currentThread() == thread) {
            // A write made from a callback running on this thread could only be waited for forever.
            result.completeExceptionally(
                    new IllegalStateException("store called from its own writer thread; use an *Async stage"));
            return result;
        }
        if (unreachable && isWrite(op)) {
            // the writer may be held by a COMMIT the database has not answered (see watch): not queued behind it
            result.completeExceptionally(unreachableFailure());
            return result;
        }
        StoreException refused = queue.offer(op);
        if (refused != null) {
            result.completeExceptionally(refused);
        }
        return result;
    }

    /** Completes once every write queued so far is committed or failed (at once if the writer has stopped). */
    CompletableFuture<Void> barrier() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        submit(new Barrier(done), done);
        return done.exceptionally(e -> null);
    }

    boolean healthy() {
        long started = batchStartedNanos;
        boolean stuck = started != 0 && System.nanoTime() - started > STUCK.toNanos();
        return thread.isAlive() && !queue.isStopping() && !stuck;
    }

    /** Commits what is queued and ends the thread; completes when it has. */
    CompletableFuture<Void> stop() {
        queue.stop();
        if (!thread.isAlive() && !stopped.isDone()) {
            stopped.complete(null); // never started
        }
        return stopped;
    }

    boolean isWriterThread() {
        return Thread.currentThread() == thread;
    }

    private void run() {
        try {
            List<Op> batch = new ArrayList<>(MAX_BATCH);
            long spacing = COMMIT_SPACING.toNanos();
            long lastStart = System.nanoTime() - spacing;
            boolean contended = false; // writes came in while the last batch was written
            while (true) {
                boolean stop = queue.nextBatch(batch, MAX_BATCH);
                if (!stop && contended && batch.size() < HOLD_BELOW && System.nanoTime() - lastStart < spacing) {
                    stop = queue.addHeld(batch, MAX_BATCH, lastStart + spacing);
                }
                lastStart = System.nanoTime();
                write(batch);
                contended = queue.hasQueued();
                if (stop) {
                    return;
                }
            }
        } catch (Throwable e) {
            LOG.log(Level.ERROR, "postgres store writer failed", e);
        } finally {
            queue.refuseNew();
            StoreException closed = new StoreException("postgres store is closed");
            queue.drain(op -> fail(op, closed));
            stopped.complete(null);
        }
    }

    private void write(List<Op> batch) {
        List<Op> writes = batch.stream().filter(op -> !(op instanceof Barrier)).toList();
        if (!writes.isEmpty()) { // inOrder fails them at once while the database is unreachable
            long start = System.nanoTime();
            batchStartedNanos = start == 0 ? 1 : start;
            try {
                inOrder(writes, start);
            } finally {
                batchStartedNanos = 0;
            }
        }
        for (Op op : batch) {
            if (op instanceof Barrier barrier) {
                barrier.done().complete(null);
            }
        }
    }

    /**
     * Commits {@code writes} in queue order. A task that loses a race ends its transaction's share of them: the writes
     * before it commit, then it and every write after it run in the next transaction, in their order (so that a
     * room's leave never lands before its join, nor an edit before an earlier edit). The loser runs at most
     * {@link #ATTEMPTS} times in all, and not again once the batch has spent {@link #RETRY_BUDGET}: the writer is the
     * node's only one, and every tenant waits for it.
     */
    private void inOrder(List<Op> writes, long start) {
        List<Op> pending = writes;
        Op loser = null;
        int losses = 0;
        while (!pending.isEmpty()) {
            if (unreachable) { // before the batch, or found so meanwhile (write by write, a race run again)
                StoreException failure = unreachableFailure();
                pending.forEach(op -> fail(op, failure));
                return;
            }
            try {
                pending = commit(pending, start);
                if (pending.isEmpty()) {
                    return;
                }
            } catch (SQLException | RuntimeException e) {
                if (unreachable(e)) {
                    unreachable = true;
                    probe();
                }
                if (pending.size() > 1 && failedForItsData(e)) {
                    // the state, not the message: a constraint's message quotes the values that broke it
                    LOG.log(
                            Level.WARNING,
                            "postgres store: batch of " + pending.size() + " failed with SQLState "
                                    + ((SQLException) e).getSQLState() + "; writing each alone");
                    pending.forEach(op -> inOrder(List.of(op), start));
                    return;
                }
                if (!lostARace(e)) {
                    if (failedForItsData(e)) {
                        LOG.log(
                                Level.WARNING,
                                "postgres store: write failed with SQLState " + ((SQLException) e).getSQLState());
                    } else {
                        LOG.log(Level.WARNING, "postgres store: batch of " + pending.size() + " failed", e);
                    }
                    StoreException failure = failure(e);
                    pending.forEach(op -> fail(op, failure));
                    return;
                }
                // one write, undone whole: it lost a race as a task does
            }
            Op head = pending.getFirst();
            losses = head == loser ? losses + 1 : 1;
            loser = head;
            if (losses >= ATTEMPTS || System.nanoTime() - start > RETRY_BUDGET.toNanos()) {
                fail(head, new StoreException("postgres store: write lost its races with other writers"));
                pending = pending.subList(1, pending.size());
            }
        }
    }

    /**
     * One transaction; the futures of what it applied complete only after its commit. Returns what it did not apply:
     * empty, or the task that lost a race (undone under its savepoint, its future not completed) and every write
     * after it, to run once it has committed.
     */
    private List<Op> commit(List<Op> writes, long start) throws SQLException {
        List<Runnable> completions = new ArrayList<>(writes.size());
        List<Op> rest;
        try (Connection connection = pool.getConnection()) {
            synchronized (cutLock) {
                inFlight = connection;
                stage = Stage.APPLYING;
            }
            try {
                rest = apply(connection, writes, completions);
                synchronized (cutLock) {
                    if (stage == Stage.CUT) { // the statements were answered as the watch cut: nothing committed
                        throw new SQLException("postgres store: connection cut by the watch", "08006");
                    }
                    stage = Stage.COMMITTING;
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection);
                throw e;
            } finally {
                synchronized (cutLock) { // before the connection goes back to the pool: never cut after
                    inFlight = null;
                }
            }
        }
        if (rest.size() < writes.size()) {
            try {
                observer.committed(writes.size() - rest.size(), System.nanoTime() - start);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "postgres store: commit observer failed", e);
            }
        }
        // Runs on this thread the callers' non-async stages, if any: see PostgresTenantStore's note.
        completions.forEach(Runnable::run);
        return rest;
    }

    /**
     * Appends first, all in one call (tenant by tenant in tenant order: the nodes' common lock order), then tasks, in
     * queue order until one loses a race. Returns the writes not applied: that task and the tasks after it.
     */
    private static List<Op> apply(Connection connection, List<Op> writes, List<Runnable> completions)
            throws SQLException {
        List<Append> appends = new ArrayList<>();
        for (Op op : writes) {
            if (op instanceof Append append) {
                appends.add(append);
            }
        }
        if (!appends.isEmpty()) {
            List<AppendResult> results = PostgresAppends.append(
                    connection, appends.stream().map(Append::request).toList());
            for (int i = 0; i < appends.size(); i++) {
                Append append = appends.get(i);
                AppendResult result = results.get(i);
                completions.add(() -> {
                    if (!result.duplicate()) {
                        append.stored().incrementAndGet();
                    }
                    append.result().complete(result);
                });
            }
        }
        String tenant = null; // the appends left some tenant set: each task sets its own
        for (int i = 0; i < writes.size(); i++) {
            if (writes.get(i) instanceof Task<?> task) {
                if (!task.tenant().equals(tenant)) {
                    tenant = task.tenant();
                    setTenant(connection, tenant);
                }
                if (!applied(connection, task, completions)) {
                    return writes.subList(i, writes.size()).stream()
                            .filter(op -> op instanceof Task<?>)
                            .toList();
                }
            }
        }
        return List.of();
    }

    /**
     * A task may run several statements: a savepoint undoes all of them if it fails, and the batch goes on. Adds the
     * task's completion to {@code completions}, or returns false, adding nothing, if it lost a race (undone, to run
     * again).
     */
    private static <T> boolean applied(Connection connection, Task<T> task, List<Runnable> completions)
            throws SQLException {
        Savepoint savepoint = connection.setSavepoint();
        try {
            T value = task.work().apply(connection);
            connection.releaseSavepoint(savepoint);
            completions.add(() -> task.result().complete(value));
        } catch (SQLException | RuntimeException e) {
            connection.rollback(savepoint);
            if (lostARace(e)) {
                return false;
            }
            RuntimeException failure = e instanceof RuntimeException re ? re : failure(e);
            completions.add(() -> task.result().completeExceptionally(failure));
        }
        return true;
    }

    /** The transaction's tenant, until it ends: row security lets its statements see and write that tenant only. */
    static void setTenant(Connection connection, String tenant) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT set_config('chat.tenant', ?, true)")) {
            statement.setString(1, Objects.requireNonNull(tenant));
            statement.execute();
        }
    }

    /**
     * Asks whether the database answers while a batch runs past {@link #STALL} (an answer is reused for up to a second).
     * If it does not within {@link #ANSWER_WAIT}, the writes waiting behind the batch fail at once, and new ones until a
     * probe gets a connection; and the batch's connection is cut unless its COMMIT was sent. A database frozen or cut
     * off mid-batch (no reset comes back) held the writer until the socket's timeout (10 s), and every write queued
     * behind with it (a review: failure acks up to 7 s, some past the client's 8 s). A batch cut before its COMMIT
     * fails knowing that nothing was stored; one whose COMMIT was sent waits for the database's answer (it may have
     * committed: cut, it would be acked failed though stored, which a later review found), up to the socket timeout.
     * A slow database that answers is left alone.
     */
    private void watch() {
        long reported = 0; // the batch the log has a line about
        while (!stopped.isDone()) {
            try {
                Thread.sleep(WATCH_PERIOD);
                long started = batchStartedNanos;
                if (started != 0 && System.nanoTime() - started >= STALL.toNanos() && !answered()) {
                    stalled(started, started != reported);
                    reported = started;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error e) {
                LOG.log(Level.WARNING, "postgres store: the writer's watch failed; it goes on", e);
            }
        }
    }

    /**
     * The database did not answer while the batch started at {@code started} ran (asked again every {@link
     * #WATCH_PERIOD} while it runs: writes that came meanwhile fail too).
     */
    private void stalled(long started, boolean log) {
        boolean cutNow;
        synchronized (cutLock) {
            if (inFlight == null || batchStartedNanos != started) {
                return; // that batch ended meanwhile
            }
            cutNow = stage == Stage.APPLYING;
            if (cutNow) {
                stage = Stage.CUT;
                cut(inFlight);
            }
        }
        unreachable = true;
        probe();
        StoreException failure = unreachableFailure();
        int failed = queue.removeWaiting(PostgresWriter::isWrite, op -> fail(op, failure));
        if (!log) {
            return;
        }
        LOG.log(
                Level.WARNING,
                "postgres store: a batch ran past " + STALL.toMillis() + " ms and the database did not answer; "
                        + (cutNow ? "its connection cut" : "its COMMIT waits for an answer") + ", " + failed
                        + " waiting writes failed");
    }

    private boolean answered() throws InterruptedException {
        try {
            return Boolean.TRUE.equals(answers.get().get(ANSWER_WAIT.toMillis(), TimeUnit.MILLISECONDS));
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return false;
        }
    }

    /** Closes the connection's socket under the statement that waits on it, which then fails (SQLState 08). */
    private static void cut(Connection connection) {
        try {
            connection.abort(Runnable::run);
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.WARNING, "postgres store: could not cut a stalled connection", e);
        }
    }

    private static boolean isWrite(Op op) {
        return op instanceof Append || op instanceof Task<?>;
    }

    private static StoreException unreachableFailure() {
        return new StoreException("postgres store: the database is unreachable");
    }

    /**
     * Asks the pool for a connection that answers, in turn, until one comes (then writes ask it again) or the writer
     * stops; one probe at a time, on a thread of its own, so that no write waits for it. A connection alone is no proof:
     * HikariCP hands out one used in the last 500 ms unchecked, which a database frozen since does not answer on.
     */
    private void probe() {
        if (!probing.compareAndSet(false, true)) {
            return;
        }
        Thread.ofVirtual().name("store-probe-postgres").start(() -> {
            try {
                while (unreachable && !queue.isStopping()) {
                    try (Connection connection = pool.getConnection()) {
                        if (connection.isValid((int) ANSWER_WAIT.toSeconds())) {
                            unreachable = false;
                        } else {
                            Thread.sleep(PROBE_PAUSE);
                        }
                    } catch (SQLException | RuntimeException e) {
                        Thread.sleep(PROBE_PAUSE);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                probing.set(false);
            }
            // found unreachable again between the connection and the line above: that failure's probe was this one
            if (unreachable && !queue.isStopping()) {
                probe();
            }
        });
    }

    /** No connection to be had (the pool's wait ran out), or the connection failed (SQLState class 08). */
    private static boolean unreachable(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLTransientConnectionException
                    || cause instanceof SQLException sql
                            && String.valueOf(sql.getSQLState()).startsWith("08")) {
                return true;
            }
        }
        return false;
    }

    /** Data exceptions (22), constraint violations (23) and transaction rollbacks such as deadlocks (40). */
    private static boolean failedForItsData(Throwable e) {
        return e instanceof SQLException sql
                && sql.getSQLState() != null
                && (sql.getSQLState().startsWith("22")
                        || sql.getSQLState().startsWith("23")
                        || sql.getSQLState().startsWith("40"));
    }

    /**
     * A deadlock's victim or a serialization failure (SQLState 40P01, 40001), of this write or of a cause it wraps: the
     * database undid it for another transaction's sake, not for its data.
     */
    private static boolean lostARace(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && LOST_RACE.contains(String.valueOf(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    private static StoreException failure(Throwable e) {
        return e instanceof StoreException se ? se : new StoreException("postgres store: write failed", e);
    }

    private static void fail(Op op, Throwable failure) {
        switch (op) {
            case Append append -> append.result().completeExceptionally(failure);
            case Task<?> task -> task.result().completeExceptionally(failure);
            case Barrier barrier -> barrier.done().complete(null);
            case Stop stop -> {}
        }
    }

    static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the connection is broken or closed: the transaction is gone either way
        }
    }
}
