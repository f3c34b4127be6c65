package io.chat.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.cluster.BucketLeases.Bucket;
import io.chat.socketio.redis.RedisAdapterConfig;
import io.chat.socketio.redis.RedisCluster;
import io.chat.testing.RedisServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two nodes' leases of the same buckets in a real Redis: the buckets' limits hold for both together. */
class BucketLeasesTest {
    private static RedisServer redis;
    private static RedisCluster nodeA;
    private static RedisCluster nodeB;
    private static int buckets;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start("BucketLeasesTest");
        nodeA = RedisCluster.connect(RedisAdapterConfig.defaults(redis.uri()));
        nodeB = RedisCluster.connect(RedisAdapterConfig.defaults(redis.uri()));
    }

    @AfterAll
    static void stop() throws Exception {
        nodeA.close();
        nodeB.close();
        redis.close();
    }

    private static String newKey() {
        return "test" + ClusterPeers.SEPARATOR + ++buckets;
    }

    @Test
    void twoNodesTakingInBurstsGetTheBucketsBurstOnceAndLeaseMoreThanOneAtATime() throws Exception {
        // 2,000 a second and a burst of 400: leases of up to 25 (what it refills in 12.5 ms), valid for 25 ms
        Bucket bucket = new Bucket(newKey(), 2_000, 400);
        assertEquals(25, BucketLeases.mostHeld(bucket));
        BucketLeases onA = new BucketLeases(nodeA);
        BucketLeases onB = new BucketLeases(nodeB);
        long start = System.nanoTime();
        List<CompletableFuture<Boolean>> takes = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            takes.add(onA.take(bucket));
            takes.add(onB.take(bucket));
        }
        int accepted = 0;
        for (CompletableFuture<Boolean> take : takes) {
            accepted += take.get(10, TimeUnit.SECONDS) ? 1 : 0;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long requests = onA.requests() + onB.requests();
        System.out.printf(
                "bucket leases: %d of 1000 taken in %.1f ms (burst 400 + 2,000/s) in %d requests%n",
                accepted, seconds * 1000, requests);
        assertTrue(accepted >= 400 - 2 * 25, accepted + " taken");
        assertTrue(accepted <= 400 + 2_000 * seconds + 1, accepted + " taken in " + seconds + " s");
        assertTrue(requests < accepted / 2, requests + " requests to Redis for " + accepted + " tokens");
    }

    @Test
    void theBucketRefillsOnlyUpToItsBurstLessWhatTheNodesMayStillSpend() throws Exception {
        // the script itself, with a lease time longer than BucketLeases gives (10 s): refilled at 1,000 a second, the
        // bucket of 10 is full again within 10 ms, but 4 tokens leased may still be spent, so it holds 6 at most
        String key = newKey();
        assertEquals(4, lease(key, 1_000, 10, 4, 10_000_000));
        Thread.sleep(50);
        assertEquals(6, lease(key, 1_000, 10, 10, 10_000_000), "the bucket less the 4 a node may hold");
        // with leases of 1 ms, those granted two periods ago are spent or dropped: the whole burst again
        String shortLeases = newKey();
        assertEquals(4, lease(shortLeases, 1_000, 10, 4, 1_000));
        Thread.sleep(50);
        assertEquals(10, lease(shortLeases, 1_000, 10, 20, 1_000));
    }

    private static long lease(String key, int rate, int burst, int want, long validMicros) throws Exception {
        return nodeA.evalInteger(
                        ClusterScripts.LEASE,
                        ClusterPeers.PREFIX,
                        key,
                        Integer.toString(rate),
                        Integer.toString(burst),
                        Integer.toString(want),
                        Long.toString(validMicros))
                .get(10, TimeUnit.SECONDS);
    }

    @Test
    void aMessageTakesFromTheUsersBucketThenTheTenantsAndStopsAtAnEmptyOne() throws Exception {
        BucketLeases leases = new BucketLeases(nodeA);
        Bucket user = new Bucket(newKey(), 1, 2);
        Bucket tenant = new Bucket(newKey(), 1, 3);
        Bucket otherUser = new Bucket(newKey(), 1, 10);
        assertTrue(leases.take(user, tenant).get(10, TimeUnit.SECONDS));
        assertTrue(leases.take(user, tenant).get(10, TimeUnit.SECONDS));
        assertEquals(false, leases.take(user, tenant).get(10, TimeUnit.SECONDS), "the user's bucket is empty");
        // the user's refusal took nothing from the tenant's bucket: one token is left there
        assertTrue(leases.take(otherUser, tenant).get(10, TimeUnit.SECONDS));
        assertEquals(false, leases.take(otherUser, tenant).get(10, TimeUnit.SECONDS), "the tenant's is empty");
    }

    @Test
    void takesWaitingForAnAnswerAreAskedForTogetherInTheNextRequest() throws Exception {
        // refilled at 1 a second, a lease holds 1 token; 10,000 takes at once must not cost 10,000 round trips in turn
        Bucket bucket = new Bucket(newKey(), 1, 1_000_000);
        assertEquals(1, BucketLeases.mostHeld(bucket));
        BucketLeases leases = new BucketLeases(nodeA);
        List<CompletableFuture<Boolean>> takes = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            takes.add(leases.take(bucket));
        }
        for (CompletableFuture<Boolean> take : takes) {
            assertTrue(take.get(30, TimeUnit.SECONDS));
        }
        assertTrue(leases.requests() < 100, leases.requests() + " requests for 10,000 takes");
    }

    @Test
    void aBucketRefilledFasterThanLeasesCanLastIsTakenFromOneTokenATakeAtItsRate() throws Exception {
        // 100,000 a second and a burst of 10: a lease could last 12.5 µs; counting leases as held would keep it at a
        // burst per two leases' time, so it is taken from one token a take, nothing held, as a plain bucket
        Bucket bucket = new Bucket(newKey(), 100_000, 10);
        assertFalse(BucketLeases.leased(bucket));
        BucketLeases leases = new BucketLeases(nodeA);
        long start = System.nanoTime();
        int accepted = 0;
        for (int round = 0; round < 20; round++) {
            List<CompletableFuture<Boolean>> takes = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                takes.add(leases.take(bucket));
            }
            for (CompletableFuture<Boolean> take : takes) {
                accepted += take.get(10, TimeUnit.SECONDS) ? 1 : 0;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        // every call lasts longer than the bucket takes to refill: nearly every take is given one
        assertTrue(accepted >= 1_000, accepted + " of 2,000 taken in " + seconds + " s");
    }

    @Test
    void aChangeOfTheLimitsKeepsWhatTheNodesHoldCounted() throws Exception {
        String key = newKey();
        assertEquals(4, lease(key, 1_000, 10, 4, 10_000_000));
        assertEquals(6, lease(key, 1_000, 10, 10, 10_000_000));
        Thread.sleep(50);
        // new limits, a new lease time: the 10 granted may still be spent, so nothing more yet
        assertEquals(0, lease(key, 1_000, 10, 10, 9_000_000));
    }

    @Test
    void tokensLeasedAndNotSpentInTimeAreNotSpentLater() throws Exception {
        Bucket bucket = new Bucket(newKey(), 1_000, 4_000);
        BucketLeases leases = new BucketLeases(nodeA);
        for (int round = 0; round < 3; round++) {
            List<CompletableFuture<Boolean>> takes = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                takes.add(leases.take(bucket));
            }
            for (CompletableFuture<Boolean> take : takes) {
                assertTrue(take.get(10, TimeUnit.SECONDS));
            }
        }
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(BucketLeases.validNanos(bucket)) + 50);
        long before = leases.requests();
        assertTrue(leases.take(bucket).get(10, TimeUnit.SECONDS));
        assertEquals(before + 1, leases.requests(), "a take past a lease's time asks Redis");
    }
}
