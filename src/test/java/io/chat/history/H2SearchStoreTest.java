package io.chat.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The search contract on H2 (a Lucene index in each tenant's folder), and how that index recovers. */
class H2SearchStoreTest extends SearchStoreContract {
    @TempDir
    Path tenants;

    private final ExecutorService reads = Executors.newFixedThreadPool(4);

    @Override
    protected TenantStore openStore(String tenant, CommitObserver observer) {
        return H2TenantStore.open(tenants.resolve(tenant), tenant, reads, observer);
    }

    @Override
    protected void storesClosed() throws InterruptedException {
        reads.shutdown();
        assertTrue(reads.awaitTermination(10, TimeUnit.SECONDS));
    }

    @Test
    void aLostIndexIsRebuiltFromTheTable() throws IOException {
        TenantStore store = open("acme");
        send(store, "general", "alice", "rebuild me");
        await(store.change("general", "alice", new Change.Edit(1, "rebuilt text"), Optional.empty()));
        send(store, "general", "bob", "second rebuild");
        store.close();
        deleteTree(tenants.resolve("acme").resolve(LuceneSearch.FOLDER));

        TenantStore reopened = open("acme");
        assertEquals(List.of(1L), seqs(await(reopened.search(query(Set.of("general"), "rebuilt")))), "edited");
        assertEquals(List.of(3L), seqs(await(reopened.search(query(Set.of("general"), "rebuild")))));
    }

    @Test
    void aRestartIndexesNothingTwice() {
        TenantStore store = open("acme");
        send(store, "general", "alice", "restart me");
        send(store, "general", "bob", "restart me too");
        // searched: the index has both; closed before its periodic commit, which would record how far it got
        assertEquals(List.of(2L, 1L), seqs(await(store.search(query(Set.of("general"), "restart")))));
        store.close();

        TenantStore reopened = open("acme");
        send(reopened, "general", "carol", "restart once more");
        assertEquals(List.of(3L, 2L, 1L), seqs(await(reopened.search(query(Set.of("general"), "restart")))));
        reopened.close();
        assertEquals(List.of(3L, 2L, 1L), seqs(await(open("acme").search(query(Set.of("general"), "restart")))));
    }

    @Test
    void aCorruptIndexIsRebuiltFromTheTable() throws IOException {
        TenantStore store = open("acme");
        send(store, "general", "alice", "corrupt me");
        store.close();
        try (Stream<Path> files = Files.list(tenants.resolve("acme").resolve(LuceneSearch.FOLDER))) {
            for (Path file : files.toList()) {
                if (file.getFileName().toString().startsWith("segments")) {
                    Files.write(file, new byte[] {1, 2, 3});
                }
            }
        }
        TenantStore reopened = open("acme");
        assertEquals(List.of(1L), seqs(await(reopened.search(query(Set.of("general"), "corrupt")))));
    }

    @Test
    void aSearchPastItsTimeLimitFailsAsTimedOut() {
        H2TenantStore store = (H2TenantStore) open("acme");
        for (int i = 0; i < 50; i++) {
            store.append("general", "alice", "status report " + i, Optional.empty());
        }
        send(store, "general", "alice", "last report");
        assertEquals(
                20,
                await(store.search(query(Set.of("general"), "report"))).hits().size());
        store.searchTimeLimit(Duration.ZERO);
        CompletionException failed =
                assertThrows(CompletionException.class, () -> store.search(query(Set.of("general"), "report"))
                        .join());
        assertInstanceOf(SearchTimeoutException.class, failed.getCause());
        store.searchTimeLimit(SearchQuery.TIME_LIMIT);
        assertEquals(
                20,
                await(store.search(query(Set.of("general"), "report"))).hits().size());
    }

    private static void deleteTree(Path folder) throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
