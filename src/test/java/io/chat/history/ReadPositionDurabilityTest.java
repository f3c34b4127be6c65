package io.chat.history;

import static io.chat.history.StoreContract.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a process marking rooms read as fast as it can loses no acknowledged read position: a mark is acknowledged
 * only once its writer batch was checkpointed into the database file (the Task path of {@code Writer}), so the next
 * open reads each user's position at or past the last one acknowledged to it.
 */
class ReadPositionDurabilityTest {
    private static final int ACKS_BEFORE_KILL = 500;

    @TempDir
    Path tenants;

    @Test
    void everyAcknowledgedReadPositionSurvivesKillMinus9() throws Exception {
        Path directory = tenants.resolve("crash");
        List<String> acked = KilledChild.acknowledged(
                ReadingChild.class, List.of(directory.toString(), "6"), ACKS_BEFORE_KILL, Duration.ofSeconds(15));
        assertTrue(acked.size() > 20, "too few acknowledged marks: " + acked.size());

        Map<String, Long> acknowledged = new HashMap<>(); // "user room" -> the highest position acknowledged
        for (String line : acked) {
            String[] f = line.split(" ");
            acknowledged.merge(f[0] + " " + f[1], Long.parseLong(f[2]), Math::max);
        }
        ExecutorService reads = Executors.newFixedThreadPool(2);
        try (H2TenantStore store = H2TenantStore.open(directory, "crash", reads, CommitObserver.NONE)) {
            for (Map.Entry<String, Long> entry : acknowledged.entrySet()) {
                String[] key = entry.getKey().split(" ");
                ReadPosition position = await(store.readPositions(key[0])).getFirst();
                assertEquals(key[1], position.room());
                assertTrue(
                        position.lastRead() >= entry.getValue(),
                        "acknowledged position lost: " + entry + ", found " + position.lastRead());
            }
        } finally {
            reads.shutdown();
        }
        System.out.println("read positions: " + acked.size() + " acknowledged marks checked after kill -9");
    }
}
