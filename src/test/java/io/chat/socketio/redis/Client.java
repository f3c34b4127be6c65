package io.chat.socketio.redis;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A socket of the official Java client ({@code io.socket:socket.io-client}) on a {@link ClusterNode}, WebSocket only,
 * whose received events are queued per event name. Every wait is bounded.
 */
final class Client implements AutoCloseable {
    static final long TIMEOUT_SECONDS = 15;

    private final Socket socket;
    private final ConcurrentHashMap<String, BlockingQueue<List<Object>>> events = new ConcurrentHashMap<>();

    private Client(Socket socket) {
        this.socket = socket;
    }

    static Client connect(String url, String namespace, String... events) throws Exception {
        IO.Options options = new IO.Options();
        options.transports = new String[] {"websocket"};
        options.forceNew = true;
        options.reconnection = false;
        options.auth = Map.of("user", "java-client");
        Socket socket = IO.socket(URI.create(url + namespace), options);
        Client client = new Client(socket);
        for (String event : events) {
            client.listen(event);
        }
        CompletableFuture<Void> connected = new CompletableFuture<>();
        socket.once(Socket.EVENT_CONNECT, args -> connected.complete(null));
        socket.once(
                Socket.EVENT_CONNECT_ERROR,
                args -> connected.completeExceptionally(new IllegalStateException("connect_error " + List.of(args))));
        socket.connect();
        connected.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return client;
    }

    void listen(String event) {
        BlockingQueue<List<Object>> queue = events.computeIfAbsent(event, e -> new LinkedBlockingQueue<>());
        socket.on(event, args -> queue.add(List.of(args)));
    }

    String id() {
        return socket.id();
    }

    Socket socket() {
        return socket;
    }

    /** The arguments of the next {@code event} (listened to beforehand), failing after the timeout. */
    List<Object> next(String event) throws InterruptedException {
        List<Object> args = events.get(event).poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertTrue(args != null, "no '" + event + "' within " + TIMEOUT_SECONDS + " s");
        return args;
    }

    /** The next {@code event} within {@code millis}, or null. */
    List<Object> poll(String event, long millis) throws InterruptedException {
        return events.get(event).poll(millis, TimeUnit.MILLISECONDS);
    }

    /** Emits with an ack and waits for it. */
    Object[] ask(String event, Object... args) throws Exception {
        CompletableFuture<Object[]> answer = new CompletableFuture<>();
        socket.emit(event, args, (Ack) answer::complete);
        return answer.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    void join(String room) throws Exception {
        ask("join", room);
    }

    boolean connected() {
        return socket.connected();
    }

    @Override
    public void close() {
        socket.disconnect();
        socket.close();
    }
}
