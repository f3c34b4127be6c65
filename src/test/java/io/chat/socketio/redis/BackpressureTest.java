package io.chat.socketio.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.socketio.Namespace;
import io.chat.testing.RedisServer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The outbound queue's policy: past {@code maxPendingPublishes} a broadcast is dropped and counted, never waited for
 * (here while Redis is paused); every broadcast ends up published, dropped or failed; local delivery goes on.
 */
class BackpressureTest {
    private static final int EMITS = 20_000;

    @Test
    void aFullQueueDropsAndCountsAndLocalDeliveryGoesOn() throws Exception {
        try (RedisServer redis = RedisServer.start("BackpressureTest");
                ClusterNode node = ClusterNode.start(
                        RedisAdapterConfig.defaults(redis.uri()).withMaxPendingPublishes(8), ns -> {});
                Client local = Client.connect(node.url(), "/acme", "burst")) {
            local.join("r");
            Namespace acme = node.io().of("/acme");
            // Redis stops answering for a while: publishes in flight wait, the queue of 8 fills up
            assertEquals("+OK", redis.command("CLIENT PAUSE 2000 ALL"));
            for (int i = 0; i < EMITS; i++) {
                assertEquals(1, acme.to("r").emit("burst", i), "delivered locally");
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Client.TIMEOUT_SECONDS);
            ClusterStats stats = node.cluster().stats();
            while (stats.published() + stats.publishesDropped() + stats.publishesFailed() < EMITS) {
                assertTrue(System.nanoTime() < deadline, "publishes unaccounted for: " + stats);
                Thread.sleep(20);
                stats = node.cluster().stats();
            }
            System.out.println("[backpressure] " + EMITS + " emits, queue of 8: " + stats);
            assertTrue(stats.publishesDropped() > 0, "a queue of 8 overflows under " + EMITS + " emits: " + stats);
            assertTrue(stats.published() > 0, stats.toString());
            for (int i = 0; i < EMITS; i++) {
                assertEquals(i, ((Number) local.next("burst").get(0)).intValue());
            }
        }
    }
}
