package io.chat.platform;

import static io.chat.platform.ChatAssertions.assertError;
import static io.chat.platform.ChatAssertions.assertOk;
import static io.chat.platform.ChatClient.json;
import static io.chat.platform.ChatClient.seqs;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Edits, deletions and reactions in cluster mode: through one node, seen live on the other (the room's broadcast
 * crosses Redis), numbered in one sequence in PostgreSQL whichever node stores them, refused to a non-author there too.
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
}
