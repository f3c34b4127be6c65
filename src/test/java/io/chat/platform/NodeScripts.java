package io.chat.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.chat.testing.ExternalProcess;
import io.chat.testing.ExternalProcess.Result;
import io.chat.testing.TestMachine;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Runs a {@code node --test} script of {@code src/test/node} against a server, and fails unless its tests passed. */
final class NodeScripts {
    private static final Pattern TEST_COUNT = Pattern.compile("^\\S*\\s*tests (\\d+)\\s*$");

    private NodeScripts() {}

    /** {@code caller} names the test in the output; {@code phase} the run, in failures. */
    static void run(String caller, String script, String phase, Map<String, String> env, long minutes)
            throws Exception {
        Path dir = TestMachine.projectDir("src/test/node", "package.json");
        TestMachine.npmInstalled(caller, dir, "socket.io-client");
        String node = TestMachine.executable("node", "Node.js 20+ with npm (apt-get install nodejs npm)");
        Result result =
                ExternalProcess.run(caller, List.of(node, "--test", "--test-reporter=spec", script), dir, env, minutes);
        if (result.timedOut()) {
            fail("node did not finish within " + minutes + " min; last output:\n" + result.tail());
        }
        assertEquals(0, result.exitCode(), () -> phase + " failed; last output:\n" + result.tail());
        assertTrue(
                result.count(TEST_COUNT).orElse(0) > 0, () -> phase + " ran no tests; last output:\n" + result.tail());
    }
}
