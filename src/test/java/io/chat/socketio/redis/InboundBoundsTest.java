package io.chat.socketio.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.testing.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a server accepts from Redis is bounded: a broadcast larger than {@code maxInboundBytes.message} (here a real
 * node's, 8 KiB against a bound of 4 KiB) is dropped and counted, never delivered; crafted bytes published on a
 * namespace's channels (a MessagePack whose length prefix claims 2 GiB, a byte MessagePack never uses) are ignored
 * and counted; the inbox thread goes on and the next broadcast is delivered.
 */
class InboundBoundsTest {
    private static final int BOUND = 4096;

    @Test
    void oversizedAndMalformedMessagesAreDroppedCountedAndTheNextOneIsDelivered() throws Exception {
        RedisClient forger = null;
        try (RedisServer redis = RedisServer.start("InboundBoundsTest");
                ClusterNode bounded = ClusterNode.start(
                        RedisAdapterConfig.defaults(redis.uri())
                                .withMaxInboundBytes(new RedisAdapterConfig.InboundBytes(BOUND, 16 * BOUND)),
                        ns -> {});
                ClusterNode other = ClusterNode.start(redis.uri());
                Client client = Client.connect(bounded.url(), "/acme", "everyone-message")) {
            forger = RedisClient.create(redis.uri());
            var forging = forger.connect(ByteArrayCodec.INSTANCE).sync();
            String big = "x".repeat(2 * BOUND);
            other.io().of("/acme").emit("everyone-message", big);
            byte[] claims2GiB = HexFormat.of().parseHex("93a5666f726765c67fffffff00");
            assertEquals(2L, forging.publish(bytes("socket.io#/acme#"), claims2GiB), "both nodes listen");
            assertEquals(2L, forging.publish(bytes("socket.io-request#/acme#"), new byte[] {(byte) 0xc1}));
            other.io().of("/acme").emit("everyone-message", "small");

            assertEquals("small", client.next("everyone-message").get(0), "the oversized broadcast is not delivered");
            ClusterStats stats = bounded.cluster().stats();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Client.TIMEOUT_SECONDS);
            while (stats.receivedMalformed() < 2) {
                assertTrue(System.nanoTime() < deadline, stats.toString());
                Thread.sleep(20);
                stats = bounded.cluster().stats();
            }
            System.out.println("[inbound bounds] " + stats);
            assertEquals(1, stats.receivedOversized(), stats.toString());
            assertEquals(1, stats.receivedDropped(), stats.toString());
            assertEquals(2, stats.receivedMalformed(), stats.toString());
            assertEquals(null, client.poll("everyone-message", 200), "nothing else delivered");
            assertEquals(0, other.cluster().stats().receivedOversized(), "the default bound takes 8 KiB");
        } finally {
            if (forger != null) {
                forger.shutdown();
            }
        }
    }

    /**
     * What no node would take is not published either: a broadcast past the bound stays off Redis (counted as
     * dropped). A fetchSockets answer of 40 MB, past Redis's 32 MB output limit for subscribers, made Redis cut every
     * node's subscription, and with it every tenant's cross-node traffic (a review).
     */
    @Test
    void aMessageNoNodeWouldTakeIsNotPublished() throws Exception {
        try (RedisServer redis = RedisServer.start("InboundBoundsTest-out");
                ClusterNode bounded = ClusterNode.start(
                        RedisAdapterConfig.defaults(redis.uri())
                                .withMaxInboundBytes(new RedisAdapterConfig.InboundBytes(BOUND, 16 * BOUND)),
                        ns -> {});
                ClusterNode other = ClusterNode.start(redis.uri());
                Client client = Client.connect(other.url(), "/acme", "everyone-message")) {
            bounded.io().of("/acme").emit("everyone-message", "x".repeat(2 * BOUND));
            bounded.io().of("/acme").emit("everyone-message", "small");

            assertEquals("small", client.next("everyone-message").get(0), "the oversized broadcast is not delivered");
            ClusterStats sent = bounded.cluster().stats();
            assertEquals(1, sent.publishesDropped(), sent.toString());
            assertEquals(0, other.cluster().stats().receivedOversized(), "it never reached Redis");
            assertEquals(null, client.poll("everyone-message", 200), "nothing else delivered");
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
