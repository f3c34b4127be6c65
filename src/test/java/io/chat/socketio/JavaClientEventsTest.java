package io.chat.socketio;

import static io.chat.socketio.JavaClients.await;
import static io.chat.socketio.JavaClients.closeAll;
import static io.chat.socketio.JavaClients.json;
import static io.chat.socketio.JavaClients.string;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.socketio.JavaClients.Mode;
import io.chat.socketio.JavaClients.TestClient;
import io.socket.client.Ack;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import org.json.JSONArray;
import org.json.JSONException;
import org.json.JSONObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Events both ways with the official Java client: acknowledgements, binary, server-side asks, failures. */
@FixtureTest
class JavaClientEventsTest {
    private static FixtureServer server;

    /** The fixture's events plus {@code give-bytes}: binary from the server alone, without any from the client. */
    private static final String BYTES_NAMESPACE = "/bytes-out";

    private static final byte[] SERVER_BYTES = {(byte) 0xca, (byte) 0xfe, 0, 10, 13};

    @BeforeAll
    static void installBytes() {
        Namespace bytes = server.io().of(BYTES_NAMESPACE);
        FixtureServer.install(bytes);
        bytes.on("give-bytes", (socket, args, ack) -> {
            socket.emit("bytes", "event", SERVER_BYTES);
            ack.send("ack", SERVER_BYTES);
        });
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void echoAcknowledgesScalarArguments(Mode mode) {
        TestClient client = null;
        try {
            client = JavaClients.connected(server, "/test", mode);
            Object[] ack = client.call("echo", "hello", 42, true);
            assertEquals(List.of("hello", 42, true), Arrays.asList(ack));
        } finally {
            closeAll(client);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void echoAcknowledgesJsonStructures(Mode mode) throws JSONException {
        TestClient client = null;
        try {
            client = JavaClients.connected(server, "/test", mode);
            JSONObject object = json("name", "zoë ✓", "n", 3, "nested", json("k", "v"));
            JSONArray array = new JSONArray(List.of(1, "two", 3));
            Object[] ack = client.call("echo", object, array);
            assertEquals(2, ack.length);
            JSONObject back = assertInstanceOf(JSONObject.class, ack[0]);
            assertEquals("zoë ✓", back.getString("name"));
            assertEquals(3, back.getInt("n"));
            assertEquals("v", back.getJSONObject("nested").getString("k"));
            JSONArray backArray = assertInstanceOf(JSONArray.class, ack[1]);
            assertEquals(3, backArray.length());
            assertEquals(1, backArray.getInt(0));
            assertEquals("two", backArray.getString(1));
        } finally {
            closeAll(client);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void echoWithoutArgumentsAcknowledgesWithoutArguments(Mode mode) {
        TestClient client = null;
        try {
            client = JavaClients.connected(server, "/test", mode);
            assertEquals(0, client.call("echo").length);
        } finally {
            closeAll(client);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void binaryArgumentComesBackAsBytes(Mode mode) {
        TestClient client = null;
        try {
            client = JavaClients.connected(server, "/test", mode).awaitUpgradeIn(mode);
            byte[] bytes = {0, 1, 2, (byte) 0xfe, (byte) 0xff, 'x'};
            Object[] ack = client.call("echo", "before", bytes, 7);
            assertEquals(3, ack.length, () -> Arrays.toString(ack));
            assertEquals("before", ack[0]);
            assertArrayEquals(bytes, assertInstanceOf(byte[].class, ack[1]));
            assertEquals(7, ack[2]);
        } finally {
            closeAll(client);
        }
    }

    /** Server-to-client binary only (text in, binary out): isolates the direction from client-sent binary. */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void serverSentBinaryArrivesAsBytes(Mode mode) {
        TestClient client = null;
        try {
            client = JavaClients.client(server, BYTES_NAMESPACE, mode);
            CompletableFuture<Object[]> event = new CompletableFuture<>();
            client.socket.on("bytes", args -> event.complete(args));
            client.connect();
            Object[] ack = client.call("give-bytes");
            assertEquals(2, ack.length, () -> Arrays.toString(ack));
            assertEquals("ack", ack[0]);
            assertArrayEquals(SERVER_BYTES, assertInstanceOf(byte[].class, ack[1]));
            Object[] got = await(event, "bytes event");
            assertEquals("event", got[0]);
            assertArrayEquals(SERVER_BYTES, assertInstanceOf(byte[].class, got[1]));
        } finally {
            closeAll(client);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void severalBinaryArgumentsKeepTheirOrder(Mode mode) {
        TestClient client = null;
        try {
            client = JavaClients.connected(server, "/test", mode).awaitUpgradeIn(mode);
            byte[] first = {1, 2, 3};
            byte[] empty = {};
            byte[] second = new byte[4096];
            for (int i = 0; i < second.length; i++) {
                second[i] = (byte) i;
            }
            Object[] ack = client.call("echo", first, empty, second);
            assertEquals(3, ack.length, () -> Arrays.toString(ack));
            assertArrayEquals(first, assertInstanceOf(byte[].class, ack[0]));
            assertArrayEquals(empty, assertInstanceOf(byte[].class, ack[1]));
            assertArrayEquals(second, assertInstanceOf(byte[].class, ack[2]));
        } finally {
            closeAll(client);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void binaryNestedInObjectComesBackAsBytes(Mode mode) throws JSONException {
        TestClient client = null;
        try {
            client = JavaClients.connected(server, "/test", mode).awaitUpgradeIn(mode);
            byte[] bytes = {9, 8, 7};
            JSONObject object =
                    json("label", "file", "content", bytes, "parts", new JSONArray(List.of("a")).put(new byte[] {5}));
            Object[] ack = client.call("echo", object);
            assertEquals(1, ack.length, () -> Arrays.toString(ack));
            JSONObject back = assertInstanceOf(JSONObject.class, ack[0]);
            assertEquals("file", back.getString("label"));
            assertArrayEquals(bytes, assertInstanceOf(byte[].class, back.get("content")));
            JSONArray parts = back.getJSONArray("parts");
            assertEquals("a", parts.getString(0));
            assertArrayEquals(new byte[] {5}, assertInstanceOf(byte[].class, parts.get(1)));
        } finally {
            closeAll(client);
        }
    }

    /**
     * Many emits, a few microseconds apart, so that over polling the client sends POST after POST, each as soon
     * as the previous one was answered; every one is acknowledged, with its own arguments.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void acknowledgementsMatchTheirEmits(Mode mode) {
        TestClient client = null;
        try {
            client = JavaClients.connected(server, "/test", mode);
            int count = 2000;
            List<CompletableFuture<Object[]>> acks = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                CompletableFuture<Object[]> ack = new CompletableFuture<>();
                acks.add(ack);
                client.socket.emit("echo", new Object[] {i}, args -> ack.complete(args));
                LockSupport.parkNanos(100_000);
            }
            for (int i = 0; i < count; i++) {
                assertEquals(List.of(i), Arrays.asList(await(acks.get(i), "ack " + i)));
            }
            CompletableFuture<String> disconnected = client.disconnected;
            assertFalse(disconnected.isDone(), () -> "disconnected: " + disconnected.join());
        } finally {
            closeAll(client);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void serverAsksAndClientAcknowledges(Mode mode) throws JSONException {
        TestClient client = null;
        try {
            client = JavaClients.client(server, "/test", mode);
            CompletableFuture<Object[]> question = new CompletableFuture<>();
            client.socket.on("question", args -> {
                question.complete(args);
                ((Ack) args[args.length - 1]).call("forty-two");
            });
            client.connect();
            Object[] answer = client.call("ask-client", 5000);
            Object[] asked = await(question, "question");
            assertEquals(2, asked.length, () -> Arrays.toString(asked));
            assertEquals(42, asked[0]);
            JSONObject result = assertInstanceOf(JSONObject.class, answer[0]);
            assertEquals("forty-two", result.getString("answer"), result::toString);
        } finally {
            closeAll(client);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void clientAcknowledgesWithBinary(Mode mode) throws JSONException {
        TestClient client = null;
        try {
            client = JavaClients.client(server, "/test", mode);
            byte[] bytes = {4, 2};
            client.socket.on("question", args -> ((Ack) args[args.length - 1]).call((Object) bytes));
            client.connect().awaitUpgradeIn(mode);
            JSONObject result = assertInstanceOf(JSONObject.class, client.call("ask-client", 5000)[0]);
            // the server puts the client's answer into JSON and acks it back: binary survives both ways
            assertArrayEquals(bytes, assertInstanceOf(byte[].class, result.get("answer")), result::toString);
        } finally {
            closeAll(client);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void serverAckTimesOutWhenClientDoesNotAnswer(Mode mode) {
        TestClient client = null;
        try {
            client = JavaClients.connected(server, "/test", mode);
            Object[] answer = client.call("ask-client", 300);
            // the client recorded the question (with its ack function) but never called it
            Object[] asked = client.next("question");
            assertEquals(42, asked[0]);
            assertInstanceOf(Ack.class, asked[asked.length - 1]);
            JSONObject result = assertInstanceOf(JSONObject.class, answer[0]);
            assertEquals("timeout", string(result, "error"));
            assertTrue(client.socket.connected());
            // a late answer to a timed-out question is ignored and the connection stays usable
            ((Ack) asked[asked.length - 1]).call("too late");
            client.barrier();
        } finally {
            closeAll(client);
        }
    }

    /** A zero timeout fires at once: before its ack was registered first, it found nothing and never fired. */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void aZeroTimeoutTimesOutToo(Mode mode) {
        TestClient client = null;
        try {
            client = JavaClients.connected(server, "/test", mode);
            for (int i = 0; i < 20; i++) {
                JSONObject result = assertInstanceOf(JSONObject.class, client.call("ask-client", 0)[0]);
                assertEquals("timeout", string(result, "error"));
            }
            assertTrue(client.socket.connected());
        } finally {
            closeAll(client);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void throwingHandlerDoesNotBreakTheConnection(Mode mode) {
        TestClient client = null;
        try {
            client = JavaClients.connected(server, "/test", mode);
            CompletableFuture<Object[]> neverAcked = new CompletableFuture<>();
            client.socket.emit("throw", new Object[] {"boom"}, args -> neverAcked.complete(args));
            client.emit("throw");
            assertEquals(List.of("still here"), Arrays.asList(client.call("echo", "still here")));
            assertTrue(client.socket.connected());
            assertFalse(client.disconnected.isDone());
            assertFalse(neverAcked.isDone(), "the throwing handler never acks");
        } finally {
            closeAll(client);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void unknownEventIsIgnored(Mode mode) {
        TestClient client = null;
        try {
            client = JavaClients.connected(server, "/test", mode);
            client.emit("no-such-event", 1, "two");
            client.barrier();
            assertTrue(client.socket.connected());
            assertFalse(client.disconnected.isDone());
        } finally {
            closeAll(client);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void largeTextPayloadRoundTrips(Mode mode) {
        TestClient client = null;
        try {
            client = JavaClients.connected(server, "/test", mode);
            String big = "ü".repeat(50_000);
            assertEquals(List.of(big), Arrays.asList(client.call("echo", big)));
        } finally {
            closeAll(client);
        }
    }
}
