package io.chat.socketio.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.testing.RedisServer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * (d) Redis killed, then started again on the same port: while it is down each server keeps delivering to its own
 * sockets and publishes fail fast (counted, never waited for); afterwards both servers reconnect and subscribe again
 * by themselves (exactly once each) and cross-server delivery resumes.
 */
class RedisOutageTest {
    private static final long RECOVERY_SECONDS = 30;

    @Test
    void localDeliveryGoesOnWhileRedisIsDownAndTheClusterHealsAfterwards() throws Exception {
        try (RedisServer redis = RedisServer.start("RedisOutageTest");
                ClusterNode a = ClusterNode.start(redis.uri());
                ClusterNode b = ClusterNode.start(redis.uri());
                Client onA = Client.connect(a.url(), "/acme", "room-message");
                Client onB = Client.connect(b.url(), "/acme", "room-message")) {
            TwoServersTest.waitForSubscribers(redis, "socket.io-request#/acme#", 2);
            onA.join("r");
            onB.join("r");
            onA.ask("to-room", "r", "before");
            assertEquals("before", onB.next("room-message").get(0));
            assertEquals("before", onA.next("room-message").get(0));

            redis.stop();
            long failedBefore = a.cluster().stats().publishesFailed();
            for (int i = 0; i < 5; i++) {
                onA.ask("to-room", "r", "during " + i);
                assertEquals("during " + i, onA.next("room-message").get(0), "local delivery while Redis is down");
            }
            // the publisher counts a failure once the client gives the publish up (it runs on its own thread, after
            // the local delivery): awaited, not read at once (fresh-clone CI read it before the first was counted)
            long countedBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(RECOVERY_SECONDS);
            while (a.cluster().stats().publishesFailed() <= failedBefore && System.nanoTime() < countedBy) {
                Thread.sleep(20);
            }
            assertTrue(
                    a.cluster().stats().publishesFailed() > failedBefore,
                    "publishes while Redis is down fail and are counted: "
                            + a.cluster().stats());
            // a room first joined while Redis is down: the join is acked anyway (after the requests timeout at most)
            onB.join("joined-while-down");

            redis.start();
            long restarted = System.nanoTime();
            // cross-server delivery resumes by itself: A publishes until B's socket hears it (Redis is at-most-once)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(RECOVERY_SECONDS);
            List<Object> heard = null;
            while (heard == null) {
                assertTrue(
                        System.nanoTime() < deadline,
                        "A's broadcasts never reached B again: " + a.cluster().stats());
                onA.ask("to-room", "r", "after");
                heard = onB.poll("room-message", 250);
            }
            assertEquals("after", heard.get(0));
            System.out.printf(
                    "cross-server delivery back %d ms after Redis restarted; %s%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted),
                    a.cluster().stats());
            // and the other way, published until heard as well: each server's subscriber reconnects on its own, A's
            // may still be on its way back when B's hears (fresh-clone CI: A's came back a second after B's)
            boolean back = false;
            while (!back) {
                assertTrue(
                        System.nanoTime() < deadline,
                        "B's broadcasts never reached A again: " + b.cluster().stats());
                onB.ask("to-room", "r", "back from b");
                // A's own "after" echoes come first; a quiet 250 ms means B's was lost: publish again
                for (List<Object> m = onA.poll("room-message", 250); m != null && !back; ) {
                    back = "back from b".equals(m.get(0));
                    m = back ? null : onA.poll("room-message", 250);
                }
            }
            assertEquals(2, redis.subscribers("socket.io-request#/acme#"), "each server subscribed again, once");
            assertEquals(2, redis.subscribers("socket.io#/acme#r#"), "each server's room channel subscribed again");
            // and its channel is subscribed once Redis is back
            TwoServersTest.waitForSubscribers(redis, "socket.io#/acme#joined-while-down#", 1);
            onA.ask("to-room", "joined-while-down", "to the room joined while down");
            assertEquals("to the room joined while down", next(onB, "to the room joined while down"));
        }
    }

    /** The next room message equal to {@code expected}, skipping the "after" and others queued meanwhile. */
    private static Object next(Client client, String expected) throws InterruptedException {
        while (true) {
            Object message = client.next("room-message").get(0);
            if (expected.equals(message)) {
                return message;
            }
        }
    }
}
