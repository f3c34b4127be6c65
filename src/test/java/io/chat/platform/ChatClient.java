package io.chat.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Manager;
import io.socket.client.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.json.JSONArray;
import org.json.JSONException;
import org.json.JSONObject;

/**
 * One namespace socket of the official Java Socket.IO client ({@code io.socket:socket.io-client}), with what tests
 * need: blocking acks, a record of every event received, and the outcome of CONNECT and the disconnect reason.
 * Listeners run on the client's single event thread, so they only record and complete futures; tests wait on
 * those with {@link #TIMEOUT_SECONDS}.
 */
public final class ChatClient implements AutoCloseable {
    public static final long TIMEOUT_SECONDS = 10;

    /** One server→client event: its name and first argument, as a Jackson node (null when there is none). */
    public record Event(String name, JsonNode payload) {}

    private final Socket socket;
    private final CompletableFuture<Void> connected = new CompletableFuture<>();
    private final CompletableFuture<Object> connectError = new CompletableFuture<>();
    private final CompletableFuture<String> disconnected = new CompletableFuture<>();
    private volatile long disconnectedAt;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final Object signal = new Object();

    private ChatClient(Socket socket) {
        this.socket = socket;
        socket.on(Socket.EVENT_CONNECT, args -> connected.complete(null));
        socket.on(Socket.EVENT_CONNECT_ERROR, args -> connectError.complete(args.length > 0 ? args[0] : null));
        socket.on(Socket.EVENT_DISCONNECT, args -> {
            disconnectedAt = System.nanoTime();
            disconnected.complete(args.length > 0 ? String.valueOf(args[0]) : "");
        });
        socket.onAnyIncoming(args -> {
            events.add(new Event(String.valueOf(args[0]), args.length > 1 ? fromClient(args[1]) : null));
            synchronized (signal) {
                signal.notifyAll();
            }
        });
    }

    /** Options of a client of its own (no multiplexing), websocket only, no reconnection; token may be null. */
    public static IO.Options options(String token) {
        IO.Options options = new IO.Options();
        options.forceNew = true;
        options.multiplex = false;
        options.reconnection = false;
        options.transports = new String[] {"websocket"};
        options.timeout = TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS);
        if (token != null) {
            options.auth = Map.of("token", token);
        }
        return options;
    }

    /**
     * The options people run the client with: long-polling then the upgrade to WebSocket, reconnection on; a
     * client of its own (no multiplexing with other tests' sockets).
     */
    public static IO.Options defaultOptions(String token) {
        IO.Options options = new IO.Options();
        options.forceNew = true;
        options.auth = Map.of("token", token);
        return options;
    }

    /** Starts connecting {@code url + namespace} with the given options; see {@link #awaitConnected()}. */
    public static ChatClient open(String url, String namespace, IO.Options options) {
        ChatClient client = new ChatClient(IO.socket(URI.create(url + namespace), options));
        client.socket.connect();
        return client;
    }

    /**
     * A socket that follows its user's remembered rooms ({@code "rooms":"remembered"}), on the client's default
     * options; waits for CONNECT (the server's {@code rooms:mine} comes next).
     */
    public static ChatClient following(String url, String namespace, String token) {
        IO.Options options = defaultOptions(token);
        options.auth = Map.of("token", token, "rooms", "remembered");
        ChatClient client = open(url, namespace, options);
        client.awaitConnected();
        return client;
    }

    /** A namespace socket of a shared {@link Manager} (one Engine.IO connection for several namespaces). */
    public static ChatClient open(Manager manager, String namespace, String token) {
        Manager.Options options = new Manager.Options();
        options.auth = Map.of("token", token);
        ChatClient client = new ChatClient(manager.socket(namespace, options));
        client.socket.connect();
        return client;
    }

    /** Connects with {@code {"token":token}} and waits for CONNECT; fails on connect_error. */
    public static ChatClient connect(String url, String namespace, String token) {
        ChatClient client = open(url, namespace, options(token));
        try {
            client.awaitConnected();
        } catch (RuntimeException | Error e) {
            client.close();
            throw e;
        }
        return client;
    }

    /** Tries to connect and returns the connect_error's {@code message}; fails if the socket connects instead. */
    public static String connectError(String url, String namespace, IO.Options options) {
        try (ChatClient client = open(url, namespace, options)) {
            return client.awaitConnectError();
        }
    }

    public static String connectError(String url, String namespace, String token) {
        return connectError(url, namespace, options(token));
    }

    public Socket socket() {
        return socket;
    }

    public void awaitConnected() {
        CompletableFuture<Object> either = CompletableFuture.anyOf(connected, connectError);
        Object outcome = await(either, "CONNECT");
        if (connectError.isDone()) {
            throw new AssertionError("connect_error instead of CONNECT: " + outcome);
        }
    }

    /** The message of the connect_error this socket got. */
    public String awaitConnectError() {
        CompletableFuture<Object> either = CompletableFuture.anyOf(connected, connectError);
        await(either, "connect_error");
        if (!connectError.isDone()) {
            throw new AssertionError("connected, but a connect_error was expected");
        }
        Object data = connectError.join();
        if (data instanceof JSONObject) {
            JsonNode node = fromClient(data);
            return node.has("message") ? node.get("message").asText() : node.toString();
        }
        return String.valueOf(data); // not from the server: e.g. the transport failed
    }

    /** The whole connect_error this socket got, as the server sent it: {@code {"message":..., "data":...?}}. */
    public JsonNode awaitConnectErrorBody() {
        CompletableFuture<Object> either = CompletableFuture.anyOf(connected, connectError);
        await(either, "connect_error");
        if (!(connectError.getNow(null) instanceof JSONObject body)) {
            throw new AssertionError("no connect_error from the server: " + either.join());
        }
        return fromClient(body);
    }

    /** The disconnect reason the client reported (e.g. {@code io server disconnect}). */
    public String awaitDisconnect() {
        return await(disconnected, "disconnect");
    }

    public CompletableFuture<String> disconnected() {
        return disconnected;
    }

    public boolean isDisconnected() {
        return disconnected.isDone();
    }

    /** When the disconnect was seen ({@link System#nanoTime()}), 0 if not yet. */
    public long disconnectedAtNanos() {
        return disconnectedAt;
    }

    public boolean connected() {
        return socket.connected() && !disconnected.isDone();
    }

    /** Emits {@code event} with the given arguments and an ack callback; the future gets the ack's arguments. */
    public CompletableFuture<List<JsonNode>> emitWithAck(String event, Object... args) {
        CompletableFuture<List<JsonNode>> ack = new CompletableFuture<>();
        Object[] converted = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            converted[i] = toClient(args[i]);
        }
        socket.emit(event, converted, (Ack) ackArgs -> {
            List<JsonNode> nodes = new ArrayList<>();
            for (Object arg : ackArgs) {
                nodes.add(fromClient(arg));
            }
            ack.complete(nodes);
        });
        return ack;
    }

    /** Emits {@code event} with one payload (a Jackson node, or a raw value) and returns the future ack object. */
    public CompletableFuture<JsonNode> request(String event, Object payload) {
        return emitWithAck(event, payload).thenApply(args -> {
            if (args.size() != 1 || !args.getFirst().isObject()) {
                throw new AssertionError("ack of " + event + " is not one JSON object: " + args);
            }
            return args.getFirst();
        });
    }

    /** Emits {@code event} with one payload and waits for the ack's first argument. */
    public JsonNode call(String event, Object payload) {
        return await(request(event, payload), "ack of " + event);
    }

    /** Emits without an ack callback. */
    public void emit(String event, Object... args) {
        Object[] converted = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            converted[i] = toClient(args[i]);
        }
        socket.emit(event, converted);
    }

    /** A round trip: every event the server queued to this socket before now has been received when it returns. */
    public void sync() {
        JsonNode ack = call("rooms:list", json());
        if (!ack.path("ok").asBoolean()) {
            throw new AssertionError("rooms:list failed: " + ack);
        }
    }

    public JsonNode join(String room) {
        return call("room:join", json("room", room));
    }

    /** Sends a message and returns the ack, failing unless it is a success. */
    public JsonNode send(String room, String text) {
        JsonNode ack = call("message:send", json("room", room, "text", text));
        if (!ack.path("ok").asBoolean()) {
            throw new AssertionError("message:send failed: " + ack);
        }
        return ack.get("message");
    }

    /** Every event received so far. */
    public List<Event> events() {
        return List.copyOf(events);
    }

    /** Every event of that name received so far. */
    public List<Event> events(String name) {
        return events.stream().filter(event -> event.name().equals(name)).toList();
    }

    public List<JsonNode> received(String name) {
        List<JsonNode> result = new ArrayList<>();
        for (Event event : events) {
            if (event.name().equals(name)) {
                result.add(event.payload());
            }
        }
        return result;
    }

    /** Waits for an event of that name whose payload matches (an event received earlier counts). */
    public JsonNode awaitEvent(String name, Predicate<JsonNode> matching) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        synchronized (signal) {
            while (true) {
                for (Event event : events) {
                    if (event.name().equals(name) && event.payload() != null && matching.test(event.payload())) {
                        return event.payload();
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError(
                            "no '" + name + "' event matching within " + TIMEOUT_SECONDS + " s; received: " + events);
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(signal, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
        }
    }

    public JsonNode awaitEvent(String name) {
        return awaitEvent(name, json -> true);
    }

    @Override
    public void close() {
        socket.close();
    }

    // --- JSON: the client speaks org.json (2009, checked exceptions); tests speak Jackson -----------------------

    private static final ObjectMapper JACKSON = new ObjectMapper();

    /** {@code json("room","general","since",5)}: an object from key/value pairs. */
    public static ObjectNode json(Object... keysAndValues) {
        ObjectNode object = JACKSON.createObjectNode();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            object.set((String) keysAndValues[i], JACKSON.valueToTree(keysAndValues[i + 1]));
        }
        return object;
    }

    /** A Jackson node as the client's org.json value; anything else (String, Integer, ...) as it is. */
    static Object toClient(Object value) {
        if (!(value instanceof JsonNode node)) {
            return value;
        }
        try {
            if (node.isObject()) {
                return new JSONObject(node.toString());
            }
            if (node.isArray()) {
                return new JSONArray(node.toString());
            }
            if (node.isNull()) {
                return JSONObject.NULL;
            }
            return JACKSON.treeToValue(node, Object.class);
        } catch (JSONException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The client's org.json value as a Jackson node. */
    static JsonNode fromClient(Object value) {
        if (value == null || value == JSONObject.NULL) {
            return com.fasterxml.jackson.databind.node.NullNode.getInstance();
        }
        if (value instanceof JSONObject || value instanceof JSONArray) {
            try {
                return JACKSON.readTree(value.toString());
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException(e);
            }
        }
        return JACKSON.valueToTree(value);
    }

    public static List<String> strings(JsonNode array) {
        List<String> result = new ArrayList<>();
        array.forEach(node -> result.add(node.asText()));
        return result;
    }

    public static List<Long> seqs(JsonNode messages) {
        List<Long> result = new ArrayList<>();
        messages.forEach(node -> result.add(node.get("seq").asLong()));
        return result;
    }

    public static <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("no " + what + " within " + TIMEOUT_SECONDS + " s");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AssertionError assertion) {
                throw assertion;
            }
            throw new AssertionError(what + " failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
