package io.chat.socketio;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs the official Node.js client ({@code socket.io-client}, pinned in {@code src/test/node/package.json}) against
 * a {@link FixtureServer}: {@code node --test} over {@code src/test/node/*.test.mjs}, with the server URL in the
 * environment variable {@code SERVER_URL}. Installs the client with {@code npm ci} first when
 * {@code src/test/node/node_modules} lacks it. Needs {@code node} (20 or newer) and {@code npm} on the PATH.
 * The Node output is copied to this test's standard output.
 */
class NodeClientTest {
    private static final long NPM_TIMEOUT_MINUTES = 5;
    private static final long NODE_TIMEOUT_MINUTES = 5;
    private static final int TAIL_LINES = 150;
    private static final boolean WINDOWS = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win");
    private static final Pattern TEST_COUNT = Pattern.compile("^\\S*\\s*tests (\\d+)\\s*$");

    @Test
    void officialNodeClientPassesTheScenarios() throws Exception {
        Path dir = nodeProjectDir();
        String node = executable("node");
        ensureInstalled(dir);
        List<String> files;
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.map(path -> path.getFileName().toString())
                    .filter(name -> name.endsWith(".test.mjs"))
                    .sorted()
                    .toList();
        }
        assertTrue(!files.isEmpty(), "no *.test.mjs files in " + dir);

        try (FixtureServer server = FixtureServer.start()) {
            List<String> command = new ArrayList<>(List.of(node, "--test", "--test-reporter=spec"));
            command.addAll(files);
            Result result = run(command, dir, server.url(), NODE_TIMEOUT_MINUTES);
            if (result.timedOut()) {
                fail("node --test did not finish within " + NODE_TIMEOUT_MINUTES + " min and was killed; last output:\n"
                     + result.tail());
            }
            assertEquals(0, result.exitCode(), () -> "node --test failed (exit code " + result.exitCode()
                                                     + "); last output:\n" + result.tail());
            result.testCount().ifPresent(count -> assertTrue(count > 0, "node --test ran no tests:\n" + result.tail()));
        }
    }

    private static Path nodeProjectDir() {
        String basedir = System.getProperty("basedir", System.getProperty("user.dir"));
        Path dir = Path.of(basedir, "src", "test", "node").toAbsolutePath();
        if (!Files.isRegularFile(dir.resolve("package.json"))) {
            fail("Node test project not found: " + dir + " has no package.json");
        }
        return dir;
    }

    private static void ensureInstalled(Path dir) throws Exception {
        if (Files.isRegularFile(dir.resolve("node_modules").resolve("socket.io-client").resolve("package.json"))) {
            return;
        }
        String npm = executable(WINDOWS ? "npm.cmd" : "npm");
        System.out.println("[NodeClientTest] installing the Node client: npm ci in " + dir);
        Result result = run(List.of(npm, "ci", "--no-audit", "--no-fund"), dir, null, NPM_TIMEOUT_MINUTES);
        if (result.timedOut()) {
            fail("npm ci did not finish within " + NPM_TIMEOUT_MINUTES + " min and was killed; last output:\n"
                 + result.tail());
        }
        assertEquals(0, result.exitCode(), () -> "npm ci failed in " + dir + " (exit code " + result.exitCode()
                                                 + "); last output:\n" + result.tail());
    }

    /** The absolute path of {@code name} on the PATH; fails the test with a clear message when there is none. */
    private static String executable(String name) {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        List<String> candidates = WINDOWS && !name.contains(".") ? List.of(name + ".exe", name + ".cmd") : List.of(name);
        for (String entry : path.split(File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            for (String candidate : candidates) {
                Path file = Path.of(entry, candidate);
                if (Files.isRegularFile(file) && Files.isExecutable(file)) {
                    return file.toString();
                }
            }
        }
        fail("'" + name + "' not found on the PATH; NodeClientTest needs Node.js 20+ with npm "
             + "(install them, e.g. from https://nodejs.org/, and make sure both are on the PATH)");
        throw new AssertionError("unreachable");
    }

    /** Runs {@code command} in {@code dir} with no standard input, copying its output to System.out. */
    private static Result run(List<String> command, Path dir, String serverUrl, long timeoutMinutes) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        builder.environment().put("NO_COLOR", "1");
        if (serverUrl != null) {
            builder.environment().put("SERVER_URL", serverUrl);
        }
        System.out.println("[NodeClientTest] " + String.join(" ", command)
                           + (serverUrl == null ? "" : "  (SERVER_URL=" + serverUrl + ")"));
        Process process = builder.start();
        process.getOutputStream().close();
        Deque<String> tail = new ArrayDeque<>();
        Thread pump = Thread.ofPlatform().daemon().name("node-output").start(() -> copy(process, tail));
        boolean finished = process.waitFor(timeoutMinutes, TimeUnit.MINUTES);
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        pump.join(TimeUnit.SECONDS.toMillis(30));
        synchronized (tail) {
            return new Result(!finished, finished ? process.exitValue() : -1, List.copyOf(tail));
        }
    }

    private static void copy(Process process, Deque<String> tail) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                                                                              StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                System.out.println(line);
                synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > TAIL_LINES) {
                        tail.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            System.out.println("[NodeClientTest] reading the process output failed: " + e);
        }
        System.out.flush();
    }

    private record Result(boolean timedOut, int exitCode, List<String> lines) {
        String tail() {
            return String.join("\n", lines);
        }

        /** The number of tests from the spec reporter's summary ("ℹ tests N"), if it printed one. */
        Optional<Integer> testCount() {
            for (String line : lines) {
                Matcher matcher = TEST_COUNT.matcher(line);
                if (matcher.matches()) {
                    return Optional.of(Integer.parseInt(matcher.group(1)));
                }
            }
            return Optional.empty();
        }
    }
}
