package io.chat.history;

import static io.chat.history.MessageStoreContract.all;
import static io.chat.history.MessageStoreContract.append;
import static io.chat.history.MessageStoreContract.seqs;
import static io.chat.history.StoreContract.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What only the H2 store does (its log, its folder lock, its locked-down connections, its credentials file, its read
 * executor); what every store does is in {@link MessageStoreContract} and {@link AccountStoreContract}.
 */
class H2TenantStoreTest {
    @TempDir
    Path tenants;

    private final ExecutorService reads = Executors.newFixedThreadPool(4);
    private final CommitObserver observer = CommitObserver.NONE;
    private final List<H2TenantStore> opened = new ArrayList<>();

    @AfterEach
    void tearDown() throws InterruptedException {
        opened.forEach(H2TenantStore::close);
        reads.shutdown();
        assertTrue(reads.awaitTermination(10, TimeUnit.SECONDS));
    }

    private H2TenantStore open(String tenant) {
        H2TenantStore store = H2TenantStore.open(tenants.resolve(tenant), tenant, reads, observer);
        opened.add(store);
        return store;
    }

    @Test
    void aTornLogTailIsIgnoredAndACleanCloseEmptiesTheLog() throws Exception {
        H2TenantStore store = open("acme");
        StoredMessage first = append(store, "general", "alice", "one").message();
        append(store, "general", "alice", "two");
        store.close();
        Path log = tenants.resolve("acme").resolve(MessageLog.FILE_NAME);
        assertEquals(0, Files.size(log), "a clean close stores everything in H2 and empties the log");
        // what a write cut short by kill -9 leaves: a length and a checksum that do not match what follows
        Files.write(log, new byte[] {0, 0, 0, 40, 1, 2, 3, 4, 'x', 'y'});
        H2TenantStore reopened = open("acme");
        assertEquals(0, Files.size(log), "the torn record is dropped once the database is up to date");
        assertEquals(List.of(1L, 2L), seqs(all(reopened, "general")));
        assertEquals(first.id(), all(reopened, "general").getFirst().id());
        assertEquals(3, append(reopened, "general", "bob", "three").message().seq());
        assertTrue(Files.size(log) > 0, "an acknowledged message is in the log until a checkpoint");
    }

    @Test
    void secondOpenOfTheSameFolderFails() {
        H2TenantStore store = open("acme");
        StoreLockedException e = assertThrows(
                StoreLockedException.class, () -> H2TenantStore.open(tenants.resolve("acme"), "acme", reads, observer));
        assertTrue(e.getMessage().contains("already open"), e.getMessage());
        assertThrows(
                StoreLockedException.class,
                () -> H2TenantStore.open(tenants.resolve("other/../acme"), "acme", reads, observer));
        assertTrue(store.healthy(), "the first store is untouched");
        store.close();
        H2TenantStore again = open("acme");
        assertTrue(again.healthy());
    }

    @Test
    void aReadExecutorLeavingAnInterruptPendingDoesNotBreakTheStore() {
        // A read executor that leaves an interrupt pending on its thread: the store clears it around H2.
        ExecutorService careless = Executors.newFixedThreadPool(2);
        try {
            Executor interrupting = task -> careless.execute(() -> {
                Thread.currentThread().interrupt();
                task.run();
            });
            H2TenantStore sloppy = H2TenantStore.open(tenants.resolve("sloppy"), "sloppy", interrupting, observer);
            append(sloppy, "r", "u", "x");
            for (int i = 0; i < 20; i++) {
                assertEquals(
                        1,
                        await(sloppy.before("r", OptionalLong.empty(), 10))
                                .messages()
                                .size());
            }
            assertTrue(sloppy.healthy());
            sloppy.close();
        } finally {
            careless.shutdown();
        }
    }

    @Test
    void runtimeConnectionsCannotReachFilesOrAdminCommands() throws Exception {
        H2TenantStore store = open("acme");
        Path secret = Files.writeString(tenants.resolve("secret.txt"), "top secret");
        List<String> refused = List.of(
                "SELECT FILE_READ('" + secret + "')",
                "SELECT * FROM CSVREAD('" + secret + "')",
                "SELECT FILE_WRITE('x', '" + tenants.resolve("written") + "')",
                "SELECT * FROM LINK_SCHEMA('L', '', 'jdbc:h2:mem:x', 'sa', '', 'PUBLIC')",
                "CREATE ALIAS EXEC AS 'String exec(String s) { return s; }'",
                "SCRIPT TO '" + tenants.resolve("dump.sql") + "'",
                "RUNSCRIPT FROM '" + secret + "'",
                "BACKUP TO '" + tenants.resolve("backup.zip") + "'",
                "CREATE TABLE extra (x INT)",
                "SET WRITE_DELAY 500",
                "SHUTDOWN");
        for (String sql : refused) {
            for (boolean writer : List.of(false, true)) {
                SqlWork<Boolean> work = c -> {
                    try (Statement statement = c.createStatement()) {
                        statement.execute(sql);
                        return true;
                    } catch (SQLException e) {
                        assertTrue(e.getErrorCode() == 90040 || e.getErrorCode() == 90096, sql + ": " + e);
                        return false;
                    }
                };
                assertFalse(await(writer ? store.write(work) : store.read(work)), "allowed: " + sql);
            }
        }
        assertFalse(Files.exists(tenants.resolve("written")));
        assertFalse(Files.exists(tenants.resolve("dump.sql")));
        assertTrue(store.healthy());
        assertEquals(1, append(store, "r", "u", "still works").message().seq());
    }

    @Test
    void credentialsStayPrivate() throws Exception {
        open("acme");
        Path credentials = tenants.resolve("acme").resolve(Credentials.FILE_NAME);
        assertTrue(Files.exists(credentials));
        if (credentials.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertEquals(
                    "rw-------",
                    java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials)));
        }
        assertNotEquals(-1, Files.readString(credentials).indexOf("app.password"));
    }
}
