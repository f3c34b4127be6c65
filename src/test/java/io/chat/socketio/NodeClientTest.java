package io.chat.socketio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.chat.testing.ExternalProcess;
import io.chat.testing.ExternalProcess.Result;
import io.chat.testing.TestMachine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs the official Node.js client ({@code socket.io-client}, pinned in {@code src/test/node/package.json}) against
 * a {@link FixtureServer}: {@code node --test} over {@code src/test/node/*.test.mjs}, with the server URL in the
 * environment variable {@code SERVER_URL}. Installs the client with {@code npm ci} first when
 * {@code src/test/node/node_modules} lacks it. Needs {@code node} (20 or newer) and {@code npm} on the PATH.
 * The Node output is copied to this test's standard output.
 */
class NodeClientTest {
    private static final long NODE_TIMEOUT_MINUTES = 5;
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
            Result result = ExternalProcess.run(
                    "NodeClientTest", command, dir, Map.of("SERVER_URL", server.url()), NODE_TIMEOUT_MINUTES);
            if (result.timedOut()) {
                fail("node --test did not finish within " + NODE_TIMEOUT_MINUTES + " min and was killed; last output:\n"
                        + result.tail());
            }
            assertEquals(
                    0,
                    result.exitCode(),
                    () -> "node --test failed (exit code " + result.exitCode() + "); last output:\n" + result.tail());
            result.count(TEST_COUNT)
                    .ifPresent(count -> assertTrue(count > 0, "node --test ran no tests:\n" + result.tail()));
        }
    }

    private static Path nodeProjectDir() {
        return TestMachine.projectDir("src/test/node", "package.json");
    }

    private static void ensureInstalled(Path dir) throws Exception {
        TestMachine.npmInstalled("NodeClientTest", dir, "socket.io-client");
    }

    private static String executable(String name) {
        return TestMachine.executable(name, "Node.js 20+ with npm (apt-get install nodejs npm)");
    }
}
