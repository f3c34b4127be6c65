package io.chat.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.Settings;
import io.chat.testing.ExternalProcess;
import io.chat.testing.TestMachine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Team chat (remembered rooms, the directory, topics, edits, deletions, reactions) as two users run it on Node's
 * official socket.io-client with its default options, against the platform as users run it, with a restart of the
 * server in the middle: {@code src/test/node/teamchat-client.mjs} does the steps and asks for the restart; this test
 * provisions the users, restarts the server on the same port and data when asked, and reads the script's verdict.
 */
class TeamChatNodeTest {
    private static final String TENANT = "team";
    private static final long NODE_TIMEOUT_MINUTES = 6;

    @Test
    void twoUsersOnTheOfficialNodeClientSeeEveryChangeAcrossAReconnectAndARestart() throws Exception {
        Path dir = TestMachine.projectDir("src/test/node", "package.json");
        TestMachine.npmInstalled("TeamChatNodeTest", dir, "socket.io-client");
        String node = TestMachine.executable("node", "Node.js 20+ (apt-get install nodejs npm)");
        Path control = Files.createTempDirectory("teamchat-control");
        Settings settings = PlatformServer.testSettings();
        PlatformServer server = PlatformServer.start(settings);
        try (ExecutorService runner = Executors.newVirtualThreadPerTaskExecutor()) {
            server.passwordTenant(TENANT, "alice", "bob");
            server.passwordTenant("other", "mallory");
            Map<String, String> env = Map.of(
                    "SERVER_URL", server.url(),
                    "TENANT", TENANT,
                    "ALICE_TOKEN", server.login(TENANT, "alice"),
                    "BOB_TOKEN", server.login(TENANT, "bob"),
                    "OTHER_TOKEN", server.login("other", "mallory"),
                    "ALICE_PASSWORD", PlatformServer.password("alice"),
                    "CONTROL_DIR", control.toString());
            CompletableFuture<ExternalProcess.Result> script = CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            return ExternalProcess.run(
                                    "teamchat", List.of(node, "teamchat-client.mjs"), dir, env, NODE_TIMEOUT_MINUTES);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    },
                    runner);
            // the script asks for the restart once its sockets are in the middle of their work, and waits for it
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(NODE_TIMEOUT_MINUTES);
            while (!Files.exists(control.resolve("restart")) && !script.isDone() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            if (Files.exists(control.resolve("restart"))) {
                int port = server.port();
                server.close();
                // same port, so the clients reconnect by themselves; same tenants folder, so the same data
                server = PlatformServer.start(settings.toBuilder().port(port).build());
                Files.writeString(control.resolve("restarted"), "");
            }
            ExternalProcess.Result result = script.join();
            assertFalse(result.timedOut(), () -> "the script did not finish:\n" + result.tail());
            assertEquals(0, result.exitCode(), () -> "the script failed:\n" + result.tail());
            assertTrue(result.lines().contains("TEAMCHAT-OK"), () -> "the script did not finish:\n" + result.tail());
        } finally {
            server.close();
        }
    }
}
