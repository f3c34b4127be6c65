package io.chat.history;

import static io.chat.history.Arguments.check;
import static io.chat.history.Arguments.checkChange;
import static io.chat.history.Arguments.checkLimit;
import static io.chat.history.Arguments.checkPasswordChange;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One tenant's {@link TenantStore} in the cluster's shared PostgreSQL ({@link PostgresDatabase}): a view of the
 * node's database restricted to one tenant by row-level security. Cheap: it holds no connection and no thread.
 *
 * <p>Threads: writes go to the node's one writer thread, which commits the writes of every tenant of the node
 * together (group commit); reads run on the application's read executor, at most {@link #READS_RUNNING} of this
 * tenant's at a time (see {@link ReadQueue}), each on a pooled connection. No JDBC call runs on a caller's thread.
 *
 * <p>Futures: a write's future is completed by the writer thread once its transaction is committed. Non-async stages
 * attached to it run on the writer thread and hold up every write of the node: join() the future or use the
 * {@code *Async} stages. A write made from the writer thread fails at once rather than deadlock.
 *
 * <p>{@link #messageCount()}: the tenant's messages when the store was opened plus those this node appended since;
 * another node's appends are seen at the next open.
 */
final class PostgresTenantStore
        implements TenantStore, SqlConversations.Delegate, SqlRooms.Delegate, SqlReadPositions.Delegate {
    static final int READS_RUNNING = 4;
    private static final Duration READ_WAIT = H2TenantStore.MAX_READ_WAIT;

    private final String tenantId;
    private final PostgresDatabase database;
    private final PostgresWriter writer;
    private final ReadQueue readQueue;
    private final SqlRooms rooms = new SqlRooms(this::read, this::write, SqlRooms.Dialect.POSTGRES);
    private final SqlConversations conversations =
            new SqlConversations(this::read, this::write, SqlRooms.Dialect.POSTGRES);

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

    private final SqlReadPositions readPositions =
            new SqlReadPositions(this::read, this::write, SqlRooms.Dialect.POSTGRES);
    private final Runnable onClosed;
    private final AtomicLong messageCount = new AtomicLong();
    /** Makes "not closed, so queue it" atomic with close's barrier: nothing is queued behind it. */
    private final ReentrantLock admission = new ReentrantLock();

    private boolean closed; // guarded by admission
    private volatile boolean open = true;
    /** How long a search may take: {@link SearchQuery#TIME_LIMIT}, shorter in a test of the limit. */
    private volatile Duration searchTimeLimit = SearchQuery.TIME_LIMIT;

    private PostgresTenantStore(String tenantId, PostgresDatabase database, Executor readExecutor, Runnable onClosed) {
        this.tenantId = tenantId;
        this.database = database;
        this.writer = database.writer();
        this.onClosed = onClosed;
        this.readQueue =
                new ReadQueue(tenantId, readExecutor, READS_RUNNING, H2TenantStore.MAX_WAITING_READS, READ_WAIT);
    }

    /** Opens the view; counts the tenant's messages on the read executor (never on the caller's thread). */
    static PostgresTenantStore open(
            String tenantId, PostgresDatabase database, Executor readExecutor, Runnable onClosed) {
        PostgresTenantStore store = new PostgresTenantStore(tenantId, database, readExecutor, onClosed);
        try {
            store.messageCount.set(store.read(PostgresAppends::count).join());
        } catch (CompletionException e) {
            onClosed.run();
            throw e.getCause() instanceof StoreException se
                    ? se
                    : new StoreException("cannot open tenant store " + tenantId, e.getCause());
        }
        MentionBackfill.startUnlessDone(tenantId, store::read, store::write, MentionBackfill.Dialect.POSTGRES);
        return store;
    }

    @Override
    public CompletableFuture<AppendResult> append(String room, String from, String text, Optional<String> clientId) {
        check("room", room, MessageStore.MAX_ROOM);
        check("from", from, AccountStore.MAX_USER);
        check("text", text, MessageStore.MAX_TEXT);
        Objects.requireNonNull(clientId, "clientId");
        clientId.ifPresent(id -> check("clientId", id, MessageStore.MAX_CLIENT_ID));
        CompletableFuture<AppendResult> result = new CompletableFuture<>();
        PostgresAppends.Request request = new PostgresAppends.Request(tenantId, room, from, text, clientId);
        return submit(new PostgresWriter.Append(request, messageCount, result), result);
    }

    /** On the read pool, in the tenant's transaction: see {@link PostgresSearch}. */
    @Override
    public CompletableFuture<SearchPage> search(SearchQuery query) {
        Objects.requireNonNull(query, "query");
        Duration limit = searchTimeLimit;
        return read(connection -> PostgresSearch.search(connection, query, tenantId, limit));
    }

    /** In the node writer's transaction (its group commit), after the batch's appends: see {@link PostgresChanges}. */
    @Override
    public CompletableFuture<ChangeResult> change(String room, String from, Change change, Optional<String> clientId) {
        checkChange(room, from, change, clientId);
        return write(connection -> PostgresChanges.apply(connection, room, from, change, clientId))
                .thenApply(result -> {
                    if (result instanceof ChangeResult.Changed changed && !changed.duplicate()) {
                        messageCount.incrementAndGet(); // entries, as the counters count them
                    }
                    return result;
                });
    }

    @Override
    public CompletableFuture<MessagePage> before(String room, OptionalLong beforeSeq, int limit) {
        check("room", room, MessageStore.MAX_ROOM);
        Objects.requireNonNull(beforeSeq, "beforeSeq");
        checkLimit(limit);
        long bound = beforeSeq.orElse(Long.MAX_VALUE);
        return read(connection -> MessageQueries.before(connection, room, bound, limit));
    }

    @Override
    public CompletableFuture<MessagePage> since(String room, long afterSeq, int limit) {
        check("room", room, MessageStore.MAX_ROOM);
        checkLimit(limit);
        return read(connection -> MessageQueries.since(connection, room, afterSeq, limit));
    }

    @Override
    public long messageCount() {
        return messageCount.get();
    }

    @Override
    public CompletableFuture<Void> createUser(UserRecord user) {
        Objects.requireNonNull(user, "user");
        check("username", user.username(), AccountStore.MAX_USER);
        user.displayName().ifPresent(name -> check("displayName", name, AccountStore.MAX_DISPLAY_NAME));
        check("passwordHash", user.passwordHash(), AccountStore.MAX_PASSWORD_HASH);
        return write(connection -> AccountSql.createUser(connection, user));
    }

    @Override
    public CompletableFuture<Optional<UserRecord>> user(String username) {
        check("username", username, AccountStore.MAX_USER);
        return read(connection -> AccountSql.user(connection, username));
    }

    @Override
    public CompletableFuture<Boolean> deleteUser(String username) {
        check("username", username, AccountStore.MAX_USER);
        return write(connection -> AccountSql.deleteUser(connection, username));
    }

    @Override
    public CompletableFuture<Boolean> setDisplayName(String username, Optional<String> displayName) {
        check("username", username, AccountStore.MAX_USER);
        Objects.requireNonNull(displayName, "displayName");
        displayName.ifPresent(name -> check("displayName", name, AccountStore.MAX_DISPLAY_NAME));
        return write(connection -> AccountSql.setDisplayName(connection, username, displayName));
    }

    @Override
    public CompletableFuture<PasswordChange.Outcome> changePassword(PasswordChange change) {
        checkPasswordChange(change);
        return write(connection -> AccountSql.changePassword(connection, change));
    }

    @Override
    public CompletableFuture<List<UserRecord>> users() {
        return read(AccountSql::users);
    }

    @Override
    public CompletableFuture<Boolean> saveSession(SessionRecord session, String verifiedHash) {
        Objects.requireNonNull(session, "session");
        check("tokenHash", session.tokenHash(), SessionStore.MAX_TOKEN_HASH);
        check("username", session.username(), AccountStore.MAX_USER);
        check("verifiedHash", verifiedHash, AccountStore.MAX_PASSWORD_HASH);
        return write(connection ->
                AccountSql.saveSession(connection, session, verifiedHash, AccountSql.POSTGRES_SESSION_LOCK));
    }

    @Override
    public CompletableFuture<Optional<SessionRecord>> session(String tokenHash) {
        check("tokenHash", tokenHash, SessionStore.MAX_TOKEN_HASH);
        return read(connection -> AccountSql.session(connection, tokenHash));
    }

    @Override
    public CompletableFuture<Boolean> deleteSession(String tokenHash) {
        check("tokenHash", tokenHash, SessionStore.MAX_TOKEN_HASH);
        return write(connection -> AccountSql.deleteSession(connection, tokenHash));
    }

    @Override
    public CompletableFuture<Integer> deleteExpiredSessions(Instant now) {
        Objects.requireNonNull(now, "now");
        return write(connection -> AccountSql.deleteExpiredSessions(connection, now));
    }

    /** The node's writer runs and the database answers (see {@link PostgresDatabase#checkHealth()}). */
    @Override
    public CompletableFuture<Boolean> checkHealth() {
        if (!open) {
            return CompletableFuture.completedFuture(false);
        }
        return database.checkHealth();
    }

    @Override
    public boolean sharedAcrossNodes() {
        return true;
    }

    @Override
    public long readsSkipped() {
        return readQueue.skipped();
    }

    /**
     * Waits for this tenant's queued writes to be committed (their futures complete), refuses new ones; the
     * database stays open for the node's other tenants. Ignores interrupts; idempotent.
     */
    @Override
    public void close() {
        CompletableFuture<Void> drained;
        admission.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            open = false;
            drained = writer.barrier();
        } finally {
            admission.unlock();
        }
        if (!writer.isWriterThread()) {
            drained.join();
        }
        onClosed.run();
    }

    @Override
    public String toString() {
        return "PostgresTenantStore[" + tenantId + "]";
    }

    /** Runs SQL on a pooled connection in a transaction of this tenant (test access too). */
    <T> CompletableFuture<T> read(SqlWork<T> work) {
        if (!open) {
            return closedFuture();
        }
        return readQueue.submit(() -> {
            if (!open) {
                throw closedException();
            }
            return database.read(tenantId, work);
        });
    }

    /** Test access: searches from now on give up after {@code limit} (at least a millisecond). */
    void searchTimeLimit(Duration limit) {
        searchTimeLimit = limit;
    }

    /** Runs SQL in the writer's transaction, as this tenant (test access too). */
    <T> CompletableFuture<T> write(SqlWork<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        return submit(new PostgresWriter.Task<>(tenantId, work, result), result);
    }

    private <T> CompletableFuture<T> submit(PostgresWriter.Op op, CompletableFuture<T> result) {
        admission.lock();
        try {
            if (closed) {
                result.completeExceptionally(closedException());
                return result;
            }
            return writer.submit(op, result);
        } finally {
            admission.unlock();
        }
    }

    private StoreException closedException() {
        return new StoreException("tenant store " + tenantId + " is closed");
    }

    private <T> CompletableFuture<T> closedFuture() {
        return CompletableFuture.failedFuture(closedException());
    }
}
