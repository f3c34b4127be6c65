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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What read positions cost on H2: the unread counts of a user in 100 rooms with long histories (each count one walk of
 * at most {@link ReadPositionStore#UNREAD_WINDOW} entries of the (room, seq) key), and how many writer batches a burst
 * of marks from many users takes. A figure, not a test: {@code -Dtest=ReadPositionBench -Dbench.perRoom=N}.
 */
class ReadPositionBench {
    @Test
    void unreadCountsAndCoalescedMarks() throws Exception {
        int rooms = 100;
        int perRoom = Integer.getInteger("bench.perRoom", 2_000);
        int users = Integer.getInteger("bench.users", 500);
        Path dir = Files.createTempDirectory("read-bench");
        ExecutorService reads = Executors.newFixedThreadPool(4);
        AtomicInteger batches = new AtomicInteger();
        try (H2TenantStore store =
                H2TenantStore.open(dir, "bench", reads, (size, nanos) -> batches.incrementAndGet())) {
            List<CompletableFuture<AppendResult>> inFlight = new ArrayList<>();
            for (int i = 0; i < rooms * perRoom; i++) {
                inFlight.add(store.append("room-" + (i % rooms), "user" + (i % 50), "message " + i, Optional.empty()));
                if (inFlight.size() == 5_000) {
                    inFlight.forEach(CompletableFuture::join);
                    inFlight.clear();
                }
            }
            inFlight.forEach(CompletableFuture::join);
            for (int r = 0; r < rooms; r++) {
                store.remember("reader", "room-" + r, Instant.now(), 100).join();
            }
            System.out.println("[bench] plan: "
                    + store.<String>read(connection -> {
                                try (var explain = connection.prepareStatement("""
                                EXPLAIN SELECT COUNT(*) FROM (
                                    SELECT seq FROM messages WHERE room = ? AND seq > ? AND seq <= ?
                                    AND kind = 0 AND NOT deleted AND sender <> ?
                                    FETCH FIRST 99 ROWS ONLY) t""")) {
                                    explain.setString(1, "room-1");
                                    explain.setLong(2, 0);
                                    explain.setLong(3, 1000);
                                    explain.setString(4, "reader");
                                    try (var rows = explain.executeQuery()) {
                                        rows.next();
                                        return rows.getString(1).replace('\n', ' ');
                                    }
                                }
                            })
                            .join());
            for (long position : new long[] {0, perRoom / 2, perRoom - 10}) {
                if (position > 0) {
                    for (int r = 0; r < rooms; r++) {
                        store.markRead("reader", "room-" + r, position).join();
                    }
                }
                for (int run = 0; run < 3; run++) {
                    long start = System.nanoTime();
                    List<ReadPosition> counted = store.readPositions("reader").join();
                    System.out.printf(
                            "[bench] unread of 100 rooms x %d entries at position %d: %.1f ms (first room %d unread)%n",
                            perRoom,
                            position,
                            (System.nanoTime() - start) / 1e6,
                            counted.getFirst().unread());
                }
            }
            int before = batches.get();
            long start = System.nanoTime();
            List<CompletableFuture<ReadMark>> marks = new ArrayList<>();
            for (int seq = 1; seq <= 20; seq++) {
                for (int u = 0; u < users; u++) {
                    marks.add(store.markRead("user" + u, "room-" + (u % rooms), seq));
                }
            }
            marks.forEach(CompletableFuture::join);
            System.out.printf(
                    "[bench] %d marks of %d users: %d writer batches, %.0f ms%n",
                    marks.size(), users, batches.get() - before, (System.nanoTime() - start) / 1e6);
        } finally {
            reads.shutdown();
        }
    }
}
