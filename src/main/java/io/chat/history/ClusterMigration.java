package io.chat.history;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Moves tenants from their single-node H2 stores into the cluster's PostgreSQL database: each tenant's definition,
 * users (password hashes unchanged), still-valid sessions, every message (seq, id, timestamp and clientId unchanged)
 * and each room's counter, in one PostgreSQL transaction per tenant (all of a tenant or nothing of it). Reads and
 * writes go page by page ({@link #PAGE} rows), so memory stays bounded whatever the history.
 *
 * <p>Connects as the cluster's login working as {@code chat_app}, like a node: row security checks every row it
 * writes against the tenant of its transaction. Migrates the schema first (a cluster that never started has none).
 */
public final class ClusterMigration implements AutoCloseable {
    /** Rows per page read from H2 and per statement written to PostgreSQL. */
    static final int PAGE = 1_000;

    /** What was moved of one tenant. */
    public record Counts(long users, long sessions, long rooms, long messages) {
        public static final Counts NONE = new Counts(0, 0, 0, 0);

        public Counts plus(Counts other) {
            return new Counts(
                    users + other.users, sessions + other.sessions, rooms + other.rooms, messages + other.messages);
        }
    }

    /** Told how a tenant's messages are going (on the migrating thread). */
    @FunctionalInterface
    public interface Progress {
        void messages(long copied, long total);
    }

    private final Connection connection;
    private final ExecutorService reads = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("migration-read").daemon().factory());

    private ClusterMigration(Connection connection) {
        this.connection = connection;
    }

    /**
     * Migrates the cluster database's schema and connects to it ({@code user} as for a node: owns the tables, works
     * as {@code chat_app}).
     *
     * @throws StoreException if it cannot be reached or migrated
     */
    public static ClusterMigration open(String url, String user, String password) {
        Objects.requireNonNull(url, "url");
        PostgresDatabase.migrate(url, user, password);
        Properties login = new Properties();
        login.setProperty("user", user);
        login.setProperty("password", password);
        login.setProperty("connectTimeout", "10");
        login.setProperty("tcpKeepAlive", "true");
        login.setProperty("logServerErrorDetail", "false");
        login.setProperty("ApplicationName", "chat-migration");
        // as a node works (row security binds it); no statement timeout: a tenant's history may take minutes
        login.setProperty("options", "-c role=" + PostgresDatabase.RUNTIME_ROLE + " -c statement_timeout=0");
        try {
            Connection connection = DriverManager.getConnection(url, login);
            connection.setAutoCommit(false);
            return new ClusterMigration(connection);
        } catch (SQLException e) {
            throw new StoreException("cannot connect to postgres: " + e.getMessage(), e);
        }
    }

    /**
     * True when something holds the tenant's H2 database open: a server running on the folder. Asks the lock H2 takes
     * on its file, without opening the database; the store's own open is the final word ({@link StoreLockedException}).
     */
    public static boolean inUse(Path folder) {
        if (H2TenantStore.isOpenHere(folder)) {
            // never probe a file this process has open: closing the probe's channel would release H2's lock on it
            // (POSIX drops all of a process's locks on a file when any descriptor of it closes)
            return true;
        }
        Path file = folder.resolve(Database.FILE_NAME + ".mv.db");
        if (!H2TenantExport.hasDatabase(folder)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            FileLock lock = channel.tryLock(0, Long.MAX_VALUE, true);
            if (lock == null) {
                return true; // another process holds it
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true; // this process holds it after all
        } catch (IOException e) {
            throw new StoreException("cannot check the lock of " + file + ": " + e.getMessage(), e);
        }
    }

    /** Every tenant definition the cluster has. */
    public List<TenantRecords.Entry> tenants() {
        try {
            List<TenantRecords.Entry> entries = PostgresTenantRecords.entries(connection);
            connection.rollback();
            return entries;
        } catch (SQLException e) {
            PostgresWriter.rollbackQuietly(connection);
            throw new StoreException("cannot read the cluster's tenants: " + e.getMessage(), e);
        }
    }

    /** The ids among {@code ids} that the cluster already has. */
    public Set<String> existing(Collection<String> ids) {
        try (PreparedStatement select = connection.prepareStatement("SELECT id FROM tenants WHERE id = ANY (?)")) {
            select.setArray(1, connection.createArrayOf("text", ids.toArray(String[]::new)));
            Set<String> found = new TreeSet<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    found.add(rows.getString(1));
                }
            }
            connection.rollback();
            return found;
        } catch (SQLException e) {
            throw new StoreException("cannot read the cluster's tenants: " + e.getMessage(), e);
        }
    }

    /**
     * Moves one tenant in one transaction: its definition {@code document} (as the cluster's catalog stores it), and
     * everything its store in {@code folder} holds; sessions expired at {@code now} stay behind. Once all is copied,
     * {@code check} is given the cluster's definitions (this tenant's among them) read under the lock the nodes'
     * provisioning takes ({@link TenantRecords#insert}), held from there to the commit: it throws to refuse the
     * tenant.
     *
     * @throws StoreLockedException if the store is open (a server runs on the folder); nothing is written
     * @throws StoreException       on any other failure, {@code check}'s included; nothing of the tenant is written
     */
    public Counts migrate(
            String tenantId,
            Path folder,
            byte[] document,
            Instant now,
            Consumer<List<TenantRecords.Entry>> check,
            Progress progress) {
        Objects.requireNonNull(progress, "progress");
        try {
            PostgresTenantImport target = new PostgresTenantImport(connection, tenantId);
            target.definition(tenantId, document);
            Counts counts = H2TenantExport.hasDatabase(folder)
                    ? copyStore(tenantId, folder, now, progress, target)
                    : Counts.NONE;
            // last, so that the lock is held for the check and the commit only: a node's provisioning waits for it
            // (at most its lock_timeout), and the tenant's own row, not yet committed, is seen by this check alone
            check.accept(PostgresTenantRecords.lockedEntries(connection));
            connection.commit();
            return counts;
        } catch (SQLException | RuntimeException e) {
            PostgresWriter.rollbackQuietly(connection);
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof StoreException store) {
                throw store;
            }
            throw new StoreException(cause.getMessage(), cause); // the caller names the tenant
        }
    }

    private Counts copyStore(String tenantId, Path folder, Instant now, Progress progress, PostgresTenantImport target)
            throws SQLException {
        try (H2TenantExport source = H2TenantExport.open(folder, tenantId, reads)) {
            long users = 0;
            for (List<UserRecord> page = source.users("", PAGE);
                    !page.isEmpty();
                    page = source.users(page.getLast().username(), PAGE)) {
                target.users(page);
                users += page.size();
            }
            long sessions = 0;
            for (List<SessionRecord> page = source.sessions("", now, PAGE);
                    !page.isEmpty();
                    page = source.sessions(page.getLast().tokenHash(), now, PAGE)) {
                target.sessions(page);
                sessions += page.size();
            }
            // the rooms users keep and their topics (RoomStore): bounded by users x rooms per user
            for (List<H2TenantExport.MembershipRow> page = source.memberships("", "", PAGE);
                    !page.isEmpty();
                    page = source.memberships(
                            page.getLast().user(), page.getLast().room(), PAGE)) {
                target.memberships(page);
            }
            // how far each user read each room (ReadPositionStore): bounded the same way
            for (List<H2TenantExport.ReadPositionRow> page = source.readPositions("", "", PAGE);
                    !page.isEmpty();
                    page = source.readPositions(
                            page.getLast().user(), page.getLast().room(), PAGE)) {
                target.readPositions(page);
            }
            // who may read each conversation (ConversationStore): at most 8 a conversation
            for (List<H2TenantExport.ConversationMemberRow> page = source.conversationMembers("", "", PAGE);
                    !page.isEmpty();
                    page = source.conversationMembers(
                            page.getLast().user(), page.getLast().room(), PAGE)) {
                target.conversationMembers(page);
            }
            for (List<H2TenantExport.RoomRow> page = source.rooms("", PAGE);
                    !page.isEmpty();
                    page = source.rooms(page.getLast().room(), PAGE)) {
                target.rooms(page);
            }
            long total = source.messageCount();
            long rooms = 0;
            long messages = 0;
            for (Optional<String> room = source.roomAfter(""); room.isPresent(); room = source.roomAfter(room.get())) {
                long lastSeq = 0;
                for (List<H2TenantExport.Row> page = source.messages(room.get(), 0, PAGE);
                        !page.isEmpty();
                        page = source.messages(room.get(), lastSeq, PAGE)) {
                    target.messages(page);
                    lastSeq = page.getLast().seq();
                    messages += page.size();
                    progress.messages(messages, total);
                }
                target.counter(room.get(), lastSeq);
                for (List<H2TenantExport.ReactionRow> page = source.reactions(room.get(), null, PAGE);
                        !page.isEmpty();
                        page = source.reactions(room.get(), page.getLast(), PAGE)) {
                    target.reactions(page);
                }
                rooms++;
            }
            if (messages != total) {
                throw new StoreException("read " + messages + " messages but the store counts " + total);
            }
            return new Counts(users, sessions, rooms, messages);
        }
    }

    @Override
    public void close() {
        Database.closeQuietly(connection);
        reads.shutdown();
    }
}
