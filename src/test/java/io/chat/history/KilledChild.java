package io.chat.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The kill -9 harness of the durability tests: a child JVM runs a class of this package ({@code AppendingChild} and
 * the like) on a store folder; it prints {@link #OPEN} once its store is open, then a line for each write once it is
 * acknowledged, until it is killed with SIGKILL. What it printed before the kill is what it acknowledged: the test
 * then opens the folder and checks that every such write is there.
 */
final class KilledChild {
    /** The child's first line: its store is open, its writes start. */
    static final String OPEN = "OPEN";

    private static final String EOF = "EOF";

    /** Something the test checks while the child still writes (before the kill). */
    @FunctionalInterface
    interface WhileRunning {
        void check() throws Exception;
    }

    private KilledChild() {}

    /**
     * Runs {@code child}'s main with {@code args}, kills it with SIGKILL once it acknowledged {@code acksBeforeKill}
     * writes or after {@code mostBeforeKill}, and returns the lines it printed after {@link #OPEN}: those it
     * acknowledged (a line in the pipe when the kill lands was acknowledged too).
     */
    static List<String> acknowledged(Class<?> child, List<String> args, int acksBeforeKill, Duration mostBeforeKill)
            throws Exception {
        return acknowledged(child, args, acksBeforeKill, mostBeforeKill, () -> {});
    }

    /** As above, running {@code whileRunning} after the writes counted and before the kill. */
    static List<String> acknowledged(
            Class<?> child, List<String> args, int acksBeforeKill, Duration mostBeforeKill, WhileRunning whileRunning)
            throws Exception {
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-cp", classpath(child), child.getName()));
        command.addAll(args);
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = Thread.ofPlatform().daemon(true).start(() -> {
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (Exception e) {
                // the child was killed: its pipe ends here
            }
            lines.add(EOF);
        });
        List<String> acked = new ArrayList<>();
        try {
            assertEquals(OPEN, lines.poll(20, TimeUnit.SECONDS), "child did not open its store");
            long deadline = System.nanoTime() + mostBeforeKill.toNanos();
            while (acked.size() < acksBeforeKill && System.nanoTime() < deadline) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (line != null) {
                    acked.add(line);
                }
            }
            whileRunning.check();
        } finally {
            process.destroyForcibly();
            assertTrue(process.waitFor(20, TimeUnit.SECONDS));
        }
        reader.join(10_000);
        for (String line = lines.poll(); line != null && !line.equals(EOF); line = lines.poll()) {
            acked.add(line); // written to the pipe before the kill: acknowledged too
        }
        return acked;
    }

    /** The child's standard output, flushed at each line: a line printed is in the pipe before the next write. */
    static PrintStream progress() {
        return new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    }

    /** The child's store in {@code directory}, its reads on two threads of their own. */
    static H2TenantStore openStore(Path directory, Durability durability) {
        ExecutorService reads = Executors.newFixedThreadPool(2);
        return H2TenantStore.open(directory, "child", reads, CommitObserver.NONE, durability);
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Just what the child needs: H2, Lucene, the main classes and the test classes. */
    private static String classpath(Class<?> child) throws Exception {
        List<String> entries = new ArrayList<>();
        for (Class<?> type : List.of(
                org.h2.Driver.class,
                org.apache.lucene.index.IndexWriter.class,
                org.apache.lucene.queryparser.simple.SimpleQueryParser.class,
                H2TenantStore.class,
                child)) {
            entries.add(Path.of(type.getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toString());
        }
        return String.join(File.pathSeparator, entries.stream().distinct().toList());
    }
}
