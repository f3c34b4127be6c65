package io.chat.socketio.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.chat.testing.ExternalProcess;
import io.chat.testing.ExternalProcess.Result;
import io.chat.testing.RedisServer;
import io.chat.testing.TestMachine;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official npm packages judge our adapter's wire compatibility ({@code src/test/node-redis}, pinned by its
 * lockfile, installed with {@code npm ci} when missing): {@code emitter.test.mjs} publishes with
 * {@code @socket.io/redis-emitter} to sockets of our server; {@code adapter.test.mjs} runs a socket.io 4.8 server with
 * {@code @socket.io/redis-adapter} beside ours on the same Redis, broadcasting and requesting both ways. A real
 * {@code redis-server} ({@link RedisServer}) and one {@link ClusterNode} serve both files, run one after the other.
 */
class RedisNodeInteropTest {
    private static final long NODE_TIMEOUT_MINUTES = 5;
    private static final Pattern PASSED = Pattern.compile("^\\S*\\s*pass (\\d+)\\s*$");
    private static final Pattern FAILED = Pattern.compile("^\\S*\\s*fail (\\d+)\\s*$");

    private static RedisServer redis;
    private static ClusterNode ours;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start("RedisNodeInteropTest");
        ours = ClusterNode.start(redis.uri());
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (ours != null) {
                ours.close();
            }
        } finally {
            if (redis != null) {
                redis.close();
            }
        }
    }

    @Test
    void theRedisEmitterReachesOurSockets() throws Exception {
        runNode("emitter.test.mjs", 9, Map.of());
    }

    @Test
    void aNodeServerWithTheRedisAdapterAndOursWorkAsOneCluster() throws Exception {
        runNode("adapter.test.mjs", 12, Map.of());
    }

    /** Node answers our requests on our own response channel ({@code publishOnSpecificResponseChannel}). */
    @Test
    void theSameWhenNodeAnswersOnTheRequestersOwnResponseChannel() throws Exception {
        runNode("adapter.test.mjs", 12, Map.of("SPECIFIC_RESPONSE_CHANNEL", "1"));
    }

    private static Map<String, String> environment(Map<String, String> more) {
        Map<String, String> env = new java.util.HashMap<>(more);
        env.put("JAVA_URL", ours.url());
        env.put("REDIS_URL", redis.uri());
        return env;
    }

    private static void runNode(String file, int tests, Map<String, String> env) throws Exception {
        Path dir = TestMachine.projectDir("src/test/node-redis", "package.json");
        TestMachine.npmInstalled(
                "RedisNodeInteropTest",
                dir,
                "socket.io",
                "socket.io-client",
                "@socket.io/redis-adapter",
                "@socket.io/redis-emitter",
                "redis");
        String node = TestMachine.executable("node", "Node.js 20+ with npm (apt-get install nodejs npm)");
        Result result = ExternalProcess.run(
                "RedisNodeInteropTest",
                List.of(node, "--test", "--test-reporter=spec", "--test-concurrency=1", file),
                dir,
                environment(env),
                NODE_TIMEOUT_MINUTES);
        if (result.timedOut()) {
            fail("node --test " + file + " did not finish in " + NODE_TIMEOUT_MINUTES + " min:\n" + result.tail());
        }
        assertEquals(0, result.exitCode(), () -> "node --test " + file + " failed:\n" + result.tail());
        assertEquals(tests, result.count(PASSED).orElse(-1), () -> "tests passed in " + file + ":\n" + result.tail());
        assertTrue(result.count(FAILED).orElse(0) == 0, result::tail);
    }
}
