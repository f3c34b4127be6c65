package io.chat.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code scripts/hardening --quick} (SIGTERM and 2 x kill -9 under load, second server, slow reader, reconnect
 * storm, timings, heap after fuzzing, a 1-minute soak, log grep) with this build's classpath, and fails when any of
 * its checks fails. Its table is in {@code target/hardening-quick.txt}. The full form is
 * {@code scripts/hardening} (20 kill cycles, 30-minute soak).
 */
class HardeningScriptTest {
    @Test
    void theQuickHardeningChecksPass() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        Path report = root.resolve("target/hardening-quick.txt");
        ProcessBuilder builder = new ProcessBuilder(
                        root.resolve("scripts/hardening").toString(), "--quick")
                .redirectErrorStream(true)
                .redirectOutput(report.toFile());
        builder.environment().put("HARDENING_CLASSPATH", System.getProperty("java.class.path"));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        boolean finished = process.waitFor(15, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly();
        }
        String output = Files.readString(report, StandardCharsets.UTF_8);
        System.out.println(output);
        assertTrue(finished, "scripts/hardening --quick did not finish within 15 minutes");
        assertEquals(0, process.exitValue(), "a hardening check failed:\n" + output);
    }
}
