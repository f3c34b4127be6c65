package io.chat.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.chat.Peers;
import io.chat.socketio.SocketIoConfig;
import io.chat.socketio.SocketIoServer;
import io.chat.socketio.redis.RedisAdapterConfig;
import io.chat.socketio.redis.RedisCluster;
import io.chat.testing.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A reconciliation of this node's copy racing the counts of users coming and going (a real Redis): what the node
 * holds once both are done is what Redis lists, whichever reached Redis first.
 */
class ReconcileOrderTest {
    private RedisServer redis;
    private RedisCluster connection;
    private ClusterPeers cluster;
    private TenantPeers peers;
    /** This node's users in the lobby, as its chat holds them. */
    private final Set<String> inLobby = ConcurrentHashMap.newKeySet();
    /** Run while the reconciliation reads what this node holds, once. */
    private final AtomicReference<Runnable> whileRead = new AtomicReference<>(() -> {});

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.start("ReconcileOrderTest");
        connection = RedisCluster.connect(RedisAdapterConfig.defaults(redis.uri()));
        // one beat, at the start: the reconciliations here are the test's
        cluster = new ClusterPeers(connection, Duration.ofHours(1), Duration.ofSeconds(10));
        SocketIoServer io = SocketIoServer.create(SocketIoConfig.defaults());
        io.adapter(connection.adapterFactory());
        peers = (TenantPeers) cluster.of(null, io.of("/acme"), new Peers.Departures() {
            @Override
            public void offline(String user) {}

            @Override
            public void left(String room, String user) {}

            @Override
            public Peers.Held held() {
                Peers.Held held = new Peers.Held(Set.of(), Map.of("lobby", Set.copyOf(inLobby)), Map.of());
                whileRead.getAndSet(() -> {}).run();
                return held;
            }
        });
    }

    @AfterEach
    void stop() throws Exception {
        cluster.close();
        connection.close();
        redis.close();
    }

    private List<String> listed() throws Exception {
        return connection
                .evalStrings(ClusterScripts.MEMBERS, ClusterPeers.PREFIX, "/acme", "lobby")
                .get(5, TimeUnit.SECONDS);
    }

    @Test
    void aUserWhoLeavesWhileTheReconciliationReadsIsNotListedAfterIt() throws Exception {
        inLobby.add("alice");
        assertTrue(peers.entered("lobby", "alice").get(5, TimeUnit.SECONDS));
        // Redis knows the scripts by now (a script sent whole after its SHA-1 failed may run after a later call; the
        // beat then reconciles again, RedisCluster.scriptsSentWhole)
        assertTrue(peers.reconcile());
        AtomicReference<CompletableFuture<Boolean>> left = new AtomicReference<>();
        whileRead.set(() -> {
            // read with alice in: she leaves now, her count sent by another thread
            inLobby.remove("alice");
            Thread leaving = Thread.ofVirtual().start(() -> left.set(peers.exited("lobby", "alice")));
            try {
                // before the order, her count reached Redis here, and the reconciliation put her back after it
                leaving.join(Duration.ofMillis(300));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(peers.reconcile());
        while (left.get() == null) {
            Thread.sleep(5);
        }
        assertTrue(left.get().get(5, TimeUnit.SECONDS), "her leave emptied the room for the cluster");
        assertEquals(List.of(), listed());
    }

    @Test
    void aTabsLeaveSentAfterAnotherTabsArrivalLeavesTheUserIn() throws Exception {
        // a page reloaded: the old tab's leave (counted here first) and the new tab's arrival reach Redis the other way
        assertTrue(peers.entered("lobby", "carol").get(5, TimeUnit.SECONDS));
        assertFalse(peers.entered("lobby", "carol").get(5, TimeUnit.SECONDS), "the new tab's arrival: no event");
        assertFalse(peers.exited("lobby", "carol").get(5, TimeUnit.SECONDS), "the old tab's leave: no event");
        assertEquals(List.of("carol"), listed());
    }
}
