package io.chat.history;

import static io.chat.history.Arguments.check;
import static io.chat.history.Arguments.checkChange;
import static io.chat.history.Arguments.checkLimit;
import static io.chat.history.Arguments.checkPasswordChange;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * A {@link TenantStore} in its own H2 database in the tenant's folder: one tenant's history, users and sessions.
 * The application's only entry to JDBC.
 *
 * <p>Threads: writes (appends, users, sessions) are queued to the store's own writer thread, which
 * commits them in batches; reads run on the application's {@code readExecutor} with their own
 * connections. No H2 call ever runs on a caller's thread, so interrupting a caller (Helidon interrupts
 * its virtual threads when it stops) cannot reach H2, where an interrupt closes the database.
 *
 * <p>Fairness: the read executor is shared by every tenant, but a store hands it at most as many reads as it
 * has read connections; the rest wait in the store's own bounded queue (see {@link ReadQueue}), and a read past
 * its bounds fails at once with {@link ReadsBusyException}. A read future cancelled before the read ran never
 * touches the database. Health checks use a connection and a thread of their own.
 *
 * <p>Futures: a write's future is completed by the writer thread once its transaction is committed,
 * and a read's on the read executor. Non-async stages attached to a write's future therefore run on
 * the writer thread and hold up every write of the tenant: join() the future (cheap on a virtual
 * thread) or use the {@code *Async} stages. A write made from the writer thread fails at once rather
 * than deadlock.
 *
 * <p>Errors: a null or over-long argument throws at once (NullPointerException,
 * IllegalArgumentException); a failure of the store completes the future with a {@link StoreException}.
 */
public final class H2TenantStore
        implements TenantStore, SqlConversations.Delegate, SqlRooms.Delegate, SqlReadPositions.Delegate {
    /** Folders open in this JVM: H2 would let a second open share the database instead of refusing it. */
    private static final Set<Path> OPEN = ConcurrentHashMap.newKeySet();

    private static final long HEALTH_TIMEOUT_MS = 2_000;
    /**
     * Reads of one tenant waiting for one of its read connections, at most, and for how long: past either, a read
     * fails at once with {@link ReadsBusyException} rather than make its caller wait seconds.
     */
    static final int MAX_WAITING_READS = 1_000;

    static final Duration MAX_READ_WAIT = Duration.ofSeconds(3);

    private final String tenantId;
    private final Writer writer;
    private final ReadQueue readQueue;
    private final SqlRooms rooms = new SqlRooms(this::read, this::write, SqlRooms.Dialect.H2);
    private final SqlConversations conversations = new SqlConversations(this::read, this::write, SqlRooms.Dialect.H2);

    /** The conversations and the user picker's pages ({@link SqlConversations.Delegate}). */
    @Override
    public SqlConversations conversations() {
        return conversations;
    }

    @Override
    public SqlRooms rooms() {
        return rooms;
    }

    @Override
    public SqlReadPositions positions() {
        return readPositions;
    }

    private final SqlReadPositions readPositions = new SqlReadPositions(this::read, this::write, SqlRooms.Dialect.H2);
    private final LuceneSearch search;

    private H2TenantStore(Path folder, String tenantId, Executor readExecutor, Writer writer, StoreFiles files) {
        this.tenantId = tenantId;
        this.writer = writer;
        this.readQueue =
                new ReadQueue(tenantId, readExecutor, Writer.READ_CONNECTIONS, MAX_WAITING_READS, MAX_READ_WAIT);
        this.search = files == StoreFiles.DISK
                ? LuceneSearch.open(folder, tenantId, this::read)
                : LuceneSearch.inMemory(tenantId, this::read);
        writer.onCommitted(committed -> search.committed(
                committed.stream().map(row -> row.message().room()).distinct().toList()));
        search.start();
    }

    /**
     * Opens (creating if needed) the store in {@code directory}, which the caller has built from a
     * validated tenant id; the JDBC URL is built from that path alone. The read executor's threads must
     * never be interrupted (no {@code shutdownNow()} while a store is open).
     *
     * @throws StoreLockedException if the store is open already, in this process or in another one
     * @throws StoreException       if it cannot be opened
     */
    public static H2TenantStore open(Path directory, String tenantId, Executor readExecutor, CommitObserver observer) {
        return open(directory, tenantId, readExecutor, observer, Durability.PROCESS);
    }

    /** {@link #open(Path, String, Executor, CommitObserver)}, acknowledging writes as {@code durability} says. */
    public static H2TenantStore open(
            Path directory, String tenantId, Executor readExecutor, CommitObserver observer, Durability durability) {
        return open(directory, tenantId, readExecutor, observer, durability, StoreFiles.DISK);
    }

    /** {@link #open(Path, String, Executor, CommitObserver, Durability)} on {@code files}: a test's simulated disk. */
    static H2TenantStore open(
            Path directory,
            String tenantId,
            Executor readExecutor,
            CommitObserver observer,
            Durability durability,
            StoreFiles files) {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(files, "files");
        Objects.requireNonNull(durability, "durability");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(readExecutor, "readExecutor");
        Objects.requireNonNull(observer, "observer");
        Path folder = canonical(directory);
        if (!OPEN.add(folder)) {
            throw new StoreLockedException("tenant store in " + folder + " is already open in this process");
        }
        Writer writer = new Writer(folder, tenantId, observer, durability, files, () -> OPEN.remove(folder));
        writer.start();
        try {
            H2TenantStore store = new H2TenantStore(folder, tenantId, readExecutor, writer, files);
            MentionBackfill.startUnlessDone(tenantId, store::read, store::write, MentionBackfill.Dialect.H2);
            return store;
        } catch (RuntimeException e) {
            writer.stop().join();
            throw e;
        }
    }

    /** True when this process has the store in {@code directory} open. Creates nothing. */
    static boolean isOpenHere(Path directory) {
        try {
            return OPEN.contains(directory.toAbsolutePath().normalize().toRealPath());
        } catch (IOException e) {
            return false; // no such folder: nothing of it is open
        }
    }

    /** Opens tenants' stores with {@link #open}, all on one read executor and one observer. */
    public static TenantStores opener(Executor readExecutor, CommitObserver observer) {
        return opener(readExecutor, observer, Durability.PROCESS);
    }

    /** Opens tenants' stores with {@link #open}, all on one read executor and one observer, at one durability. */
    public static TenantStores opener(Executor readExecutor, CommitObserver observer, Durability durability) {
        Objects.requireNonNull(readExecutor, "readExecutor");
        Objects.requireNonNull(observer, "observer");
        Objects.requireNonNull(durability, "durability");
        return (directory, tenantId) -> open(directory, tenantId, readExecutor, observer, durability);
    }

    /**
     * Appends a message to a room; completes once it is committed to disk. With a {@code clientId}
     * already used by this user in this room, completes with the message stored the first time and
     * {@code duplicate=true}, and stores nothing.
     */
    @Override
    public CompletableFuture<AppendResult> append(String room, String from, String text, Optional<String> clientId) {
        check("room", room, Database.MAX_ROOM);
        check("from", from, Database.MAX_USER);
        check("text", text, Database.MAX_TEXT);
        Objects.requireNonNull(clientId, "clientId");
        clientId.ifPresent(id -> check("clientId", id, Database.MAX_CLIENT_ID));
        return writer.append(room, from, text, clientId);
    }

    @Override
    public CompletableFuture<ChangeResult> change(String room, String from, Change change, Optional<String> clientId) {
        checkChange(room, from, change, clientId);
        return writer.change(room, from, change, clientId);
    }

    /**
     * The newest {@code limit} messages with seq below {@code beforeSeq} (all when empty), oldest first;
     * {@code hasMore} tells whether older ones exist.
     */
    @Override
    public CompletableFuture<MessagePage> before(String room, OptionalLong beforeSeq, int limit) {
        check("room", room, Database.MAX_ROOM);
        Objects.requireNonNull(beforeSeq, "beforeSeq");
        checkLimit(limit);
        long bound = beforeSeq.orElse(Long.MAX_VALUE);
        return read(connection -> MessageQueries.before(connection, room, bound, limit));
    }

    /** The oldest {@code limit} messages with seq above {@code afterSeq}; {@code hasMore} tells whether more follow. */
    @Override
    public CompletableFuture<MessagePage> since(String room, long afterSeq, int limit) {
        check("room", room, Database.MAX_ROOM);
        checkLimit(limit);
        return read(connection -> MessageQueries.since(connection, room, afterSeq, limit));
    }

    /** Searches the Lucene index once it has every commit made so far (see {@link LuceneSearch}), on the read pool. */
    @Override
    public CompletableFuture<SearchPage> search(SearchQuery query) {
        Objects.requireNonNull(query, "query");
        return search.caughtUp()
                .thenCompose(caughtUp -> read(connection -> {
                    try {
                        return search.search(connection, query);
                    } catch (IOException e) {
                        throw new StoreException("tenant store " + tenantId + ": search failed", e);
                    }
                }));
    }

    /** Completes exceptionally with {@link DuplicateUserException} if the user exists. */
    @Override
    public CompletableFuture<Void> createUser(UserRecord user) {
        Objects.requireNonNull(user, "user");
        check("username", user.username(), Database.MAX_USER);
        user.displayName().ifPresent(name -> check("displayName", name, Database.MAX_DISPLAY_NAME));
        check("passwordHash", user.passwordHash(), Database.MAX_PASSWORD_HASH);
        return writer.task(connection -> AccountSql.createUser(connection, user));
    }

    @Override
    public CompletableFuture<Optional<UserRecord>> user(String username) {
        check("username", username, Database.MAX_USER);
        return read(connection -> AccountSql.user(connection, username));
    }

    /** Deletes the user and all of its sessions; false if there was no such user. Its messages stay. */
    @Override
    public CompletableFuture<Boolean> deleteUser(String username) {
        check("username", username, Database.MAX_USER);
        return writer.task(connection -> AccountSql.deleteUser(connection, username));
    }

    @Override
    public CompletableFuture<Boolean> setDisplayName(String username, Optional<String> displayName) {
        check("username", username, Database.MAX_USER);
        Objects.requireNonNull(displayName, "displayName");
        displayName.ifPresent(name -> check("displayName", name, Database.MAX_DISPLAY_NAME));
        return writer.task(connection -> AccountSql.setDisplayName(connection, username, displayName));
    }

    @Override
    public CompletableFuture<PasswordChange.Outcome> changePassword(PasswordChange change) {
        checkPasswordChange(change);
        return writer.task(connection -> AccountSql.changePassword(connection, change));
    }

    /** All users, by name. */
    @Override
    public CompletableFuture<List<UserRecord>> users() {
        return read(AccountSql::users);
    }

    @Override
    public CompletableFuture<Boolean> saveSession(SessionRecord session, String verifiedHash) {
        Objects.requireNonNull(session, "session");
        check("tokenHash", session.tokenHash(), Database.MAX_TOKEN_HASH);
        check("username", session.username(), Database.MAX_USER);
        check("verifiedHash", verifiedHash, Database.MAX_PASSWORD_HASH);
        return writer.task(
                connection -> AccountSql.saveSession(connection, session, verifiedHash, AccountSql.H2_SESSION_LOCK));
    }

    /** The session, expired or not: checking expiry is the caller's job. */
    @Override
    public CompletableFuture<Optional<SessionRecord>> session(String tokenHash) {
        check("tokenHash", tokenHash, Database.MAX_TOKEN_HASH);
        return read(connection -> AccountSql.session(connection, tokenHash));
    }

    @Override
    public CompletableFuture<Boolean> deleteSession(String tokenHash) {
        check("tokenHash", tokenHash, Database.MAX_TOKEN_HASH);
        return writer.task(connection -> AccountSql.deleteSession(connection, tokenHash));
    }

    /** Deletes the sessions that expire at or before {@code now}; completes with how many. */
    @Override
    public CompletableFuture<Integer> deleteExpiredSessions(Instant now) {
        Objects.requireNonNull(now, "now");
        return writer.task(connection -> AccountSql.deleteExpiredSessions(connection, now));
    }

    /** Messages stored, counted at open and kept up to date in memory. */
    @Override
    public long messageCount() {
        return writer.messageCount();
    }

    /**
     * True when the writer is running, its last commit succeeded and is not stuck, and the database
     * answers a query within 2 s. Waits at most about 2 s, ignoring interrupts.
     */
    public boolean healthy() {
        return checkHealth()
                .completeOnTimeout(false, HEALTH_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .join();
    }

    /**
     * As {@link #healthy()}, without waiting: the database is asked on a connection and a thread of the store's own,
     * never behind reads, one check at a time (a result younger than a second is reused). The future may stay
     * incomplete while the database hangs: callers bound their wait.
     */
    @Override
    public CompletableFuture<Boolean> checkHealth() {
        HealthProbe probe = writer.health();
        if (!writer.healthy() || probe == null) {
            return CompletableFuture.completedFuture(false);
        }
        // a copy: a caller's timeout must not complete the check other callers share
        return probe.check().copy();
    }

    @Override
    public long readsSkipped() {
        return readQueue.skipped();
    }

    /**
     * Commits the writes queued so far (their futures complete), refuses new ones, and closes the
     * database. Waits for that, ignoring interrupts (from the writer thread itself it only starts it).
     * Idempotent.
     */
    @Override
    public void close() {
        if (!writer.isWriterThread()) {
            search.close(); // first: it reads the database
        }
        CompletableFuture<Void> stopped = writer.stop();
        if (!writer.isWriterThread()) {
            stopped.join();
        }
    }

    @Override
    public String toString() {
        return "H2TenantStore[" + tenantId + "]";
    }

    /** Test access: runs SQL on a runtime read connection. */
    <T> CompletableFuture<T> read(SqlWork<T> work) {
        ReadPool reads = writer.reads();
        return readQueue.submit(() -> reads.call(tenantId, work));
    }

    /** Test access: searches from now on give up after {@code limit}. */
    void searchTimeLimit(Duration limit) {
        search.timeLimit(limit);
    }

    /** Test access: runs SQL in the writer's transaction. */
    <T> CompletableFuture<T> write(SqlWork<T> work) {
        return writer.task(work);
    }

    private static Path canonical(Path directory) {
        try {
            Path absolute = directory.toAbsolutePath().normalize();
            Files.createDirectories(absolute);
            return absolute.toRealPath(); // one key per folder, however it was spelled
        } catch (IOException e) {
            throw new StoreException("cannot use tenant store folder " + directory, e);
        }
    }
}
