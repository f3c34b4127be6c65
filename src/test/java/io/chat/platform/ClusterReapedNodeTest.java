package io.chat.platform;

import static io.chat.platform.ChatAssertions.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chat.Settings;
import io.chat.testing.PostgresServer;
import io.chat.testing.RedisServer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A node cut off from Redis for longer than the cluster's dead-after period leaves the cluster's set (another node reaps
 * it) while it keeps serving its sockets, which Redis does not count either. A review found that a join of one of its
 * sockets' ids then passed the cluster's check, and once the node was back what was sent to that room reached the
 * socket. This server's socket ids have a form no room name has: refused whatever the cluster can be asked.
 */
class ClusterReapedNodeTest {
    @Test
    void aJoinOfTheSocketIdOfANodeThatLeftTheClustersSetIsRefusedAndNothingReachesTheSocketOnceItIsBack()
            throws Exception {
        PostgresServer postgres = PostgresServer.shared();
        String url = postgres.createDatabase("reaped_" + ProcessHandle.current().pid());
        try (RedisServer redis = RedisServer.start("ClusterReapedNodeTest")) {
            // node B logs in to Redis as a user of its own, which can be switched off alone
            redis.command("ACL SETUSER nodeb on >nodeb-password ~* &* +@all");
            Settings.Cluster a = new Settings.Cluster(url, postgres.ownerUser(), postgres.ownerPassword(), redis.uri());
            Settings.Cluster b = new Settings.Cluster(
                    url,
                    postgres.ownerUser(),
                    postgres.ownerPassword(),
                    "redis://nodeb:nodeb-password@127.0.0.1:" + redis.port());
            try (PlatformServer nodeA = PlatformServer.start(TwoNodes.node(a));
                    PlatformServer nodeB = PlatformServer.start(TwoNodes.node(b))) {
                String tenant = TestTenants.newId("reaped");
                nodeA.passwordTenant(tenant, "alice", "bob");
                TwoNodes.awaitServed(nodeB, tenant, Duration.ofSeconds(30));
                ChatClient alice = ChatClient.open(
                        nodeA.url(), "/" + tenant, ChatClient.defaultOptions(nodeA.login(tenant, "alice")));
                ChatClient bob = ChatClient.open(
                        nodeB.url(), "/" + tenant, ChatClient.defaultOptions(nodeB.login(tenant, "bob")));
                try {
                    alice.awaitConnected();
                    bob.awaitConnected();
                    String bobs = bob.socket().id();

                    redis.command("ACL SETUSER nodeb off");
                    redis.command("CLIENT KILL USER nodeb");
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while (!":1".equals(redis.command("ZCARD chat:cluster:nodes"))) {
                        assertTrue(System.nanoTime() < deadline, "node B was never reaped");
                        Thread.sleep(200);
                    }
                    assertTrue(bob.connected(), "node B still serves its socket");
                    JsonNode join = alice.call("room:join", ChatClient.json("room", bobs));
                    assertError(join, "forbidden");
                    assertEquals(
                            "room not allowed", join.get("error").get("message").asText());

                    redis.command("ACL SETUSER nodeb on");
                    while (!":2".equals(redis.command("ZCARD chat:cluster:nodes"))
                            || redis.subscribers("socket.io#/" + tenant + "#" + bobs + "#") < 1) {
                        assertTrue(System.nanoTime() < deadline, "node B never came back");
                        Thread.sleep(200);
                    }
                    assertError(
                            alice.call("message:send", ChatClient.json("room", bobs, "text", "to bob's socket")),
                            "forbidden");
                    alice.sync();
                    bob.sync();
                    assertTrue(
                            bob.received("message").isEmpty(),
                            bob.received("message").toString());
                } finally {
                    alice.close();
                    bob.close();
                }
            }
        }
    }
}
