package io.chat.platform;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Read positions with the official Node client on its default options ({@code src/test/node/read-positions.chat.mjs}):
 * two sockets of one user, a read on one reaching the other live, a non-member refused; then a server restart on the
 * same folder, after which a new socket of the user gets the right unread count at CONNECT. Mentions: a user named
 * while offline finds the mention counted in {@code rooms:mine} at his next CONNECT, before and after the restart.
 */
class ReadPositionNodeTest {
    private static final long NODE_TIMEOUT_MINUTES = 3;

    private Path tenants;
    private PlatformServer server;

    @BeforeEach
    void start() throws Exception {
        tenants = Files.createTempDirectory("read-positions-tenants");
        server = PlatformServer.start(tenants);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void readPositionsSyncLiveAndSurviveARestart() throws Exception {
        String tenant = TestTenants.newId("read");
        TestTenants.passwordTenant(server, tenant, null, "alice", "bob", "carol", "dave");
        Map<String, String> env = new HashMap<>();
        env.put("TENANT", tenant);
        env.put("TOKEN_ALICE", server.login(tenant, "alice"));
        env.put("TOKEN_ALICE_2", server.login(tenant, "alice")); // another device: another session
        env.put("TOKEN_BOB", server.login(tenant, "bob"));
        env.put("TOKEN_CAROL", server.login(tenant, "carol"));
        env.put("TOKEN_DAVE", server.login(tenant, "dave"));

        runNode("live", env);
        server.close();
        server = PlatformServer.start(tenants);
        runNode("restarted", env);
    }

    private void runNode(String phase, Map<String, String> base) throws Exception {
        Map<String, String> env = new HashMap<>(base);
        env.put("SERVER_URL", server.url());
        env.put("PHASE", phase);
        NodeScripts.run("ReadPositionNodeTest", "read-positions.chat.mjs", phase, env, NODE_TIMEOUT_MINUTES);
    }
}
