package io.chat.history;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
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
 * at most {@link ReadPositionStore#UNREAD_WINDOW} entries of the (room, seq) key), with the mentions among them (every
 * message names someone, so every text in the window is read; one in 20 names the reader), and how many writer batches
 * a burst of marks from many users takes. A figure, not a test: {@code -Dtest=ReadPositionBench -Dbench.perRoom=N};
 * {@code -Dbench.pad=N} puts N characters before each message's words (the cost of long texts);
 * {@code -Dbench.names=N} makes each message name N other people too (the cost of name-stuffed texts). It also times
 * the appends, and the walk that gives a store's messages their mentions' rows ({@link MentionBackfill}) at an open.
 */
class ReadPositionBench {
    @Test
    void unreadCountsAndCoalescedMarks() throws Exception {
        int rooms = 100;
        int perRoom = Integer.getInteger("bench.perRoom", 2_000);
        int users = Integer.getInteger("bench.users", 500);
        String pad = "x".repeat(Integer.getInteger("bench.pad", 0));
        StringBuilder crowd = new StringBuilder();
        for (int n = 0; n < Integer.getInteger("bench.names", 0); n++) {
            crowd.append(" @someone-").append(n);
        }
        Path dir = Files.createTempDirectory("read-bench");
        ExecutorService reads = Executors.newFixedThreadPool(4);
        AtomicInteger batches = new AtomicInteger();
        try (H2TenantStore store =
                H2TenantStore.open(dir, "bench", reads, (size, nanos) -> batches.incrementAndGet())) {
            long appending = System.nanoTime();
            List<CompletableFuture<AppendResult>> inFlight = new ArrayList<>();
            for (int i = 0; i < rooms * perRoom; i++) {
                inFlight.add(store.append(
                        "room-" + (i % rooms),
                        "user" + (i % 50),
                        pad + "message " + i + ((i / rooms) % 20 == 0 ? " for @reader" : " for @user" + (i % 7))
                                + crowd,
                        Optional.empty()));
                if (inFlight.size() == 5_000) {
                    inFlight.forEach(CompletableFuture::join);
                    inFlight.clear();
                }
            }
            inFlight.forEach(CompletableFuture::join);
            System.out.printf(
                    "[bench] %d appends: %.0f ms, %d mention rows%n",
                    rooms * perRoom,
                    (System.nanoTime() - appending) / 1e6,
                    store.<Long>write(connection -> count(connection, "mentions"))
                            .join());
            for (int r = 0; r < rooms; r++) {
                store.remember("reader", "room-" + r, Instant.now(), 100).join();
            }
            for (String query : List.of(SqlReadPositions.UNREAD_COUNT, SqlReadPositions.MENTIONS)) {
                System.out.println("[bench] plan: " + plan(store, query));
            }
            for (long position : new long[] {0, perRoom / 2, perRoom - 10}) {
                if (position > 0) {
                    for (int r = 0; r < rooms; r++) {
                        store.markRead("reader", "room-" + r, position).join();
                    }
                }
                for (int run = 0; run < 3; run++) {
                    // the unread counts alone (what readPositions ran before mentions), then readPositions, in turn
                    long unreadOnly = System.nanoTime();
                    countUnreadOnly(store, rooms, position);
                    unreadOnly = System.nanoTime() - unreadOnly;
                    long start = System.nanoTime();
                    List<ReadPosition> counted = store.readPositions("reader").join();
                    System.out.printf(
                            "[bench] 100 rooms x %d entries at position %d: unread only %.1f ms, unread and mentions"
                                    + " %.1f ms (first room %d unread, %d mentions)%n",
                            perRoom,
                            position,
                            unreadOnly / 1e6,
                            (System.nanoTime() - start) / 1e6,
                            counted.getFirst().unread(),
                            counted.getFirst().mentions());
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
            // as a store written before the table: its messages without rows, not marked
            store.<Integer>write(connection -> {
                        try (var forget = connection.createStatement()) {
                            return forget.executeUpdate("DELETE FROM mentions")
                                    + forget.executeUpdate("DELETE FROM mention_backfills");
                        }
                    })
                    .join();
        } finally {
            reads.shutdown();
        }
        ExecutorService again = Executors.newFixedThreadPool(4);
        try (H2TenantStore store = H2TenantStore.open(dir, "bench", again, CommitObserver.NONE)) {
            long start = System.nanoTime();
            while (store.<Long>read(connection -> count(connection, "mention_backfills"))
                            .join()
                    == 0) {
                Thread.sleep(50);
            }
            System.out.printf(
                    "[bench] backfill at the next open: %.0f ms for %d mention rows%n",
                    (System.nanoTime() - start) / 1e6,
                    store.<Long>read(connection -> count(connection, "mentions"))
                            .join());
        } finally {
            again.shutdown();
        }
    }

    private static long count(Connection connection, String table) throws SQLException {
        try (var select = connection.createStatement();
                var rows = select.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static void countUnreadOnly(H2TenantStore store, int rooms, long position) {
        store.<Long>read(connection -> {
                    long total = 0;
                    try (var count = connection.prepareStatement(SqlReadPositions.UNREAD_COUNT)) {
                        for (int r = 0; r < rooms; r++) {
                            count.setString(1, "room-" + r);
                            count.setLong(2, position);
                            count.setLong(3, position + ReadPositionStore.UNREAD_WINDOW);
                            count.setString(4, "reader");
                            try (var rows = count.executeQuery()) {
                                rows.next();
                                total += rows.getLong(1);
                            }
                        }
                    }
                    return total;
                })
                .join();
    }

    private static String plan(H2TenantStore store, String query) {
        return store.<String>read(connection -> {
                    try (var explain = connection.prepareStatement("EXPLAIN " + query)) {
                        if (query.equals(SqlReadPositions.MENTIONS)) {
                            ReadPosition position = new ReadPosition("room-1", 0, 0, 0);
                            SqlReadPositions.mentionWindow(explain, 1, "reader", position, "reader");
                            SqlReadPositions.mentionWindow(explain, 6, Mentions.ROOM, position, "reader");
                        } else {
                            explain.setString(1, "room-1");
                            explain.setLong(2, 0);
                            explain.setLong(3, 1000);
                            explain.setString(4, "reader");
                        }
                        try (var rows = explain.executeQuery()) {
                            rows.next();
                            return rows.getString(1).replace('\n', ' ');
                        }
                    }
                })
                .join();
    }
}
