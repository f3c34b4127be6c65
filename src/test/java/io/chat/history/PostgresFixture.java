package io.chat.history;

import io.chat.testing.PostgresServer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test class's PostgreSQL (one server and one database per class) and, per test, a node's
 * {@link PostgresDatabase} and a fresh tenant namespace, so that every test starts with empty tenants.
 */
final class PostgresFixture implements AutoCloseable {
    private static final AtomicInteger TESTS = new AtomicInteger();

    final PostgresServer server;
    final String url;

    private PostgresFixture(PostgresServer server, String url) {
        this.server = server;
        this.url = url;
    }

    static PostgresFixture start(String database) throws Exception {
        PostgresServer server = PostgresServer.start();
        try {
            return new PostgresFixture(server, server.createDatabase(database));
        } catch (Throwable e) {
            server.close();
            throw e;
        }
    }

    /** A node's database on the class's PostgreSQL. */
    PostgresDatabase openDatabase(ExecutorService reads, CommitObserver observer) {
        return PostgresDatabase.open(url, server.ownerUser(), server.ownerPassword(), reads, observer);
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

    @Override
    public void close() {
        server.close();
    }
}
