package io.chat.history;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The one thread that writes a tenant's database, with group commit: it takes every write queued
 * since its last commit (up to {@link #MAX_BATCH}), runs them in one transaction, commits, makes the
 * commit durable, and only then completes their futures. Durable means: the batch's messages are
 * written to the {@link MessageLog} (one write), or, for a batch that changes users or sessions, the
 * database file itself is brought up to date (CHECKPOINT). H2 stores the rest at its own pace; a
 * periodic checkpoint lets the log be emptied. With {@link Durability#FSYNC} both are synced to the disk
 * before the futures complete (one fsync per batch), else they are left to the operating system.
 *
 * <p>Why not have H2 write every commit (WRITE_DELAY=0)? Each commit then rewrites every B-tree page it
 * touched; the messages of a busy server touch a different page of the (room, seq) and clientId indexes
 * per message, so a 100-row batch rewrote some 200 pages (a profile: 49 % of the writer in page
 * serialization, 50 us of CPU per message). With the log, a page is rewritten once per write delay.
 *
 * <p>It is a platform thread owned by the store and never handed out, so nothing interrupts it: an
 * interrupt inside H2's file I/O would close the database for every connection. Callers only put work
 * on a queue, which never blocks on I/O and ignores their interrupts.
 */
final class Writer {
    private static final System.Logger LOG = System.getLogger(Writer.class.getName());
    static final int MAX_BATCH = 1_000;
    /** Past this many queued writes, new ones fail at once rather than grow the heap without bound. */
    static final int MAX_PENDING = 100_000;

    static final int READ_CONNECTIONS = 3;
    private static final Duration HEALTH_QUERY_TIMEOUT = Duration.ofSeconds(2);
    /** A health check's answer is reused this long: a flood of /health calls starts about one check per second. */
    private static final Duration HEALTH_REUSE = Duration.ofSeconds(1);
    /** A batch running longer than this makes the store unhealthy. */
    private static final Duration STUCK = Duration.ofSeconds(10);

    private static final Duration READS_DRAIN = Duration.ofSeconds(10);
    /** How long the log may grow before a checkpoint empties it, at most, and how large. */
    private static final Duration CHECKPOINT_EVERY = Duration.ofSeconds(10);

    private static final long MAX_LOG_BYTES = 64L << 20;
    /**
     * With {@link Durability#FSYNC}, a batch starts at least this long after the one before: one fdatasync cost 200 us
     * of CPU on this project's 2-core VM (a loop of 2 KB append + fdatasync: as much CPU as wall time), and a busy
     * writer that syncs whatever came during the last sync made a sync of one or two messages each time (W2 at 4,096
     * msg/s: the server's core saturated). At most 500 syncs a second then, each for every message of its 2 ms; a
     * write that finds the writer idle for longer is not held.
     */
    static final Duration SYNC_SPACING = Duration.ofMillis(2);

    sealed interface Op permits Append, ChangeOp, Task, Stop {}

    /** {@code names}: those the text mentions ({@link Mentions#names}), worked out on the sender's thread. */
    record Append(
            String room,
            String from,
            String text,
            Optional<String> clientId,
            List<String> names,
            CompletableFuture<AppendResult> result)
            implements Op {}

    record ChangeOp(
            String room, String from, Change change, Optional<String> clientId, CompletableFuture<ChangeResult> result)
            implements Op {}

    record Task<T>(SqlWork<T> work, CompletableFuture<T> result) implements Op {}

    /** Always the last op ever queued: admission closes when it is queued. */
    enum Stop implements Op {
        INSTANCE
    }

    private final Path directory;
    private final String tenantId;
    private final CommitObserver observer;
    private final Runnable onStopped;
    private final Thread thread;
    private final WriteQueue<Op> queue;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final AtomicLong messageCount = new AtomicLong();
    /** Told the rows of every commit, on this thread, before their futures complete (the search index). */
    private volatile Consumer<List<LoggedMessage>> onCommitted = rows -> {};

    private volatile ReadPool reads;
    private volatile HealthProbe health;
    private volatile long batchStartedNanos; // 0 while idle
    private volatile boolean lastCommitFailed;
    // owned by the writer thread
    private MessageLog log;
    private Connection checkpointer;
    private final Durability durability;
    private final StoreFiles files;
    private long lastCheckpointNanos;

    Writer(
            Path directory,
            String tenantId,
            CommitObserver observer,
            Durability durability,
            StoreFiles files,
            Runnable onStopped) {
        this.directory = directory;
        this.files = files;
        this.durability = durability;
        this.tenantId = tenantId;
        this.observer = observer;
        this.onStopped = onStopped;
        this.queue = new WriteQueue<>("tenant store " + tenantId, MAX_PENDING, Stop.INSTANCE);
        // Daemon: a store the application forgot to close must not keep the JVM alive. Acknowledged
        // writes are on disk already, so stopping mid-way loses only unacknowledged ones.
        this.thread = Thread.ofPlatform()
                .name("store-writer-" + tenantId)
                .daemon(true)
                .unstarted(this::run);
    }

    /** Opens the database on the writer thread (never on the caller's) and waits for it, ignoring interrupts. */
    void start() {
        try {
            thread.start();
        } catch (Throwable e) {
            onStopped.run();
            throw e;
        }
        try {
            ready.join();
        } catch (CompletionException e) {
            stopped.join();
            throw e.getCause() instanceof RuntimeException re
                    ? re
                    : new StoreException("cannot open tenant store " + tenantId + ": " + e.getCause(), e.getCause());
        }
    }

    /** Sets what is told the rows of every commit: quick, never blocking (it runs on the writer thread). */
    void onCommitted(Consumer<List<LoggedMessage>> listener) {
        onCommitted = listener;
    }

    ReadPool reads() {
        return reads;
    }

    HealthProbe health() {
        return health;
    }

    long messageCount() {
        return messageCount.get();
    }

    boolean healthy() {
        long started = batchStartedNanos;
        boolean stuck = started != 0 && System.nanoTime() - started > STUCK.toNanos();
        return thread.isAlive() && !isStopping() && !lastCommitFailed && !stuck;
    }

    CompletableFuture<AppendResult> append(String room, String from, String text, Optional<String> clientId) {
        CompletableFuture<AppendResult> result = new CompletableFuture<>();
        List<String> names = Mentions.names(text, AccountStore.MAX_USER);
        return submit(new Append(room, from, text, clientId, names, result), result);
    }

    CompletableFuture<ChangeResult> change(String room, String from, Change change, Optional<String> clientId) {
        CompletableFuture<ChangeResult> result = new CompletableFuture<>();
        return submit(new ChangeOp(room, from, change, clientId, result), result);
    }

    <T> CompletableFuture<T> task(SqlWork<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        return submit(new Task<>(work, result), result);
    }

    /** Asks the thread to commit what is queued, close the database and end; completes when it has. */
    CompletableFuture<Void> stop() {
        queue.stop();
        return stopped;
    }

    boolean isWriterThread() {
        return Thread.currentThread() == thread;
    }

    private boolean isStopping() {
        return queue.isStopping();
    }

    private <T> CompletableFuture<T> submit(Op op, CompletableFuture<T> result) {
        if (isWriterThread()) {
            // A write made from a callback running on this thread could only be waited for forever.
            result.completeExceptionally(new IllegalStateException(
                    "tenant store " + tenantId + " called from its own writer thread; use an *Async stage"));
            return result;
        }
        StoreException refused = queue.offer(op);
        if (refused != null) {
            result.completeExceptionally(refused);
        }
        return result;
    }

    private void run() {
        Connection connection = null;
        MessageWriter messages = null;
        try {
            try {
                Database.Connections opened = Database.open(directory, READ_CONNECTIONS, files);
                connection = opened.writer();
                checkpointer = opened.checkpointer();
                reads = new ReadPool(opened.readers());
                health = new HealthProbe(tenantId, opened.health(), HEALTH_QUERY_TIMEOUT, HEALTH_REUSE);
                messages = new MessageWriter(connection);
                log = MessageLog.open(directory, files);
                if (durability == Durability.FSYNC) {
                    syncNames();
                }
                restoreFromLog(connection, messages);
                messageCount.set(MessageQueries.count(connection));
                connection.commit();
            } catch (Throwable e) {
                ready.completeExceptionally(e);
                return;
            }
            ready.complete(null);
            loop(connection, messages);
        } catch (Throwable e) {
            LOG.log(Level.ERROR, "tenant " + tenantId + ": store writer failed", e);
        } finally {
            shutDown(connection, messages);
        }
    }

    private void loop(Connection connection, MessageWriter messages) {
        List<Op> batch = new ArrayList<>(MAX_BATCH);
        long spacing = durability == Durability.FSYNC ? SYNC_SPACING.toNanos() : 0;
        long lastBatchNanos = System.nanoTime() - spacing;
        while (true) {
            boolean stop = queue.nextBatch(batch, MAX_BATCH, lastBatchNanos + spacing);
            if (!batch.isEmpty()) {
                lastBatchNanos = System.nanoTime();
                commit(connection, messages, batch);
            }
            if (stop) {
                return;
            }
        }
    }

    /**
     * A power loss keeps a file's synced data only if its name is durable too: the names of the files H2 and the log
     * may just have created, and of the tenant's folder itself in its parent.
     */
    private void syncNames() throws IOException {
        files.syncDirectory(directory);
        if (directory.getParent() != null) {
            files.syncDirectory(directory.getParent());
        }
    }

    /** After a crash: the logged messages H2 had not stored yet go into it, then the log is emptied. */
    private void restoreFromLog(Connection connection, MessageWriter messages) throws SQLException, IOException {
        List<LoggedMessage> logged = log.read();
        int restored = messages.restore(logged);
        connection.commit();
        if (log.size() > 0) {
            checkpointAndClearLog();
        }
        if (restored > 0) {
            LOG.log(
                    Level.INFO,
                    "tenant " + tenantId + ": restored " + restored + " of " + logged.size()
                            + " logged messages the database file did not have yet");
        }
    }

    /** One transaction for the whole batch; futures complete only once it is committed. */
    private void commit(Connection connection, MessageWriter messages, List<Op> batch) {
        long start = System.nanoTime();
        batchStartedNanos = start == 0 ? 1 : start;
        List<Runnable> completions = new ArrayList<>(batch.size());
        try {
            for (Op op : batch) {
                completions.add(
                        switch (op) {
                            case Append append -> apply(messages, append);
                            case ChangeOp change -> apply(connection, messages, change);
                            case Task<?> task -> apply(connection, task);
                            case Stop stop -> throw new IllegalStateException("stop inside a batch");
                        });
            }
            connection.commit();
        } catch (Throwable e) {
            rollbackQuietly(connection);
            messages.rolledBack();
            lastCommitFailed = true;
            batchStartedNanos = 0;
            LOG.log(Level.WARNING, "tenant " + tenantId + ": write of " + batch.size() + " rolled back", e);
            StoreException failure =
                    new StoreException("tenant store " + tenantId + ": write failed, nothing of it was stored", e);
            batch.forEach(op -> fail(op, failure));
            return;
        }
        List<LoggedMessage> rows = messages.committed();
        // A deletion is stored in the database file at once, like accounts, and the log emptied: the deleted text
        // must not wait in the log (up to CHECKPOINT_EVERY) after the deletion was acknowledged.
        boolean checkpoint = batch.stream().anyMatch(op -> op instanceof Task<?>)
                || rows.stream().anyMatch(row -> row.message().kind() == EntryKind.DELETE);
        if (!makeDurable(rows, checkpoint)) {
            lastCommitFailed = true;
            batchStartedNanos = 0;
            StoreException failure =
                    new StoreException("tenant store " + tenantId + ": committed but could not be made durable");
            batch.forEach(op -> fail(op, failure));
            return;
        }
        long nanos = System.nanoTime() - start;
        messageCount.addAndGet(rows.size());
        lastCommitFailed = false;
        batchStartedNanos = 0;
        try {
            observer.committed(batch.size(), nanos);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "tenant " + tenantId + ": commit observer failed", e);
        }
        if (!rows.isEmpty()) {
            try {
                onCommitted.accept(rows);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "tenant " + tenantId + ": commit listener failed", e);
            }
        }
        // Runs on this thread the callers' non-async stages, if any: see H2TenantStore's note.
        completions.forEach(Runnable::run);
        checkpointIfDue();
    }

    /**
     * Messages go to the log. Users and sessions are not logged: a batch that changes them is stored in the
     * database file at once (it holds the batch's messages too, so the log can be emptied).
     */
    private boolean makeDurable(List<LoggedMessage> rows, boolean changesAccounts) {
        try {
            if (changesAccounts) {
                checkpointAndClearLog();
            } else {
                log.append(rows, durability == Durability.FSYNC);
            }
            return true;
        } catch (IOException | SQLException e) {
            LOG.log(
                    Level.WARNING,
                    "tenant " + tenantId + ": " + (changesAccounts ? "checkpoint" : "log write")
                            + " failed; trying a checkpoint",
                    e);
        }
        try {
            checkpointAndClearLog();
            return true;
        } catch (IOException | SQLException e) {
            LOG.log(Level.ERROR, "tenant " + tenantId + ": checkpoint failed", e);
            return false;
        }
    }

    private void checkpointIfDue() {
        long size = log.size();
        if (size >= MAX_LOG_BYTES
                || (size > 0 && System.nanoTime() - lastCheckpointNanos > CHECKPOINT_EVERY.toNanos())) {
            try {
                checkpointAndClearLog();
            } catch (IOException | SQLException e) {
                // nothing is lost: the log keeps every message until a checkpoint succeeds
                LOG.log(Level.WARNING, "tenant " + tenantId + ": checkpoint failed; the log is kept", e);
            }
        }
    }

    /** Only once H2's file holds everything committed may the log go. */
    private void checkpointAndClearLog() throws SQLException, IOException {
        Database.checkpoint(checkpointer, durability == Durability.FSYNC);
        log.clear();
        lastCheckpointNanos = System.nanoTime();
    }

    /** A failed append is undone by H2 alone (statement-level rollback); the others in the batch stand. */
    private Runnable apply(MessageWriter messages, Append append) {
        try {
            AppendResult result =
                    messages.append(append.room(), append.from(), append.text(), append.clientId(), append.names());
            return () -> append.result().complete(result);
        } catch (SQLException e) {
            StoreException failure =
                    new StoreException("tenant store " + tenantId + ": append failed: " + e.getMessage(), e);
            return () -> append.result().completeExceptionally(failure);
        }
    }

    /** A change runs several statements: a savepoint undoes all of them if one fails; the others in the batch stand. */
    private Runnable apply(Connection connection, MessageWriter messages, ChangeOp change) throws SQLException {
        Savepoint savepoint = connection.setSavepoint();
        try {
            ChangeResult result = messages.change(change.room(), change.from(), change.change(), change.clientId());
            connection.releaseSavepoint(savepoint);
            return () -> change.result().complete(result);
        } catch (SQLException e) {
            connection.rollback(savepoint);
            StoreException failure =
                    new StoreException("tenant store " + tenantId + ": change failed: " + e.getMessage(), e);
            return () -> change.result().completeExceptionally(failure);
        }
    }

    /** A task may run several statements: a savepoint undoes all of them if it fails. */
    private <T> Runnable apply(Connection connection, Task<T> task) throws SQLException {
        Savepoint savepoint = connection.setSavepoint();
        try {
            T value = task.work().apply(connection);
            connection.releaseSavepoint(savepoint);
            return () -> task.result().complete(value);
        } catch (SQLException | RuntimeException e) {
            connection.rollback(savepoint);
            RuntimeException failure = e instanceof RuntimeException re
                    ? re
                    : new StoreException("tenant store " + tenantId + ": write failed: " + e.getMessage(), e);
            return () -> task.result().completeExceptionally(failure);
        }
    }

    private static void fail(Op op, Throwable failure) {
        switch (op) {
            case Append append -> append.result().completeExceptionally(failure);
            case ChangeOp change -> change.result().completeExceptionally(failure);
            case Task<?> task -> task.result().completeExceptionally(failure);
            case Stop stop -> {}
        }
    }

    private void shutDown(Connection connection, MessageWriter messages) {
        queue.refuseNew(); // if the loop died, refuse new work
        StoreException closed = new StoreException("tenant store " + tenantId + " is closed");
        queue.drain(op -> fail(op, closed));
        if (messages != null) {
            messages.close();
        }
        if (connection != null) {
            rollbackQuietly(connection);
        }
        boolean restored = ready.isDone() && !ready.isCompletedExceptionally();
        if (restored) { // never empty a log whose messages were not put back into the database
            try {
                checkpointAndClearLog();
            } catch (IOException | SQLException e) {
                LOG.log(
                        Level.WARNING,
                        "tenant " + tenantId + ": last checkpoint failed; the log is kept for the next start",
                        e);
            }
        }
        if (log != null) {
            log.close();
        }
        if (connection != null) {
            Database.closeQuietly(connection);
        }
        if (checkpointer != null) {
            Database.closeQuietly(checkpointer);
        }
        HealthProbe probe = health;
        if (probe != null) {
            probe.close();
        }
        ReadPool pool = reads;
        if (pool != null) {
            pool.close(READS_DRAIN); // the database closes with its last connection
        }
        try {
            onStopped.run();
        } finally {
            stopped.complete(null);
        }
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the connection is broken or closed: the transaction is gone either way
        }
    }
}
