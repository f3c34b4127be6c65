package io.chat.socketio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.chat.testing.JavaClientEngine;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.json.JSONException;
import org.json.JSONObject;

/**
 * Shared plumbing for the tests that drive {@link FixtureServer} with the official Java client
 * ({@code io.socket:socket.io-client}). Every wait is bounded by {@link #TIMEOUT_SECONDS}; nothing asserts on
 * timing. Client callbacks run on the client's single event thread, so they only complete futures and fill
 * queues; the test thread does the waiting.
 */
final class JavaClients {
    static final long TIMEOUT_SECONDS = 10;

    /** Events of /test (and /private, /dyn-*) that the server emits; each gets its own queue. */
    static final List<String> SERVER_EVENTS =
            List.of("welcome", "room-message", "broadcast-message", "everyone-message", "direct", "question");

    private JavaClients() {}

    /**
     * The client library's own trace (java.util.logging, FINE) of the last few hundred records, printed when a
     * wait fails so that a failure shows which packets went where.
     */
    private static final int TRACE_LINES = 1000;
    /** Per-packet bookkeeping that says nothing the "encoded"/"decoded"/xhr lines do not. */
    private static final java.util.regex.Pattern NOISE = java.util.regex.Pattern.compile(
            "writing packet|encoding packet|emitting packet with ack id|calling ack|xhr poll$|polling$");

    private static final ConcurrentLinkedDeque<String> TRACE = new ConcurrentLinkedDeque<>();
    private static final AtomicInteger TRACE_SIZE = new AtomicInteger();
    private static final Logger CLIENT_LOGGER = Logger.getLogger("io.socket");

    static {
        CLIENT_LOGGER.setLevel(Level.FINE);
        CLIENT_LOGGER.setUseParentHandlers(false);
        CLIENT_LOGGER.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                String message = record.getMessage();
                if (message == null || NOISE.matcher(message).lookingAt()) {
                    return;
                }
                TRACE.addLast(
                        record.getInstant() + " [" + Thread.currentThread().getName() + "] "
                                + record.getLoggerName().replace("io.socket.", "") + " "
                                + message);
                if (TRACE_SIZE.incrementAndGet() > TRACE_LINES && TRACE.pollFirst() != null) {
                    TRACE_SIZE.decrementAndGet();
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        });
    }

    /** Prints the client trace to stderr (surefire keeps it in the test's -output.txt). */
    static void dumpTrace(String why) {
        StringBuilder out = new StringBuilder("---- java client trace before failure: ")
                .append(why)
                .append('\n');
        for (String line : TRACE) {
            out.append(line).append('\n');
        }
        System.err.print(out.append("---- end of trace\n"));
    }

    /** The three transport setups every scenario runs over. */
    enum Mode {
        WEBSOCKET(new String[] {"websocket"}),
        POLLING(new String[] {"polling"}),
        POLLING_UPGRADE(null);

        private final String[] transports;

        Mode(String[] transports) {
            this.transports = transports;
        }

        /** A fresh Manager per client (forceNew), no reconnection so that failures stay visible. */
        IO.Options options(Map<String, String> auth) {
            IO.Options options = new IO.Options();
            options.forceNew = true;
            options.reconnection = false;
            options.timeout = TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS);
            if (transports != null) {
                options.transports = transports;
            }
            if (auth != null) {
                options.auth = auth;
            }
            return options;
        }
    }

    /** A client that is created but not yet connected; call {@link TestClient#connect()} or {@code open()}. */
    static TestClient client(FixtureServer server, String namespace, Mode mode) {
        return client(server, namespace, mode, null);
    }

    static TestClient client(FixtureServer server, String namespace, Mode mode, Map<String, String> auth) {
        Socket socket = IO.socket(URI.create(server.url() + namespace), mode.options(auth));
        return new TestClient(socket);
    }

    /** Creates, connects, and waits for CONNECT and {@code welcome}. */
    static TestClient connected(FixtureServer server, String namespace, Mode mode) {
        return client(server, namespace, mode).connect();
    }

    /** Closes every client given, whatever happened before; nulls are skipped. */
    static void closeAll(TestClient... clients) {
        for (TestClient client : clients) {
            if (client != null) {
                client.close();
            }
        }
    }

    static <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            dumpTrace(what);
            return fail("timed out after " + TIMEOUT_SECONDS + " s waiting for " + what);
        } catch (ExecutionException e) {
            return fail("failed while waiting for " + what, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted while waiting for " + what);
        }
    }

    static String string(JSONObject object, String key) {
        try {
            return object.getString(key);
        } catch (JSONException e) {
            return fail("no string '" + key + "' in " + object);
        }
    }

    static JSONObject object(JSONObject object, String key) {
        try {
            return object.getJSONObject(key);
        } catch (JSONException e) {
            return fail("no object '" + key + "' in " + object);
        }
    }

    static JSONObject json(Object... keyValues) {
        JSONObject object = new JSONObject();
        try {
            for (int i = 0; i < keyValues.length; i += 2) {
                object.put((String) keyValues[i], keyValues[i + 1]);
            }
        } catch (JSONException e) {
            throw new IllegalArgumentException(e);
        }
        return object;
    }

    /** One Java client socket and what it has seen. */
    static final class TestClient implements AutoCloseable {
        final Socket socket;
        final CompletableFuture<String> connected = new CompletableFuture<>();
        final CompletableFuture<Object> connectError = new CompletableFuture<>();
        final CompletableFuture<String> disconnected = new CompletableFuture<>();
        /** Names of the Engine.IO transports the client created, in order (upgrade probes included). */
        final List<String> transports = new CopyOnWriteArrayList<>();
        /** Completes with the new transport's name when the client switched transports (Engine.IO upgrade). */
        final CompletableFuture<String> upgraded = new CompletableFuture<>();

        private final Map<String, LinkedBlockingQueue<Object[]>> received = new ConcurrentHashMap<>();

        TestClient(Socket socket) {
            this.socket = socket;
            socket.on(Socket.EVENT_CONNECT, args -> connected.complete(socket.id()));
            socket.on(Socket.EVENT_CONNECT_ERROR, args -> connectError.complete(args.length > 0 ? args[0] : null));
            socket.on(
                    Socket.EVENT_DISCONNECT,
                    args -> disconnected.complete(args.length > 0 ? String.valueOf(args[0]) : null));
            for (String event : SERVER_EVENTS) {
                socket.on(event, args -> queue(event).add(args));
            }
            JavaClientEngine.watch(socket.io(), transports::add, upgraded::complete);
        }

        /** Connects and waits for CONNECT and the {@code welcome} that carries this socket's id. */
        TestClient connect() {
            open();
            String id = await(connected, "CONNECT");
            Object[] welcome = next("welcome");
            assertInstanceOf(JSONObject.class, welcome[0], "welcome payload");
            assertEquals(id, string((JSONObject) welcome[0], "id"), "welcome carries the socket id");
            return this;
        }

        /**
         * For {@link Mode#POLLING_UPGRADE}, waits until the transport is WebSocket; other modes never upgrade.
         * Binary sent by the client while still polling is covered by {@link Mode#POLLING}.
         */
        TestClient awaitUpgradeIn(Mode mode) {
            if (mode == Mode.POLLING_UPGRADE) {
                assertEquals("websocket", await(upgraded, "upgrade to websocket"));
            }
            return this;
        }

        /** Starts connecting without waiting. */
        TestClient open() {
            socket.connect();
            return this;
        }

        /** The socket id the server gave at CONNECT; unlike {@code socket.id()}, kept after a disconnect. */
        String id() {
            return connected.getNow(null);
        }

        /** Waits for the connect_error payload; fails when the socket connects instead. */
        JSONObject awaitConnectError() {
            CompletableFuture<Object> errorOrConnect = connectError.applyToEither(
                    connected.thenApply(id -> (Object) ("unexpectedly connected as " + id)), v -> v);
            Object payload = await(errorOrConnect, "connect_error");
            assertInstanceOf(JSONObject.class, payload, "connect_error payload");
            return (JSONObject) payload;
        }

        LinkedBlockingQueue<Object[]> queue(String event) {
            return received.computeIfAbsent(event, e -> new LinkedBlockingQueue<>());
        }

        /** The arguments of the next {@code event} received (waiting for it). */
        Object[] next(String event) {
            try {
                Object[] args = queue(event).poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                if (args == null) {
                    dumpTrace("event '" + event + "'");
                    fail("timed out after " + TIMEOUT_SECONDS + " s waiting for event '" + event + "' on "
                            + socket.id());
                }
                return args;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return fail("interrupted");
            }
        }

        /** The first argument of the next {@code event}, checked to be a string. */
        String nextString(String event) {
            Object[] args = next(event);
            assertTrue(args.length >= 1, "event '" + event + "' without argument");
            assertInstanceOf(String.class, args[0], "argument of '" + event + "'");
            return (String) args[0];
        }

        /** Emits with an acknowledgement and waits for it; returns the acknowledgement's arguments. */
        Object[] call(String event, Object... args) {
            CompletableFuture<Object[]> ack = new CompletableFuture<>();
            socket.emit(event, args, ackArgs -> ack.complete(ackArgs));
            return await(ack, "ack of '" + event + "' " + Arrays.toString(args));
        }

        /** Emits without acknowledgement. */
        void emit(String event, Object... args) {
            socket.emit(event, args);
        }

        /**
         * A round trip on this connection: anything the server queued for this client before the barrier's
         * acknowledgement has arrived once this returns (packets of one connection stay in order).
         */
        void barrier() {
            Object[] ack = call("echo", "barrier");
            assertEquals(List.of("barrier"), Arrays.asList(ack), "barrier echo");
        }

        /** After a {@link #barrier()}, asserts that no {@code event} arrived. */
        void assertNothing(String event) {
            barrier();
            List<Object[]> got = new ArrayList<>(queue(event));
            assertTrue(
                    got.isEmpty(),
                    () -> socket.id() + " should not have received '" + event + "' but got "
                            + got.stream().map(Arrays::toString).toList());
        }

        void join(String room) {
            assertEquals(List.of("joined"), Arrays.asList(call("join", room)), "join " + room);
        }

        void leave(String room) {
            assertEquals(List.of("left"), Arrays.asList(call("leave", room)), "leave " + room);
        }

        String awaitDisconnect() {
            String reason = await(disconnected, "disconnect of " + socket.id());
            assertNotNull(reason);
            return reason;
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
