package io.chat.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.Test;

/**
 * An append batch reads only what it needs: one index probe per clientId, never the tenant's messages. A cached plan
 * that hash-joined the batch with a scan of the tenant's messages once made every batch cost as much as the tenant's
 * history (docs/postgres-store.md, "Throughput"); the database's own counters of rows read show it, without timing.
 */
class PostgresAppendPlanTest {
    private static final int STORED = 5_000;
    private static final int BATCH = 50;

    @Test
    void anAppendBatchProbesItsClientIdsInsteadOfReadingTheTenantsMessages() throws Exception {
        PostgresFixture postgres = PostgresFixture.start("chat_plan");
        ExecutorService reads = PostgresFixture.readExecutor();
        String tenant = PostgresFixture.freshTenantPrefix() + "acme";
        try (PostgresDatabase database = postgres.openDatabase(reads, CommitObserver.NONE)) { // migrates
            PostgresFixture.register(database, tenant);
        }
        PostgresFixture.shutDown(reads);
        // one transaction: its own counters, young tables without statistics
        try (Connection connection = postgres.runtimeConnection()) {
            PostgresAppends.append(connection, requests(tenant, "old", STORED));
            long before = messageRowsRead(connection);
            // more batches than the 5 custom plans a plan cache tries before it settles on a generic plan
            for (int batch = 0; batch < 7; batch++) {
                assertTrue(PostgresAppends.append(connection, requests(tenant, "new" + batch + "-", BATCH)).stream()
                        .noneMatch(AppendResult::duplicate));
            }
            assertTrue(PostgresAppends.append(connection, requests(tenant, "old", BATCH)).stream()
                    .allMatch(AppendResult::duplicate));
            long read = messageRowsRead(connection) - before;
            assertTrue(
                    read <= BATCH, "8 batches of " + BATCH + " read " + read + " messages of the tenant's " + STORED);
            assertEquals(STORED + 7 * BATCH, PostgresAppends.count(connection));
            connection.rollback();
        }
    }

    private static List<PostgresAppends.Request> requests(String tenant, String clientIdPrefix, int count) {
        List<PostgresAppends.Request> requests = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            requests.add(new PostgresAppends.Request(
                    tenant, "room" + i % 20, "user" + i % 200, "m" + i, Optional.of(clientIdPrefix + i)));
        }
        return requests;
    }

    /** Rows of {@code messages} this transaction has read, by sequential scans and through indexes. */
    private static long messageRowsRead(Connection connection) throws SQLException {
        try (PreparedStatement statement =
                        connection.prepareStatement("SELECT coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0)"
                                + " FROM pg_stat_xact_user_tables WHERE relname = 'messages'");
                ResultSet rows = statement.executeQuery()) {
            assertTrue(rows.next());
            return rows.getLong(1);
        }
    }
}
