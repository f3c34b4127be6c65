package io.chat.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.testing.PostgresServer;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A running node's connections work as chat_app, whose row security binds them. Logged in as the owner (switched to
 * chat_app at connect), a statement can switch back to the owner and read every tenant; logged in as a login of its
 * own that is a member of chat_app only ({@code CHAT_POSTGRES_APP_USER}), it cannot, and a login that could become
 * the owner is refused at start.
 */
class PostgresRuntimeLoginTest {
    private static final String DATABASE = "runtime_login";

    private static PostgresServer server;
    private static String url;
    private static ExecutorService reads;

    @BeforeAll
    static void start() throws Exception {
        server = PostgresServer.shared();
        url = server.createDatabase(DATABASE);
        reads = PostgresFixture.readExecutor();
        // the schema, and chat_app, exist once the owner opened the database
        PostgresDatabase.open(url, server.ownerUser(), server.ownerPassword(), reads, CommitObserver.NONE)
                .close();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        PostgresFixture.shutDown(reads);
    }

    @Test
    void theOwnersLoginCanSwitchBackToTheOwner() {
        try (PostgresDatabase database =
                PostgresDatabase.open(url, server.ownerUser(), server.ownerPassword(), reads, CommitObserver.NONE)) {
            assertEquals(
                    server.ownerUser(), database.read("t", connection -> switchTo(connection, server.ownerUser())));
        }
    }

    @Test
    void aLoginOfItsOwnCannotBecomeTheOwnerAndWorks() throws Exception {
        PostgresDatabase.Login node = createLogin("GRANT chat_app TO %s");
        try (PostgresDatabase database = open(node)) {
            StoreException refused = assertThrows(
                    StoreException.class,
                    () -> database.read("t", connection -> switchTo(connection, server.ownerUser())));
            assertTrue(refused.getMessage().contains("permission denied"), refused.getMessage());
            PostgresFixture.register(database, "acme");
            try (TenantStore store = database.forTenant("acme")) {
                AppendResult appended = store.append("lobby", "alice", "hello", Optional.empty())
                        .join();
                assertEquals(
                        appended.message(),
                        store.since("lobby", 0, 10).join().messages().getFirst());
            }
        }
    }

    @Test
    void aLoginThatCouldBecomeTheOwnerIsRefusedAtStart() throws Exception {
        PostgresDatabase.Login node = createLogin("GRANT chat_app TO %s; GRANT " + server.ownerUser() + " TO %<s");
        StoreException refused =
                assertThrows(StoreException.class, () -> open(node).close());
        assertTrue(refused.getMessage().contains("CHAT_POSTGRES_APP_USER"), refused.getMessage());
    }

    private static PostgresDatabase open(PostgresDatabase.Login node) {
        return PostgresDatabase.open(
                url,
                new PostgresDatabase.Login(server.ownerUser(), server.ownerPassword()),
                Optional.of(node),
                PostgresDatabase.DEFAULT_POOL_SIZE,
                reads,
                CommitObserver.NONE);
    }

    /** A new login role with {@code grants} (a format with the role's name as its argument) run for it. */
    private static PostgresDatabase.Login createLogin(String grants) throws Exception {
        String name = "chat_node_" + System.nanoTime();
        String password = "pw-" + System.nanoTime();
        try (Connection owner = server.ownerConnection(DATABASE);
                Statement statement = owner.createStatement()) {
            statement.execute("CREATE ROLE " + name + " LOGIN PASSWORD '" + password + "'");
            statement.execute(String.format(grants, name));
        }
        return new PostgresDatabase.Login(name, password);
    }

    private static String switchTo(Connection connection, String role) throws java.sql.SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET ROLE " + role);
            try (var rows = statement.executeQuery("SELECT current_user")) {
                rows.next();
                return rows.getString(1);
            }
        }
    }
}
