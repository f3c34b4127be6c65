package io.chat.platform;

import static io.chat.platform.ChatAssertions.assertError;
import static io.chat.platform.ChatAssertions.assertOk;
import static io.chat.platform.ChatClient.json;
import static io.chat.platform.ChatClient.seqs;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Edits, deletions and reactions in cluster mode: through one node, seen live on the other (the room's broadcast
 * crosses Redis), numbered in one sequence in PostgreSQL whichever node stores them, refused to a non-author there too;
 * and one socket's burst numbered in the order sent, though it waits for the cluster's rate buckets.
 */
class ClusterMessageChangesTest {
    private static TwoNodes cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = TwoNodes.start("cluster_changes");
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void changesThroughOneNodeReachTheOtherAndShareOneSequence() {
        String tenant = cluster.tenant(null, "alice", "bob");
        ChatClient alice = cluster.connect(cluster.a, tenant, "alice");
        ChatClient bob = cluster.connect(cluster.b, tenant, "bob");
        assertOk(alice.join("lobby"));
        assertOk(bob.join("lobby"));
        alice.send("lobby", "helo from A");

        JsonNode edit = assertOk(alice.call("message:edit", json("room", "lobby", "seq", 1, "text", "hello from A")))
                .get("entry");
        assertEquals(edit, bob.awaitEvent("message:edited"));
        JsonNode reaction = assertOk(bob.call("reaction:toggle", json("room", "lobby", "seq", 1, "emoji", "👍")))
                .get("entry");
        assertEquals(3, reaction.get("seq").asLong(), "numbered after node A's edit");
        assertEquals(reaction, alice.awaitEvent("reaction:toggled"));
        assertError(bob.call("message:delete", json("room", "lobby", "seq", 1)), "forbidden");
        JsonNode deletion = assertOk(alice.call("message:delete", json("room", "lobby", "seq", 1)))
                .get("entry");
        assertEquals(deletion, bob.awaitEvent("message:deleted"));

        JsonNode all = assertOk(bob.call("room:join", json("room", "lobby", "since", 0)));
        assertEquals(List.of(1L, 2L, 3L, 4L), seqs(all.get("messages")));
        assertEquals(true, all.get("messages").get(0).get("deleted").asBoolean());
    }

    /**
     * A socket's messages are stored in the order it sent them, also when they wait for the cluster's rate buckets: a
     * burst past what this node holds of the user's bucket waits for Redis's answer, and every take that waited goes
     * on in its turn.
     */
    @Test
    void aBurstFromOneSocketIsStoredInTheOrderItWasSent() {
        String tenant = cluster.tenant("{\"messagesPerSecond\":20,\"messageBurst\":100}", "carol");
        ChatClient carol = cluster.connect(cluster.a, tenant, "carol");
        assertOk(carol.join("burst"));
        List<String> sent = new ArrayList<>();
        List<CompletableFuture<JsonNode>> acks = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            sent.add("m" + i);
            acks.add(carol.request("message:send", json("room", "burst", "text", "m" + i)));
        }
        acks.forEach(ack -> assertOk(ChatClient.await(ack, "a message's ack")));
        JsonNode all = assertOk(carol.call("room:join", json("room", "burst", "since", 0)));
        List<String> stored = new ArrayList<>();
        all.get("messages").forEach(message -> stored.add(message.get("text").asText()));
        assertEquals(sent, stored);
    }
}
