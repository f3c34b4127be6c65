package io.chat.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * How long the first open of a store made before the clientId key takes (ClientKeys.upgrade): N entries with clientIds
 * in 200 rooms, written as such a store held them, then opened. A figure, not a test:
 * {@code -Dtest=ClientKeyUpgradeBench -Dbench.entries=N} (default 1,000,000).
 */
class ClientKeyUpgradeBench {
    @Test
    void firstOpenOfAnEarlierStore() throws Exception {
        int entries = Integer.getInteger("bench.entries", 1_000_000);
        int rooms = 200;
        Path dir = Files.createTempDirectory("client-key-bench");
        ExecutorService reads = Executors.newFixedThreadPool(2);
        try {
            H2TenantStore.open(dir, "bench", reads, CommitObserver.NONE).close();
            Credentials credentials = Credentials.loadOrCreate(dir, true, StoreFiles.DISK);
            try (Connection admin = DriverManager.getConnection(
                            Database.adminUrl(dir, StoreFiles.DISK), Database.ADMIN_USER, credentials.adminPassword());
                    Statement statement = admin.createStatement()) {
                statement.execute("DROP INDEX " + ClientKeys.INDEX);
                statement.execute("ALTER TABLE messages DROP COLUMN client_key");
                statement.execute("CREATE UNIQUE INDEX messages_client ON messages (sender, room, client_id)");
                admin.setAutoCommit(false);
                try (PreparedStatement insert = admin.prepareStatement(
                        "INSERT INTO messages (room, seq, id, sender, text, ts, client_id) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                    for (int i = 0; i < entries; i++) {
                        insert.setString(1, "room-" + (i % rooms));
                        insert.setLong(2, i / rooms + 1);
                        insert.setString(3, UUID.randomUUID().toString());
                        insert.setString(4, "user" + (i % 50));
                        insert.setString(5, "message " + i);
                        insert.setLong(6, System.currentTimeMillis());
                        insert.setString(7, UUID.randomUUID().toString());
                        insert.addBatch();
                        if (i % 10_000 == 9_999) {
                            insert.executeBatch();
                            admin.commit();
                        }
                    }
                    insert.executeBatch();
                    admin.commit();
                }
            }
            long start = System.nanoTime();
            try (H2TenantStore store = H2TenantStore.open(dir, "bench", reads, CommitObserver.NONE)) {
                long openMillis = (System.nanoTime() - start) / 1_000_000;
                AppendResult fresh = store.append("room-0", "user0", "new", Optional.of("new-id"))
                        .get(30, TimeUnit.SECONDS);
                assertEquals(entries / rooms + 1, fresh.message().seq());
                System.out.printf("first open of an earlier store with %,d clientIds: %,d ms%n", entries, openMillis);
            }
            start = System.nanoTime();
            H2TenantStore.open(dir, "bench", reads, CommitObserver.NONE).close();
            System.out.printf("the next open: %,d ms%n", (System.nanoTime() - start) / 1_000_000);
        } finally {
            reads.shutdown();
            assertTrue(reads.awaitTermination(10, TimeUnit.SECONDS));
        }
    }
}
