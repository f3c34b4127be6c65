package io.chat.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A diagnostic command sent to a server's JVM with the JDK's {@code jcmd}. */
final class Jcmd {
    private Jcmd() {}

    /**
     * A full GC in each server JVM of {@code pids} (comma-separated), after its sockets connected and before the first
     * measured step. The first young collections after the sockets connect copy every socket's state until it is
     * promoted, into survivor pages never touched before: one pause of 110-180 ms at 1000 sockets (SerialGC, 1 GB
     * heap, -Xlog:gc: two thirds of it system time, page faults), which failed whichever step it fell in (W1's
     * first, W5's second). A server pays it once after its sockets connect; a sweep measures what follows.
     * Harmless for a process that is not a JVM (Node): jcmd fails.
     */
    static void collectBeforeMeasuring(String pids) {
        for (String pid : pids.split(",")) {
            run(pid.trim(), "GC.run");
        }
    }

    /** What {@code jcmd <pid> <command>} printed; empty when {@code pid} is not a JVM or the command failed. */
    static Optional<String> run(String pid, String command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process process = new ProcessBuilder(jcmd.toString(), pid, command)
                    .redirectErrorStream(true)
                    .start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                return Optional.empty();
            }
            return Optional.of(out);
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
