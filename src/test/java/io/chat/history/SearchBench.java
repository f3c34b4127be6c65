package io.chat.history;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * Search latency on one H2 tenant with a large history (a figure, not a test): fills the tenant with
 * {@code bench.messages} messages (default 1,000,000) of 4 to 20 words drawn from a 20,000-word vocabulary with
 * Zipf-like frequencies (the 60 most frequent are common English words), in {@code bench.rooms} rooms, waits for the
 * index to take them all in, then times each query {@code bench.runs} times, one at a time, for a user who reads 50
 * rooms: p50 and p99. Run: {@code mvn test -Dtest=SearchBench -Dweb.skip=true [-Dbench.messages=N]}.
 */
class SearchBench {
    private static final String[] COMMON =
            ("the to and a of i it is you that in we for on this be have with do not but at are so can just "
                            + "will what was if up get all my me deploy release build test meeting lunch today tomorrow "
                            + "fix bug review merge branch server client issue ticket customer please thanks ok yes no")
                    .split(" ");

    @Test
    void searchOnALargeHistory() throws Exception {
        int messages = Integer.getInteger("bench.messages", 1_000_000);
        int rooms = Integer.getInteger("bench.rooms", 200);
        int runs = Integer.getInteger("bench.runs", 200);
        List<String> vocabulary = vocabulary(20_000);
        double[] cumulative = zipf(vocabulary.size(), 1.0);
        Random random = new Random(42);
        // -Dbench.dir=<folder of an earlier run> times the queries again on its history (nothing is stored)
        String reuse = System.getProperty("bench.dir", "");
        Path dir = reuse.isEmpty() ? Files.createTempDirectory("search-bench") : Path.of(reuse);
        ExecutorService reads = Executors.newFixedThreadPool(4);
        try {
            // Stored straight into the table, 10,000 rows a transaction (through the writer, as appends would be,
            // but without a million acknowledgements): the index then takes them in at the next open, as after a
            // crash or with its folder deleted. That catch-up is timed too.
            long fillStart = System.nanoTime();
            try (H2TenantStore store = H2TenantStore.open(dir, "bench", reads, CommitObserver.NONE)) {
                if (!reuse.isEmpty()) {
                    messages = (int) store.messageCount() - 1;
                }
                long[] seqs = new long[rooms];
                long ts = System.currentTimeMillis() - messages;
                for (int done = 0; reuse.isEmpty() && done < messages; ) {
                    int batch = Math.min(10_000, messages - done);
                    List<Object[]> rows = new ArrayList<>(batch);
                    for (int i = 0; i < batch; i++) {
                        int room = random.nextInt(rooms);
                        StringBuilder text = new StringBuilder();
                        int words = 4 + random.nextInt(17);
                        for (int w = 0; w < words; w++) {
                            text.append(w == 0 ? "" : " ").append(vocabulary.get(draw(cumulative, random)));
                        }
                        rows.add(new Object[] {
                            "room-" + room, ++seqs[room], "user" + random.nextInt(100), text.toString(), ts++
                        });
                    }
                    store.write(connection -> insert(connection, rows)).join();
                    done += batch;
                }
                if (reuse.isEmpty()) {
                    List<Object[]> end = new ArrayList<>();
                    end.add(new Object[] {"room-0", ++seqs[0], "user0", "zzzbenchend", ts});
                    store.write(connection -> insert(connection, end)).join();
                }
            }
            long filled = System.nanoTime();
            H2TenantStore store = H2TenantStore.open(dir, "bench", reads, CommitObserver.NONE);
            Set<String> all = new HashSet<>();
            for (int r = 0; r < rooms; r++) {
                all.add("room-" + r);
            }
            while (store.search(query(all, "zzzbenchend", Optional.empty(), Optional.empty()))
                    .join()
                    .hits()
                    .isEmpty()) {
                Thread.sleep(500);
            }
            long indexed = System.nanoTime();
            System.out.printf(
                    "search bench: %,d messages in %d rooms stored in %.1f s, indexed from the table in %.1f s%n",
                    messages, rooms, (filled - fillStart) / 1e9, (indexed - filled) / 1e9);
            System.out.println("search bench: history in " + dir);
            Set<String> mine = new HashSet<>();
            for (int r = 0; r < 50; r++) {
                mine.add("room-" + r * (rooms / 50));
            }
            String rare = vocabulary.get(5_000);
            String mid = vocabulary.get(500);
            time(store, "common word 'the'", query(mine, "the", Optional.empty(), Optional.empty()), runs);
            time(store, "'deploy'", query(mine, "deploy", Optional.empty(), Optional.empty()), runs);
            time(store, "mid word '" + mid + "'", query(mine, mid, Optional.empty(), Optional.empty()), runs);
            time(store, "rare word '" + rare + "'", query(mine, rare, Optional.empty(), Optional.empty()), runs);
            time(
                    store,
                    "two words 'deploy release'",
                    query(mine, "deploy release", Optional.empty(), Optional.empty()),
                    runs);
            time(store, "phrase '\"fix bug\"'", query(mine, "\"fix bug\"", Optional.empty(), Optional.empty()), runs);
            time(store, "'deploy' from user7", query(mine, "deploy", Optional.of("user7"), Optional.empty()), runs);
            time(store, "'deploy' in one room", query(mine, "deploy", Optional.empty(), Optional.of("room-0")), runs);
            time(store, "no match 'qqqq'", query(mine, "qqqq", Optional.empty(), Optional.empty()), runs);
            store.close();
        } finally {
            reads.shutdown();
        }
    }

    private static int insert(java.sql.Connection connection, List<Object[]> rows) throws java.sql.SQLException {
        try (java.sql.PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO messages (room, seq, id, sender, text, ts) VALUES (?, ?, ?, ?, ?, ?)")) {
            for (Object[] row : rows) {
                insert.setString(1, (String) row[0]);
                insert.setLong(2, (Long) row[1]);
                insert.setString(3, java.util.UUID.randomUUID().toString());
                insert.setString(4, (String) row[2]);
                insert.setString(5, (String) row[3]);
                insert.setLong(6, (Long) row[4]);
                insert.addBatch();
            }
            insert.executeBatch();
        }
        return rows.size();
    }

    private static SearchQuery query(Set<String> rooms, String text, Optional<String> from, Optional<String> room) {
        return new SearchQuery(rooms, text, from, room, 20, Optional.empty());
    }

    private static void time(H2TenantStore store, String name, SearchQuery query, int runs) {
        for (int i = 0; i < 20; i++) {
            store.search(query).join(); // warm up
        }
        long[] nanos = new long[runs];
        int hits = 0;
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            hits = store.search(query).join().hits().size();
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        System.out.printf(
                "search bench: %-32s %2d results  p50 %6.2f ms  p99 %6.2f ms  max %6.2f ms%n",
                name,
                hits,
                nanos[runs / 2] / 1e6,
                nanos[(int) Math.ceil(runs * 0.99) - 1] / 1e6,
                nanos[runs - 1] / 1e6);
    }

    private static List<String> vocabulary(int size) {
        List<String> words = new ArrayList<>(Arrays.asList(COMMON));
        String[] onsets = {
            "b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "br", "st", "tr"
        };
        String[] vowels = {"a", "e", "i", "o", "u", "ai", "ou"};
        Random random = new Random(7);
        Set<String> seen = new HashSet<>(words);
        while (words.size() < size) {
            StringBuilder word = new StringBuilder();
            int syllables = 1 + random.nextInt(3);
            for (int s = 0; s < syllables; s++) {
                word.append(onsets[random.nextInt(onsets.length)]).append(vowels[random.nextInt(vowels.length)]);
            }
            if (random.nextBoolean()) {
                word.append(onsets[random.nextInt(onsets.length)]);
            }
            if (seen.add(word.toString())) {
                words.add(word.toString());
            }
        }
        return words;
    }

    private static double[] zipf(int size, double exponent) {
        double[] cumulative = new double[size];
        double sum = 0;
        for (int rank = 0; rank < size; rank++) {
            sum += 1 / Math.pow(rank + 1, exponent);
            cumulative[rank] = sum;
        }
        for (int rank = 0; rank < size; rank++) {
            cumulative[rank] /= sum;
        }
        return cumulative;
    }

    private static int draw(double[] cumulative, Random random) {
        int at = Arrays.binarySearch(cumulative, random.nextDouble());
        return Math.min(cumulative.length - 1, at >= 0 ? at : -at - 1);
    }
}
