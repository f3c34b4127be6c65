package io.chat.platform;

import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Direct messages with the official Node client on its default options ({@code src/test/node/direct-messages.chat.mjs}):
 * alice opens one with bob, both write in it, carol (of the same tenant) gets nothing of it and is refused it.
 */
class DirectMessagesNodeTest {
    private static final long NODE_TIMEOUT_MINUTES = 3;

    private PlatformServer server;

    @BeforeEach
    void start() throws Exception {
        server = PlatformServer.start(Files.createTempDirectory("dm-node-tenants"));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aliceAndBobTalkAndCarolSeesNothing() throws Exception {
        String tenant = TestTenants.newId("dmnode");
        TestTenants.passwordTenant(server, tenant, null, "alice", "bob", "carol");
        Map<String, String> env = new HashMap<>();
        env.put("SERVER_URL", server.url());
        env.put("TENANT", tenant);
        for (String user : new String[] {"alice", "bob", "carol"}) {
            env.put("TOKEN_" + user.toUpperCase(java.util.Locale.ROOT), server.login(tenant, user));
        }
        NodeScripts.run("DirectMessagesNodeTest", "direct-messages.chat.mjs", "dm", env, NODE_TIMEOUT_MINUTES);
    }
}
