package io.chat.socketio.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chat.socketio.BroadcastOptions;
import io.chat.testing.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * (c) Two of our servers ({@link ClusterNode}s in this JVM, each with its own Redis connections and uid) on one real
 * Redis: room broadcasts both ways, and each one's cluster requests answered by the other.
 */
class TwoServersTest {
    private static RedisServer redis;
    private static ClusterNode a;
    private static ClusterNode b;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start("TwoServersTest");
        a = ClusterNode.start(redis.uri());
        b = ClusterNode.start(redis.uri());
        waitForSubscribers(redis, "socket.io-request#/acme#", 2);
    }

    @AfterAll
    static void stop() throws Exception {
        try (RedisServer r = redis;
                ClusterNode first = a;
                ClusterNode second = b) {
            // closed in reverse order
        }
    }

    static void waitForSubscribers(RedisServer redis, String channel, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Client.TIMEOUT_SECONDS);
        while (redis.subscribers(channel) != expected) {
            assertTrue(System.nanoTime() < deadline, "never " + expected + " subscribers of " + channel);
            Thread.sleep(20);
        }
    }

    @Test
    void roomBroadcastsCrossBothWaysAndStayInTheirRoomAndNamespace() throws Exception {
        try (Client onA = Client.connect(a.url(), "/acme", "room-message");
                Client onB = Client.connect(b.url(), "/acme", "room-message");
                Client outsider = Client.connect(b.url(), "/acme", "room-message");
                Client otherNamespace = Client.connect(b.url(), "/globex", "room-message")) {
            onA.join("r");
            onB.join("r");
            otherNamespace.join("r");
            onA.ask("to-room", "r", "from a", new byte[] {1, 2});
            List<Object> atB = onB.next("room-message");
            assertEquals("from a", atB.get(0));
            assertArrayEquals(new byte[] {1, 2}, (byte[]) atB.get(1));
            assertEquals("from a", onA.next("room-message").get(0));

            onB.ask("to-room-except", "r", onA.id(), "from b");
            assertEquals("from b", onB.next("room-message").get(0));
            assertNull(onA.poll("room-message", 300), "excepted on the other server");
            assertNull(outsider.poll("room-message", 100), "not in the room");
            assertNull(otherNamespace.poll("room-message", 100), "another namespace");
        }
    }

    @Test
    void fetchJoinLeaveDisconnectAcrossOurServers() throws Exception {
        try (Client onA = Client.connect(a.url(), "/acme");
                Client onB = Client.connect(b.url(), "/acme", "disconnect")) {
            onA.join("team");
            onB.join("team");
            List<SocketSnapshot> found = a.adapter("/acme")
                    .fetchAllSockets(BroadcastOptions.rooms(Set.of("team")))
                    .get(Client.TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertEquals(
                    Set.of(onA.id(), onB.id()),
                    found.stream().map(SocketSnapshot::id).collect(Collectors.toSet()));
            SocketSnapshot remote = found.stream()
                    .filter(s -> s.id().equals(onB.id()))
                    .findFirst()
                    .orElseThrow();
            assertEquals(Set.of("team", onB.id()), remote.rooms());
            assertEquals("java-client", remote.data().path("user").asText());
            assertEquals(
                    "java-client", remote.handshake().path("auth").path("user").asText());

            a.adapter("/acme").socketsJoin(BroadcastOptions.rooms(Set.of("team")), Set.of("stage"));
            waitUntil(() -> b.io().of("/acme").socketsIn("stage").size() == 1);
            assertTrue(b.adapter("/acme").allRooms().get(5, TimeUnit.SECONDS).containsAll(Set.of("stage", onA.id())));
            b.adapter("/acme").socketsLeave(BroadcastOptions.ALL, Set.of("stage"));
            waitUntil(() -> a.io().of("/acme").socketsIn("stage").isEmpty());

            a.adapter("/acme").disconnectAllSockets(BroadcastOptions.rooms(Set.of(onB.id())), false);
            assertEquals("io server disconnect", onB.next("disconnect").get(0));
            assertTrue(onA.connected());
        }
    }

    @Test
    void serverSideEmitsAndBroadcastsWithAcksAreAnsweredByTheOtherServer() throws Exception {
        try (Client onA = Client.connect(a.url(), "/acme", "server-side-hello");
                Client onB = Client.connect(b.url(), "/acme", "server-side-hello")) {
            List<JsonNode> answers = a.adapter("/acme")
                    .serverSideEmitWithAck(Duration.ofSeconds(5), "hello", "from a")
                    .get(Client.TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertEquals(List.of("java"), answers.stream().map(JsonNode::asText).toList());
            assertEquals("from a", onB.next("server-side-hello").get(0));
            assertNull(onA.poll("server-side-hello", 200), "a server does not handle its own server-side emit");

            onA.socket().on("question", args -> ((io.socket.client.Ack) args[args.length - 1]).call("a:" + args[0]));
            onB.socket().on("question", args -> ((io.socket.client.Ack) args[args.length - 1]).call("b:" + args[0]));
            onA.join("quiz");
            onB.join("quiz");
            List<JsonNode> acks = b.adapter("/acme")
                    .broadcastWithAck(BroadcastOptions.rooms(Set.of("quiz")), Duration.ofSeconds(5), "question", 7)
                    .get(Client.TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertEquals(
                    Set.of("a:7", "b:7"), acks.stream().map(JsonNode::asText).collect(Collectors.toSet()));
            assertEquals(
                    List.of(),
                    a.adapter("/acme")
                            .broadcastWithAck(
                                    BroadcastOptions.rooms(Set.of("nobody")), Duration.ofSeconds(5), "question", 1)
                            .get(Client.TIMEOUT_SECONDS, TimeUnit.SECONDS));
        }
    }

    @Test
    void aServerThatDoesNotAnswerInTimeFailsTheRequestWithWhatArrived() throws Exception {
        b.adapter("/globex").onServerSideEmit("slow", (args, ack) -> {
            // never answers
        });
        var failure = a.adapter("/globex").serverSideEmitWithAck(Duration.ofMillis(300), "slow");
        var error = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.ExecutionException.class,
                () -> failure.get(Client.TIMEOUT_SECONDS, TimeUnit.SECONDS));
        assertInstanceOf(ClusterTimeoutException.class, error.getCause());
        assertEquals(List.of(), ((ClusterTimeoutException) error.getCause()).partial());
    }

    @Test
    void aNamespaceSubscribesWhenCreatedAndUnsubscribesWhenRemoved() throws Exception {
        String channel = "socket.io-request#/temp#";
        a.io().of("/temp");
        waitForSubscribers(redis, channel, 1);
        waitForSubscribers(redis, "socket.io#/temp#", 1);
        assertEquals(":0", redis.command("PUBSUB NUMPAT"), "exact channels only, no pattern");
        a.io().removeNamespace("/temp");
        waitForSubscribers(redis, channel, 0);
        waitForSubscribers(redis, "socket.io#/temp#", 0);
        a.io().of("/temp");
        waitForSubscribers(redis, channel, 1);
        a.io().removeNamespace("/temp");
        waitForSubscribers(redis, channel, 0);
    }

    @Test
    void aRoomJoinedOnOneServerGetsTheOtherServersMessageSentRightAfterTheJoin() throws Exception {
        try (Client onB = Client.connect(b.url(), "/acme", "room-message")) {
            io.chat.socketio.Socket atB = b.io().of("/acme").sockets().stream()
                    .filter(socket -> socket.id().equals(onB.id()))
                    .findFirst()
                    .orElseThrow();
            for (int i = 0; i < 30; i++) {
                String room = "fresh-" + i;
                // the join's way: join, wait for the adapter to receive the room, then tell; here A sends at once
                atB.join(room);
                b.adapter("/acme").receiving(room).get(Client.TIMEOUT_SECONDS, TimeUnit.SECONDS);
                assertEquals(1, redis.subscribers("socket.io#/acme#" + room + "#"), "subscribed once receiving");
                a.io().of("/acme").to(room).emit("room-message", "right after the join " + i);
                assertEquals(
                        "right after the join " + i, onB.next("room-message").get(0));
            }
        }
    }

    @Test
    void aServerSubscribesTheChannelsOfItsSocketsRoomsOnly() throws Exception {
        String solo = "socket.io#/acme#solo#";
        try (Client onA = Client.connect(a.url(), "/acme", "room-message");
                Client onB = Client.connect(b.url(), "/acme", "room-message")) {
            String ownOfA = "socket.io#/acme#" + onA.id() + "#";
            waitForSubscribers(redis, ownOfA, 1); // a socket's own room: io.to(id) from any server reaches it
            onA.join("solo");
            assertEquals(1, redis.subscribers(solo), "only the server with a member listens to the room");
            assertEquals("*1", redis.command("PUBSUB CHANNELS " + solo), "the room's channel is listed, once");
            long receivedByB = b.cluster().stats().received();
            onA.ask("to-room", "solo", "only a");
            assertEquals("only a", onA.next("room-message").get(0));
            onB.ask("to-room", onA.id(), "to a's socket");
            assertEquals("to a's socket", onA.next("room-message").get(0));
            assertNull(onB.poll("room-message", 300));
            assertEquals(receivedByB, b.cluster().stats().received(), "B got nothing of a room it has no member in");

            onB.join("solo");
            assertEquals(2, redis.subscribers(solo));
            onB.ask("leave", "solo");
            waitForSubscribers(redis, solo, 1);
            onA.close();
            waitForSubscribers(redis, solo, 0);
            waitForSubscribers(redis, ownOfA, 0);
        }
    }

    static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Client.TIMEOUT_SECONDS);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not met in time");
            Thread.sleep(20);
        }
    }
}
