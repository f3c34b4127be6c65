package io.chat.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The edit and delete contract, on H2; and a deletion's text is gone from the message log as well. */
class H2MessageChangeTest extends MessageChangeContract {
    @TempDir
    Path tenants;

    private final ExecutorService reads = Executors.newFixedThreadPool(4);

    @Override
    protected TenantStore openStore(String tenant, CommitObserver observer) {
        return H2TenantStore.open(tenants.resolve(tenant), tenant, reads, observer);
    }

    @Override
    List<String> storedTexts(TenantStore store, String room) {
        return texts(((H2TenantStore) store)::read, room);
    }

    @Override
    protected void storesClosed() throws InterruptedException {
        reads.shutdown();
        assertTrue(reads.awaitTermination(10, TimeUnit.SECONDS));
    }

    @Test
    void anAcknowledgedDeletionLeavesNoTextInTheLog() throws Exception {
        TenantStore store = open("acme");
        Path log = tenants.resolve("acme").resolve(MessageLog.FILE_NAME);
        MessageStoreContract.append(store, "general", "alice", "a typo to forget");
        await(store.change("general", "alice", new Change.Edit(1, "an edit to forget"), Optional.empty()));
        assertTrue(contains(log, "an edit to forget"), "an edit goes through the log");
        await(store.change("general", "alice", new Change.Delete(1), Optional.empty()));
        assertFalse(contains(log, "a typo to forget"));
        assertFalse(contains(log, "an edit to forget"));
        assertEquals(0, Files.size(log));
    }

    private static boolean contains(Path file, String text) throws Exception {
        return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(text);
    }
}
