package io.chat.history;

import static io.chat.history.StoreContract.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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
        Process child = new ProcessBuilder(
                        DurabilityTest.javaBinary(),
                        "-cp",
                        DurabilityTest.classpath(),
                        ReadingChild.class.getName(),
                        directory.toString(),
                        "6")
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = Thread.ofPlatform().daemon(true).start(() -> {
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (Exception e) {
                // the child was killed: its pipe ends here
            }
            lines.add("EOF");
        });
        List<String> acked = new ArrayList<>();
        try {
            assertEquals("OPEN", lines.poll(20, TimeUnit.SECONDS), "child did not open its store");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (acked.size() < ACKS_BEFORE_KILL && System.nanoTime() < deadline) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (line != null) {
                    acked.add(line);
                }
            }
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(20, TimeUnit.SECONDS));
        }
        reader.join(10_000);
        for (String line = lines.poll(); line != null && !line.equals("EOF"); line = lines.poll()) {
            acked.add(line); // written to the pipe before the kill: acknowledged too
        }
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
