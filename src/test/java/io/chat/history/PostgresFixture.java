package io.chat.history;

import io.chat.testing.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test class's PostgreSQL database and, per test, a node's {@link PostgresDatabase} and a fresh tenant namespace,
 * so that every test starts with empty tenants, on the server the test classes share ({@link PostgresServer#shared}).
 */
final class PostgresFixture {
    private static final AtomicInteger TESTS = new AtomicInteger();
    private static final AtomicInteger DATABASES = new AtomicInteger();

    final PostgresServer server;
    final String url;

    private PostgresFixture(PostgresServer server, String url) {
        this.server = server;
        this.url = url;
    }

    /** A new database named after {@code database} on the shared server (started if need be). */
    static PostgresFixture start(String database) throws Exception {
        return start(database, "");
    }

    /** As {@link #start(String)}, the database created with {@code options} ({@link PostgresServer#createDatabase}). */
    static PostgresFixture start(String database, String options) throws Exception {
        PostgresServer server = PostgresServer.shared();
        return new PostgresFixture(
                server, server.createDatabase(database + "_" + DATABASES.incrementAndGet(), options));
    }

    /** A connection as the pool's: the owner's login working as chat_app, not auto-commit. */
    Connection runtimeConnection() throws SQLException {
        Properties login = new Properties();
        login.setProperty("user", server.ownerUser());
        login.setProperty("password", server.ownerPassword());
        login.setProperty("options", "-c role=" + PostgresDatabase.RUNTIME_ROLE);
        Connection connection = DriverManager.getConnection(url, login);
        connection.setAutoCommit(false);
        return connection;
    }

    /**
     * Another node's connection, working for {@code tenantId} in one open transaction: what it writes holds its locks
     * until the test commits it.
     */
    Connection otherNode(String tenantId) throws SQLException {
        Connection connection = runtimeConnection();
        try (PreparedStatement setting = connection.prepareStatement("SELECT set_config('chat.tenant', ?, true)")) {
            setting.setString(1, tenantId);
            setting.execute();
        }
        return connection;
    }

    /** A node's database on the class's PostgreSQL. */
    PostgresDatabase openDatabase(ExecutorService reads, CommitObserver observer) {
        return PostgresDatabase.open(url, server.ownerUser(), server.ownerPassword(), reads, observer);
    }

    /** A test's node: its own reads, a tenant prefix no other test used, the database opened at the first store. */
    Node node() {
        return new Node();
    }

    final class Node {
        private final ExecutorService reads = readExecutor();
        private final String prefix = freshTenantPrefix();
        private PostgresDatabase database;

        private Node() {}

        /** Tenant {@code tenant}'s store (registered in the catalog first, as its rows need). */
        TenantStore open(String tenant, CommitObserver observer) {
            if (database == null) {
                database = openDatabase(reads, observer);
            }
            register(database, tenantId(tenant));
            return database.forTenant(tenantId(tenant));
        }

        /** The id {@link #open} gives tenant {@code tenant} in the database. */
        String tenantId(String tenant) {
            return prefix + tenant;
        }

        void close() throws InterruptedException {
            if (database != null) {
                database.close();
            }
            shutDown(reads);
        }
    }

    /** A tenant's row in the catalog, which its rows need (V8); nothing when it is there already. */
    static void register(PostgresDatabase database, String tenantId) {
        database.tenantRecords().insert(tenantId, "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8), stored -> {});
    }

    /** A prefix no other test used: tenants named with it start empty. */
    static String freshTenantPrefix() {
        return "test" + TESTS.incrementAndGet() + "-" + System.nanoTime() + "-";
    }

    static void shutDown(ExecutorService reads) throws InterruptedException {
        reads.shutdown();
        if (!reads.awaitTermination(10, TimeUnit.SECONDS)) {
            throw new AssertionError("reads did not end");
        }
    }

    static ExecutorService readExecutor() {
        return Executors.newFixedThreadPool(4);
    }
}
