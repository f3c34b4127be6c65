package io.chat.socketio;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.chat.testing.ExternalProcess;
import io.chat.testing.ExternalProcess.Result;

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
            Result result = ExternalProcess.run("NodeClientTest", command, dir, Map.of("SERVER_URL", server.url()),
                                                NODE_TIMEOUT_MINUTES);
            if (result.timedOut()) {
                fail("node --test did not finish within " + NODE_TIMEOUT_MINUTES + " min and was killed; last output:\n"
                     + result.tail());
            }
            assertEquals(0, result.exitCode(), () -> "node --test failed (exit code " + result.exitCode()
                                                     + "); last output:\n" + result.tail());
            result.count(TEST_COUNT).ifPresent(count -> assertTrue(count > 0, "node --test ran no tests:\n" + result.tail()));
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
        Result result = ExternalProcess.run("NodeClientTest", List.of(npm, "ci", "--no-audit", "--no-fund"), dir,
                                            Map.of(), NPM_TIMEOUT_MINUTES);
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
}
