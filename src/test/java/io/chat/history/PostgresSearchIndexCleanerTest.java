package io.chat.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The search index's pending list is merged by the cleaner, as the runtime role (which owns no index), one node at a
 * time; the node's own cleaner is not running here (the database is closed after migrating), so the counts are this
 * test's.
 */
class PostgresSearchIndexCleanerTest {
    private static PostgresFixture postgres;
    private static String tenant;

    @BeforeAll
    static void migrate() throws Exception {
        postgres = PostgresFixture.start("chat_gin");
        ExecutorService reads = PostgresFixture.readExecutor();
        tenant = PostgresFixture.freshTenantPrefix() + "acme";
        try (PostgresDatabase database = postgres.openDatabase(reads, CommitObserver.NONE)) {
            PostgresFixture.register(database, tenant);
        }
        PostgresFixture.shutDown(reads);
    }

    @Test
    void theRuntimeRoleMergesWhatAppendsLeftPendingOnce() throws Exception {
        try (Connection connection = postgres.runtimeConnection()) {
            PostgresAppends.append(connection, requests(500));
            connection.commit();
            assertTrue(PostgresSearchIndexCleaner.clean(connection) > 0, "500 messages' words were pending");
            assertEquals(0, PostgresSearchIndexCleaner.clean(connection), "nothing left to merge");
        }
    }

    @Test
    void aNodeDoesNotQueueBehindAnotherNodesMerge() throws Exception {
        try (Connection other = postgres.runtimeConnection();
                Connection connection = postgres.runtimeConnection()) {
            try (PreparedStatement lock = other.prepareStatement("SELECT pg_advisory_xact_lock(7215036840291855451)")) {
                lock.execute(); // as a merge under way holds it
            }
            PostgresAppends.append(connection, requests(10));
            connection.commit();
            assertEquals(-1, PostgresSearchIndexCleaner.clean(connection));
            other.rollback();
            assertTrue(PostgresSearchIndexCleaner.clean(connection) >= 0);
        }
    }

    @Test
    void theRuntimeRoleCannotMergeAnIndexDirectly() throws Exception {
        try (Connection connection = postgres.runtimeConnection();
                PreparedStatement merge =
                        connection.prepareStatement("SELECT gin_clean_pending_list('messages_search'::regclass)")) {
            assertThrows(SQLException.class, merge::executeQuery); // what the function's SECURITY DEFINER is for
            connection.rollback();
        }
    }

    private static List<PostgresAppends.Request> requests(int count) {
        List<PostgresAppends.Request> requests = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            requests.add(new PostgresAppends.Request(
                    tenant, "room" + i % 20, "user" + i % 50, "word" + i + " shared words here", Optional.empty()));
        }
        return requests;
    }
}
