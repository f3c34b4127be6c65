package io.chat.platform;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.json.JSONArray;
import org.json.JSONException;
import org.json.JSONObject;

import io.socket.client.IO;
import io.socket.client.Socket;

/**
 * One official Java Socket.IO client socket (io.socket:socket.io-client) on a tenant namespace, recording every event it receives, with
 * blocking helpers (acks, awaited events) bounded by generous timeouts. Used by the platform's REST, admin,
 * isolation and script tests.
 */
final class SioClient implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** An event received from the server, its first argument as Jackson JSON (null when absent). */
    record Event(String name, JsonNode payload, long nanos) {
    }

    private final String namespace;
    private final Socket socket;
    private final CompletableFuture<Void> connected = new CompletableFuture<>();
    private final CompletableFuture<String> connectError = new CompletableFuture<>();
    private final CompletableFuture<String> disconnected = new CompletableFuture<>();
    private volatile long disconnectedAt;
    private final List<Event> events = new ArrayList<>();

    private SioClient(String url, String namespace, String token, Socket shared) {
        this.namespace = namespace;
        if (shared != null) {
            this.socket = shared;
        } else {
            IO.Options options = new IO.Options();
            options.forceNew = true;
            options.reconnection = false;
            // WebSocket from the start: the polling→WebSocket upgrade has its own test (UpgradeStallTest), and a
            // known stall in it must not make every test here flaky
            options.transports = new String[] {"websocket"};
            options.timeout = TIMEOUT.toMillis();
            options.auth = token == null ? Map.of() : Map.of("token", token);
            this.socket = IO.socket(java.net.URI.create(url + namespace), options);
        }
        socket.on(Socket.EVENT_CONNECT, args -> connected.complete(null));
        socket.on(Socket.EVENT_CONNECT_ERROR, args -> connectError.complete(describe(args)));
        socket.on(Socket.EVENT_DISCONNECT, args -> {
            disconnectedAt = System.nanoTime();
            disconnected.complete(args.length > 0 ? String.valueOf(args[0]) : "");
        });
        socket.onAnyIncoming(args -> {
            synchronized (events) {
                events.add(new Event(String.valueOf(args[0]), args.length > 1 ? jackson(args[1]) : null,
                                     System.nanoTime()));
                events.notifyAll();
            }
        });
    }

    /** Starts connecting; see {@link #awaitConnected()} and {@link #awaitConnectError()}. */
    static SioClient open(String url, String tenant, String token) {
        SioClient client = new SioClient(url, "/" + tenant, token, null);
        client.socket.connect();
        return client;
    }

    /** A connected socket; fails the test when the CONNECT is refused. */
    static SioClient connect(PlatformServer server, String tenant, String token) {
        SioClient client = open(server.url(), tenant, token);
        client.awaitConnected();
        return client;
    }

    /** A second namespace socket multiplexed on this socket's Engine.IO connection (same Manager). */
    SioClient multiplexed(String tenant, String token) {
        IO.Options options = new IO.Options();
        options.auth = Map.of("token", token);
        SioClient client = new SioClient(null, "/" + tenant, token, socket.io().socket("/" + tenant, options));
        client.socket.connect();
        return client;
    }

    private static String describe(Object[] args) {
        if (args.length == 0) {
            return "";
        }
        if (args[0] instanceof JSONObject json) {
            return json.optString("message", json.toString());
        }
        if (args[0] instanceof Exception e) {
            return "transport error: " + e;
        }
        return String.valueOf(args[0]);
    }

    void awaitConnected() {
        try {
            CompletableFuture.anyOf(connected, connectError).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError(namespace + ": no CONNECT within " + TIMEOUT, e);
        }
        if (!connected.isDone()) {
            throw new AssertionError(namespace + ": CONNECT refused: " + connectError.getNow(""));
        }
    }

    /** The CONNECT_ERROR message; fails when the socket connects instead. */
    String awaitConnectError() {
        try {
            CompletableFuture.anyOf(connected, connectError).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError(namespace + ": neither CONNECT nor CONNECT_ERROR within " + TIMEOUT, e);
        }
        if (connected.isDone()) {
            throw new AssertionError(namespace + ": connected, but a CONNECT_ERROR was expected");
        }
        return connectError.getNow("");
    }

    /** The disconnect reason, waiting up to the timeout. */
    String awaitDisconnect(Duration timeout) {
        try {
            return disconnected.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError(namespace + ": not disconnected within " + timeout, e);
        }
    }

    /** When the disconnect was seen ({@link System#nanoTime()}), 0 if not yet. */
    long disconnectedAtNanos() {
        return disconnectedAt;
    }

    boolean isDisconnected() {
        return disconnected.isDone();
    }

    boolean connected() {
        return socket.connected();
    }

    /** Emits an event with an ack callback and returns the ack's first argument. */
    JsonNode call(String event, JsonNode payload) {
        CompletableFuture<Object[]> ack = new CompletableFuture<>();
        socket.emit(event, new Object[] {org(payload)}, ack::complete);
        Object[] args;
        try {
            args = ack.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError(namespace + ": no ack for " + event + " within " + TIMEOUT, e);
        }
        if (args.length == 0 || !(args[0] instanceof JSONObject)) {
            throw new AssertionError(namespace + ": ack of " + event + " is not an object: " + List.of(args));
        }
        return jackson(args[0]);
    }

    /** Emits without an ack. */
    void emit(String event, JsonNode payload) {
        socket.emit(event, org(payload));
    }

    /** {@code room:join}; fails unless the ack is ok. */
    JsonNode join(String room) {
        return ok(call("room:join", obj("room", room)));
    }

    /** {@code message:send}; returns the stored message. */
    JsonNode send(String room, String text) {
        return ok(call("message:send", obj("room", room, "text", text))).get("message");
    }

    /** An ack round trip that reads nothing ({@code rooms:list}): every event sent before it has arrived. */
    void barrier() {
        ok(call("rooms:list", obj()));
    }

    static JsonNode ok(JsonNode ack) {
        if (!ack.path("ok").asBoolean(false)) {
            throw new AssertionError("failure ack: " + ack);
        }
        return ack;
    }

    /** Waits for the first received event of that name whose payload matches. */
    Event await(String name, Predicate<JsonNode> matches) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        synchronized (events) {
            while (true) {
                for (Event event : events) {
                    if (event.name().equals(name) && matches.test(event.payload())) {
                        return event;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError(namespace + ": no '" + name + "' event within " + TIMEOUT
                                                     + "; got " + events);
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(events, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
        }
    }

    Event await(String name) {
        return await(name, payload -> true);
    }

    /** Every event received so far. */
    List<Event> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    List<Event> events(String name) {
        return events().stream().filter(e -> e.name().equals(name)).toList();
    }

    /** A JSON object of alternating keys and values. */
    static ObjectNode obj(Object... keysAndValues) {
        ObjectNode json = MAPPER.createObjectNode();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            json.set((String) keysAndValues[i], MAPPER.valueToTree(keysAndValues[i + 1]));
        }
        return json;
    }

    /** Jackson JSON to the client's org.json. */
    private static Object org(JsonNode node) {
        try {
            if (node.isObject()) {
                return new JSONObject(node.toString());
            }
            if (node.isArray()) {
                return new JSONArray(node.toString());
            }
            return MAPPER.treeToValue(node, Object.class);
        } catch (JSONException | java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The client's org.json to Jackson JSON. */
    private static JsonNode jackson(Object value) {
        if (value == null || value == JSONObject.NULL) {
            return MAPPER.nullNode();
        }
        if (value instanceof JSONObject || value instanceof JSONArray) {
            try {
                return MAPPER.readTree(value.toString());
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException(e);
            }
        }
        return MAPPER.valueToTree(value);
    }

    @Override
    public void close() {
        socket.close();
    }
}
