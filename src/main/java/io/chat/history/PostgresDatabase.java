package io.chat.history;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.flywaydb.core.Flyway;

/**
 * The cluster's store: one PostgreSQL database shared by every tenant and every node, opened once per node. It
 * migrates the schema (Flyway, {@code db/postgres/V*.sql}, as the owner login), holds the node's connection pool and
 * its one writer thread (group commit for every tenant of the node) and the search index's cleaner, and hands out each tenant's view,
 * {@link #forTenant}.
 *
 * <p>Tenant isolation is the database's: every table has a {@code tenant_id} column and a row-level security policy
 * on {@code current_setting('chat.tenant')}, which every transaction sets (transaction-local, so a pooled connection
 * never carries a tenant over) before anything else; unset, the policy's expression fails, so a query without a
 * tenant fails instead of seeing all of them. The pool's connections start as role {@code chat_app}, a role that owns no
 * table, is no superuser and has no BYPASSRLS (checked at open), so the policies bind every runtime statement, even a
 * hand-written one without a tenant filter. Migrations run as the owner.
 *
 * <p>Why row security and not a schema per tenant, for 10,000 tenants: schemas would make 10,000 × (4 tables + 6
 * indexes + TOAST tables) ≈ 100,000+ relations in the catalog, each cached per backend as it is touched (memory grows
 * with tenants × connections); every migration would run 10,000 times; a statement's plan would be cached per schema;
 * and the writer's batch could not insert the rows of many tenants with one statement each. With one set of tables
 * the tenant is the first column of every key, so a tenant's rows are one index range, and its predicate costs one
 * comparison. Measured here (docs/postgres-store.md): 1,000 schemas took 51 s to create and added 19,000 relations
 * and 120 MB of empty files, and one connection that touched them all grew its catalog cache from 0.5 to 16 MB;
 * 1,000 tenants' rows under row security took 80 ms and 1 MB.
 *
 * <p>Failures: the pool waits at most {@link #CONNECTION_TIMEOUT} for a connection, statements at most
 * {@link #STATEMENT_TIMEOUT}, and a silent socket {@link #SOCKET_TIMEOUT}; so while PostgreSQL is down every call
 * fails within seconds with a {@link StoreException}, health says false, and once it is back the pool connects
 * again by itself.
 */
public final class PostgresDatabase implements AutoCloseable {
    /** The role runtime connections work as (created by the first migration). */
    static final String RUNTIME_ROLE = "chat_app";

    static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(2);
    static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration HEALTH_REUSE = Duration.ofSeconds(1);
    private static final Duration HEALTH_QUERY_TIMEOUT = Duration.ofSeconds(2);
    public static final int DEFAULT_POOL_SIZE = 16;

    private static final System.Logger LOGGER = System.getLogger(PostgresDatabase.class.getName());

    private final HikariDataSource pool;
    private final PostgresWriter writer;
    private final HealthProbe health;
    private final Executor readExecutor;
    private final Set<String> openTenants = ConcurrentHashMap.newKeySet();
    private final PostgresTenantRecords tenantRecords;
    private final PostgresSearchIndexCleaner searchIndexCleaner;
    private volatile boolean closed;

    private PostgresDatabase(HikariDataSource pool, Executor readExecutor, CommitObserver observer) {
        this.pool = pool;
        this.readExecutor = readExecutor;
        this.health = new HealthProbe("postgres", this::answers, () -> {}, HEALTH_REUSE);
        this.writer = new PostgresWriter(pool, observer, () -> health.check().copy());
        this.searchIndexCleaner = new PostgresSearchIndexCleaner(pool);
        this.tenantRecords = new PostgresTenantRecords(pool);
    }

    /** {@link #open(String, String, String, int, Executor, CommitObserver)} with a pool of 16 connections. */
    public static PostgresDatabase open(
            String url, String user, String password, Executor readExecutor, CommitObserver observer) {
        return open(url, user, password, DEFAULT_POOL_SIZE, readExecutor, observer);
    }

    /** {@link #open(String, Login, Optional, int, Executor, CommitObserver)} with the owner's login for everything. */
    public static PostgresDatabase open(
            String url, String user, String password, int poolSize, Executor readExecutor, CommitObserver observer) {
        return open(url, new Login(user, password), Optional.empty(), poolSize, readExecutor, observer);
    }

    /** A PostgreSQL login; its password is used to log in and kept by the pool only. */
    public record Login(String user, String password) {
        public Login {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
        }

        /** Never the password. */
        @Override
        public String toString() {
            return "Login[" + user + "]";
        }
    }

    /**
     * Migrates the schema and opens the node's pool and writer. {@code owner} owns (or may create) the tables and is
     * a member of {@code chat_app} (the first migration makes it one); migrations run as it. Runtime connections work
     * as {@code chat_app}: logged in as {@code runtime} when given (a member of chat_app that cannot become a table
     * owner: checked), else as the owner switched to chat_app, which a statement could switch back (logged). Reads run
     * on {@code readExecutor}; every committed write transaction is told to {@code observer}.
     *
     * @throws StoreException if the database cannot be reached, migrated, or its runtime role could bypass row
     *                        security
     */
    public static PostgresDatabase open(
            String url,
            Login owner,
            Optional<Login> runtime,
            int poolSize,
            Executor readExecutor,
            CommitObserver observer) {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(readExecutor, "readExecutor");
        Objects.requireNonNull(observer, "observer");
        if (poolSize < 3) {
            throw new IllegalArgumentException("the pool needs 3 connections at least, not " + poolSize);
        }
        migrate(url, owner.user(), owner.password());
        Login login = runtime.orElse(owner);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(poolConfig(url, login.user(), login.password(), poolSize));
        } catch (RuntimeException e) {
            throw new StoreException("cannot connect to postgres: " + e.getMessage(), e);
        }
        try {
            checkRuntimeRole(pool, runtime.isPresent());
            PostgresDatabase database = new PostgresDatabase(pool, readExecutor, observer);
            database.writer.start();
            database.searchIndexCleaner.start();
            return database;
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /**
     * Opens the view of tenant {@code tenantId} (the caller validated the id).
     *
     * @throws StoreLockedException if it is open already on this node
     * @throws StoreException       if the database is closed or cannot be reached
     */
    public TenantStore forTenant(String tenantId) {
        Objects.requireNonNull(tenantId, "tenantId");
        if (closed) {
            throw new StoreException("postgres store is closed");
        }
        if (!openTenants.add(tenantId)) {
            throw new StoreLockedException("tenant store " + tenantId + " is already open on this node");
        }
        return PostgresTenantStore.open(tenantId, this, readExecutor, () -> openTenants.remove(tenantId));
    }

    /** The tenants' definitions, shared by every node of the cluster. */
    public TenantRecords tenantRecords() {
        return tenantRecords;
    }

    /** Tenants' stores for the registry: the folder is not used, every tenant lives in this database. */
    public TenantStores stores() {
        return (directory, tenantId) -> forTenant(tenantId);
    }

    /**
     * True when the writer runs and is not stuck, and the database answers {@code SELECT 1} within about 2 s. The
     * future may stay incomplete while the database hangs: callers bound their wait.
     */
    public CompletableFuture<Boolean> checkHealth() {
        if (closed || !writer.healthy()) {
            return CompletableFuture.completedFuture(false);
        }
        return health.check().copy(); // a copy: a caller's timeout must not complete the check others share
    }

    /** Commits the writes queued so far, stops the writer and closes the pool. Ignores interrupts; idempotent. */
    @Override
    public void close() {
        closed = true;
        if (!writer.isWriterThread()) {
            writer.stop().join();
        }
        searchIndexCleaner.close();
        health.close();
        pool.close();
    }

    PostgresWriter writer() {
        return writer;
    }

    /** Runs {@code work} in a transaction of {@code tenant} on a pooled connection; its errors as StoreExceptions. */
    <T> T read(String tenant, SqlWork<T> work) {
        return inTransaction(pool, "tenant store " + tenant + ": read failed", connection -> {
            PostgresWriter.setTenant(connection, tenant);
            return work.apply(connection);
        });
    }

    /**
     * Runs {@code work} in one transaction on a pooled connection: committed when it returns, rolled back when it
     * throws; an SQL error as a StoreException starting with {@code failure}, its cause kept.
     */
    static <T> T inTransaction(HikariDataSource pool, String failure, SqlWork<T> work) {
        try (Connection connection = pool.getConnection()) {
            try {
                T value = work.apply(connection);
                connection.commit();
                return value;
            } catch (SQLException | RuntimeException e) {
                PostgresWriter.rollbackQuietly(connection);
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException(failure + ": " + e.getMessage(), e);
        }
    }

    private boolean answers() throws SQLException {
        try (Connection connection = pool.getConnection()) {
            try {
                return HealthProbe.selectOne(connection, HEALTH_QUERY_TIMEOUT);
            } finally {
                PostgresWriter.rollbackQuietly(connection);
            }
        }
    }

    static void migrate(String url, String user, String password) {
        try {
            Flyway.configure()
                    .dataSource(url, user, password)
                    .locations("classpath:db/postgres")
                    .connectRetries(0)
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            SQLException refused = null;
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof SQLException sql && isLoginFailure(sql.getSQLState())) {
                    refused = sql;
                }
            }
            // Flyway's own message masks the whole URL, host and port too, and adds a framed block of lines
            throw new StoreException(
                    refused != null
                            ? "cannot connect to PostgreSQL (CHAT_POSTGRES_URL) at " + server(url) + " as " + user
                                    + ": " + firstLine(refused.getMessage())
                            : "cannot migrate the postgres schema: " + firstLine(e.getMessage()),
                    e);
        }
    }

    /** Connection failures (08), authentication (28), no such database (3D000). */
    private static boolean isLoginFailure(String sqlState) {
        return sqlState != null && (sqlState.startsWith("08") || sqlState.startsWith("28") || sqlState.equals("3D000"));
    }

    /** Host, port and database of a JDBC URL, without its parameters (which may hold a password). */
    private static String server(String url) {
        String rest = url.substring("jdbc:postgresql:".length());
        int parameters = rest.indexOf('?');
        return (parameters < 0 ? rest : rest.substring(0, parameters)).replaceFirst("^//", "");
    }

    private static String firstLine(String message) {
        String text = String.valueOf(message).strip();
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end).strip();
    }

    private static HikariConfig poolConfig(String url, String user, String password, int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("chat-postgres");
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(2);
        config.setAutoCommit(false);
        config.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
        config.setValidationTimeout(1_000);
        // the driver's own bounds, in seconds: connecting, logging in, and a socket that goes silent
        config.addDataSourceProperty("connectTimeout", "2");
        config.addDataSourceProperty("loginTimeout", "3");
        config.addDataSourceProperty("socketTimeout", String.valueOf(SOCKET_TIMEOUT.toSeconds()));
        config.addDataSourceProperty("tcpKeepAlive", "true");
        // a server error's detail quotes row values (a unique violation names the key): keep them out of logs
        config.addDataSourceProperty("logServerErrorDetail", "false");
        config.addDataSourceProperty(
                "options",
                // The role as a startup option, not a SET ROLE statement: that one would be undone by the first
                // rollback of the transaction it ran in, and RESET ROLE comes back to the startup value.
                "-c role=" + RUNTIME_ROLE
                        + " -c statement_timeout=" + STATEMENT_TIMEOUT.toMillis()
                        + " -c lock_timeout=" + STATEMENT_TIMEOUT.toMillis()
                        + " -c idle_in_transaction_session_timeout=60000");
        config.addDataSourceProperty("ApplicationName", "chat");
        return config;
    }

    /**
     * Refuses to run if the runtime role could see past the policies: a superuser, BYPASSRLS, or a table owner; and,
     * with a runtime login of its own, if that login could become a table owner or a superuser (SET ROLE).
     */
    private static void checkRuntimeRole(HikariDataSource pool, boolean ownLogin) {
        String sql = """
                SELECT r.rolsuper, r.rolbypassrls,
                       (SELECT count(*) FROM pg_tables t
                        WHERE t.schemaname = current_schema() AND t.tableowner = current_user),
                       current_user,
                       (SELECT count(*) FROM pg_tables t
                        WHERE t.schemaname = current_schema() AND pg_has_role(session_user, t.tableowner, 'MEMBER'))
                       + (SELECT count(*) FROM pg_roles s
                          WHERE (s.rolsuper OR s.rolbypassrls) AND pg_has_role(session_user, s.oid, 'MEMBER'))
                FROM pg_roles r WHERE r.rolname = current_user""";
        try (Connection connection = pool.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql);
                ResultSet rows = statement.executeQuery()) {
            if (!rows.next()) {
                throw new StoreException("postgres runtime role not found");
            }
            boolean unsafe = rows.getBoolean(1)
                    || rows.getBoolean(2)
                    || rows.getLong(3) > 0
                    || !RUNTIME_ROLE.equals(rows.getString(4));
            boolean escapes = rows.getLong(5) > 0;
            connection.rollback();
            if (unsafe) {
                throw new StoreException("postgres runtime connections do not work as " + RUNTIME_ROLE
                        + " or it is a superuser, has BYPASSRLS or owns tables: row security would not bind them");
            }
            if (ownLogin && escapes) {
                throw new StoreException("the postgres runtime login (CHAT_POSTGRES_APP_USER) can become a table owner"
                        + " or a superuser: it must be a member of " + RUNTIME_ROLE + " only");
            }
            if (!ownLogin) {
                LOGGER.log(
                        System.Logger.Level.INFO,
                        "event=postgres-open runtime-login=owner: set CHAT_POSTGRES_APP_USER and"
                                + " CHAT_POSTGRES_APP_PASSWORD (a login that is a member of " + RUNTIME_ROLE
                                + " only) so that no statement of a running node can switch back to the owner");
            }
        } catch (SQLException e) {
            throw new StoreException("cannot check the postgres runtime role: " + e.getMessage(), e);
        }
    }
}
