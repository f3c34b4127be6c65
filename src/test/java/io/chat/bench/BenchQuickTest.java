package io.chat.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Keeps the benchmark working: runs {@code scripts/bench --quick} (tiny W1 and W3 against every server, W2 and W4 on the platform)
 * and checks that it exits 0 and prints a row for each server and scenario. The script itself checks that the
 * numbers are produced and sane (never their size).
 */
class BenchQuickTest {
    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void quickBenchProducesTheTable() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        ProcessBuilder pb = new ProcessBuilder(root.resolve("scripts/bench").toString(), "--quick", "--no-build")
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process process = pb.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(3, TimeUnit.MINUTES), "scripts/bench --quick did not finish");
        System.out.println(output);
        assertEquals(0, process.exitValue(), "scripts/bench --quick failed:\n" + output);
        for (String row : List.of(
                "| ours (io.chat engine) |",
                "| JVM ceiling (JDK-only VT server) |",
                "| netty-socketio 2.0.13 |",
                "| Node socket.io 4.8.4 |",
                "| ours (platform, process) |",
                "| ours (platform, fsync) |")) {
            assertTrue(output.contains(row), "no row " + row + " in:\n" + output);
        }
        assertTrue(
                output.contains("**W1 fan-out**")
                        && output.contains("**W2 durable chat**")
                        && output.contains("**W3 capacity**")
                        && output.contains("**W4 fairness**"),
                output);
        assertTrue(output.contains("check: every expected row present, numbers sane"), output);
    }
}
