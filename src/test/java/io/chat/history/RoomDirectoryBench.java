package io.chat.history;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * What a {@code rooms:directory} page costs on H2 as the history grows: the rooms with history come from a DISTINCT
 * over the messages' (room, seq) key. A figure, not a test: {@code -Dtest=RoomDirectoryBench -Dbench.messages=N}.
 */
class RoomDirectoryBench {
    @Test
    void directoryPageOnALargeHistory() throws Exception {
        int messages = Integer.getInteger("bench.messages", 200_000);
        int rooms = Integer.getInteger("bench.rooms", 1_000);
        Path dir = Files.createTempDirectory("directory-bench");
        ExecutorService reads = Executors.newFixedThreadPool(4);
        try (H2TenantStore store = H2TenantStore.open(dir, "bench", reads, CommitObserver.NONE)) {
            List<CompletableFuture<AppendResult>> inFlight = new ArrayList<>();
            for (int i = 0; i < messages; i++) {
                inFlight.add(store.append("room-" + (i % rooms), "user" + (i % 50), "message " + i, Optional.empty()));
                if (inFlight.size() == 5_000) {
                    inFlight.forEach(CompletableFuture::join);
                    inFlight.clear();
                }
            }
            inFlight.forEach(CompletableFuture::join);
            for (int u = 0; u < 200; u++) {
                store.remember("user" + u, "room-" + (u * 7 % rooms), Instant.now(), 100)
                        .join();
            }
            for (int run = 0; run < 3; run++) {
                long start = System.nanoTime();
                DirectoryPage first = store.directory("", 100).join();
                long firstNanos = System.nanoTime() - start;
                start = System.nanoTime();
                store.directory(first.rooms().getLast().room().room(), 100).join();
                long nextNanos = System.nanoTime() - start;
                System.out.printf(
                        "directory bench: %,d messages in %,d rooms: first page %.1f ms, next page %.1f ms%n",
                        messages, rooms, firstNanos / 1e6, nextNanos / 1e6);
            }
        } finally {
            reads.shutdown();
        }
    }
}
