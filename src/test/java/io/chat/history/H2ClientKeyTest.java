package io.chat.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The H2 store's clientId key (ClientKeys): its index answers the lookups, and stores made before it get it. */
class H2ClientKeyTest {
    @TempDir
    Path tenants;

    private final ExecutorService reads = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() throws InterruptedException {
        reads.shutdown();
        assertTrue(reads.awaitTermination(10, TimeUnit.SECONDS));
    }

    @Test
    void keysDifferWhereAnyPartDiffers() {
        long key = ClientKeys.of("alice", "general", "c1");
        assertEquals(key, ClientKeys.of("alice", "general", "c1"));
        assertNotEquals(key, ClientKeys.of("bob", "general", "c1"));
        assertNotEquals(key, ClientKeys.of("alice", "random", "c1"));
        assertNotEquals(key, ClientKeys.of("alice", "general", "c2"));
        // the parts are delimited: moving a character from one to the next makes another key
        assertNotEquals(ClientKeys.of("ab", "c", "x"), ClientKeys.of("a", "bc", "x"));
    }

    @Test
    void lookupsUseTheKeysIndex() throws Exception {
        Path directory = tenants.resolve("acme");
        try (TenantStore store = H2TenantStore.open(directory, "acme", reads, CommitObserver.NONE)) {
            store.append("general", "alice", "hi", Optional.of("c1")).get(10, TimeUnit.SECONDS);
            try (Connection admin = admin(directory, Database.runtimeUrl(directory, StoreFiles.DISK))) {
                for (String query : List.of(MessageWriter.CLIENT_ID_TAKEN, ChangeSql.BY_CLIENT_KEY)) {
                    String plan = plan(admin, query.replaceFirst("\\? AND", "1 AND"));
                    assertTrue(plan.toUpperCase().contains(ClientKeys.INDEX.toUpperCase()), plan);
                }
            }
        }
    }

    @Test
    void aStoreMadeBeforeTheKeyKeepsItsClientIds() throws Exception {
        Path directory = tenants.resolve("acme");
        List<AppendResult> first = new ArrayList<>();
        // not ASCII alone: a room name and a clientId with characters of two and four UTF-8 bytes
        List<String> clientIds = List.of("c0", "c-\u00fc-\uD834\uDD1E", "c2");
        try (TenantStore store = H2TenantStore.open(directory, "acme", reads, CommitObserver.NONE)) {
            for (int i = 0; i < 3; i++) {
                first.add(store.append("général", "alice", "hi " + i, Optional.of(clientIds.get(i)))
                        .get(10, TimeUnit.SECONDS));
            }
            store.append("général", "bob", "no clientId", Optional.empty()).get(10, TimeUnit.SECONDS);
        }
        // as a store was before the key: no keys, the unique index on the three strings
        try (Connection admin = admin(directory, Database.adminUrl(directory, StoreFiles.DISK));
                Statement statement = admin.createStatement()) {
            statement.execute("UPDATE messages SET client_key = NULL");
            statement.execute("DROP INDEX " + ClientKeys.INDEX);
            statement.execute("ALTER TABLE messages DROP COLUMN client_key");
            statement.execute("CREATE UNIQUE INDEX messages_client ON messages (sender, room, client_id)");
        }
        try (TenantStore store = H2TenantStore.open(directory, "acme", reads, CommitObserver.NONE)) {
            for (int i = 0; i < 3; i++) {
                AppendResult again = store.append("général", "alice", "hi " + i, Optional.of(clientIds.get(i)))
                        .get(10, TimeUnit.SECONDS);
                assertTrue(again.duplicate());
                assertEquals(first.get(i).message().seq(), again.message().seq());
            }
            AppendResult fresh =
                    store.append("général", "alice", "new", Optional.of("c9")).get(10, TimeUnit.SECONDS);
            assertFalse(fresh.duplicate());
            assertEquals(5, fresh.message().seq());
            try (Connection admin = admin(directory, Database.runtimeUrl(directory, StoreFiles.DISK));
                    Statement statement = admin.createStatement();
                    ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.INDEXES"
                            + " WHERE TABLE_NAME = 'MESSAGES' AND INDEX_NAME = 'MESSAGES_CLIENT'")) {
                rows.next();
                assertEquals(0, rows.getInt(1), "the index on the three strings is gone");
            }
        }
    }

    private static Connection admin(Path directory, String url) throws SQLException {
        Credentials credentials = Credentials.loadOrCreate(directory, true, StoreFiles.DISK);
        return DriverManager.getConnection(url, Database.ADMIN_USER, credentials.adminPassword());
    }

    private static String plan(Connection connection, String query) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("EXPLAIN " + query.replace("?", "'x'"))) {
            rows.next();
            return rows.getString(1);
        }
    }
}
