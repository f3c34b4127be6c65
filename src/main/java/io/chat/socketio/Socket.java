package io.chat.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.chat.socketio.engine.CloseReason;
import io.chat.socketio.engine.EnginePacket;
import io.chat.socketio.engine.VarHandles;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** One client's presence in one namespace. Many sockets of many namespaces may share one connection. */
public final class Socket {
    private static final System.Logger LOGGER = System.getLogger(Socket.class.getName());

    private final String id;
    private final Namespace namespace;
    private final Client client;
    /**
     * The auth object of its CONNECT as JSON text: with its connection's request, all of its {@link Handshake}, which
     * {@link #handshake()} makes when asked rather than one kept per socket (24 bytes per idle socket, W3).
     */
    private final String authJson;
    // Made by their first use: most sockets of a server never have handlers of their own, a disconnect handler or an
    // ack of their own pending (nor, on a bare engine, data), and an idle socket pays for each empty one (W3,
    // docs/performance.md).
    private volatile ConcurrentHashMap<String, Object> data;
    private volatile ConcurrentHashMap<String, EventHandler> handlers;
    private volatile CopyOnWriteArrayList<Consumer<DisconnectReason>> disconnectHandlers;
    private volatile ConcurrentHashMap<Long, PendingAck> pendingAcks;
    private volatile long nextAckId; // taken through NEXT_ACK_ID
    private volatile boolean disconnected; // set once, through DISCONNECTED
    private volatile boolean connected;
    /**
     * Orders connecting against closing: a revocation (another thread) may find the socket in its namespace before
     * it is connected. Held while the CONNECT is sent and the connection handlers run, and while the socket closes,
     * so the client never hears CONNECT after its DISCONNECT and no disconnect handler runs before the connect
     * handlers.
     */
    private final ReentrantLock lifecycle = new ReentrantLock();

    /** An emit's ack the client has not sent yet; its timer is cancelled when the future completes. */
    private record PendingAck(CompletableFuture<List<JsonNode>> future) {}

    private static final VarHandle DATA = VarHandles.field(MethodHandles.lookup(), "data", ConcurrentHashMap.class);
    private static final VarHandle HANDLERS =
            VarHandles.field(MethodHandles.lookup(), "handlers", ConcurrentHashMap.class);
    private static final VarHandle DISCONNECT_HANDLERS =
            VarHandles.field(MethodHandles.lookup(), "disconnectHandlers", CopyOnWriteArrayList.class);
    private static final VarHandle PENDING_ACKS =
            VarHandles.field(MethodHandles.lookup(), "pendingAcks", ConcurrentHashMap.class);
    private static final VarHandle NEXT_ACK_ID = VarHandles.field(MethodHandles.lookup(), "nextAckId", long.class);
    private static final VarHandle DISCONNECTED =
            VarHandles.field(MethodHandles.lookup(), "disconnected", boolean.class);

    /** The value of the field {@code handle} holds, made by {@code made} and set if it was null (the first wins). */
    @SuppressWarnings("unchecked")
    private <T> T lazily(VarHandle handle, Supplier<T> made) {
        T value = (T) handle.getVolatile(this);
        if (value == null) {
            T fresh = made.get();
            value = (T) handle.compareAndExchange(this, null, fresh);
            if (value == null) {
                value = fresh;
            }
        }
        return value;
    }

    private ConcurrentHashMap<Long, PendingAck> pendingAcks() {
        return lazily(PENDING_ACKS, () -> new ConcurrentHashMap<>(2));
    }

    Socket(String id, Namespace namespace, Client client, Handshake handshake) {
        this.id = id;
        this.namespace = namespace;
        this.client = client;
        // the handshake's request is the connection's (Client.connect), which handshake() asks for again
        this.authJson = handshake == null ? null : handshake.authJson();
    }

    public String id() {
        return id;
    }

    public Namespace namespace() {
        return namespace;
    }

    /** What it knew when it connected; an equal one at each call. */
    public Handshake handshake() {
        return Handshake.ofJson(client.session().handshake(), authJson);
    }

    /** Application state of this socket (e.g. the authenticated user), set by middleware or handlers. */
    public ConcurrentHashMap<String, Object> data() {
        // sized for the few entries a socket has (the platform's: its user, quota place, work queue): a table of 8
        return lazily(DATA, () -> new ConcurrentHashMap<>(4));
    }

    public boolean connected() {
        return connected && !disconnected;
    }

    /** The rooms this socket is in. */
    public Set<String> rooms() {
        return Set.copyOf(namespace.adapter().socketRooms(this));
    }

    public boolean inRoom(String room) {
        return namespace.adapter().socketRooms(this).contains(room);
    }

    /** The id of the underlying Engine.IO connection, shared by this client's sockets of other namespaces. */
    public String connectionId() {
        return client.session().id();
    }

    /** {@code polling} or {@code websocket}. */
    public String transport() {
        return client.session().transportName();
    }

    /** Registers the handler of one event for this socket (it takes precedence over the namespace's). */
    public void on(String event, EventHandler handler) {
        this.<ConcurrentHashMap<String, EventHandler>>lazily(HANDLERS, () -> new ConcurrentHashMap<>(4))
                .put(event, handler);
    }

    public void onDisconnect(Consumer<DisconnectReason> handler) {
        this.<CopyOnWriteArrayList<Consumer<DisconnectReason>>>lazily(DISCONNECT_HANDLERS, CopyOnWriteArrayList::new)
                .add(handler);
    }

    /** Joins a room; a closed socket joins nothing (a handler may still run while another thread closes it). */
    public void join(String room) {
        lifecycle.lock();
        try {
            if (!disconnected) {
                namespace.adapter().addAll(this, Set.of(room));
            }
        } finally {
            lifecycle.unlock();
        }
    }

    public void leave(String room) {
        namespace.adapter().del(this, room);
    }

    /** Sends an event to this socket only. */
    public void emit(String event, Object... args) {
        send(PacketCodec.encode(
                PacketType.EVENT, namespace.name(), OptionalLong.empty(), Optional.of(Events.payload(event, args))));
    }

    /**
     * Sends an event and waits for the client's acknowledgement; the future fails with a
     * {@link TimeoutException} after {@code timeout}, or when the socket disconnects first.
     */
    public CompletableFuture<List<JsonNode>> emitWithAck(Duration timeout, String event, Object... args) {
        ArrayNode payload = Events.payload(event, args);
        long ackId = (long) NEXT_ACK_ID.getAndAdd(this, 1L);
        CompletableFuture<List<JsonNode>> future = new CompletableFuture<>();
        // registered before its timer is set: a timer that fires at once (a zero timeout) finds it
        pendingAcks().put(ackId, new PendingAck(future));
        ScheduledFuture<?> timer;
        try {
            timer = namespace
                    .server()
                    .scheduler()
                    .schedule(
                            () -> {
                                PendingAck pending = pendingAcks().remove(ackId);
                                if (pending != null) {
                                    pending.future()
                                            .completeExceptionally(new TimeoutException("operation has timed out"));
                                }
                            },
                            timeout.toMillis(),
                            TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            pendingAcks().remove(ackId);
            future.completeExceptionally(new TimeoutException("server is shutting down"));
            return future;
        }
        future.whenComplete((answer, error) -> timer.cancel(false));
        if (!connected()) {
            failPendingAcks();
        } else {
            send(PacketCodec.encode(PacketType.EVENT, namespace.name(), OptionalLong.of(ackId), Optional.of(payload)));
        }
        return future;
    }

    /** Everyone in these rooms but this socket. */
    public Broadcast to(String... rooms) {
        return broadcast().to(rooms);
    }

    /** Everyone in the namespace but this socket. */
    public Broadcast broadcast() {
        return new Broadcast(namespace, new BroadcastOptions(Set.of(), Set.of(id), false));
    }

    /**
     * Disconnects this socket from its namespace; with {@code closeConnection}, the whole underlying
     * connection (and so this client's sockets in other namespaces) closes too.
     */
    public void disconnect(boolean closeConnection) {
        lifecycle.lock();
        try {
            boolean wasConnected = connected();
            // closed first, so that the reason is ours even if the client drops the connection on receiving it
            closed(DisconnectReason.SERVER_NAMESPACE_DISCONNECT);
            if (wasConnected) {
                sendDisconnect();
            }
        } finally {
            lifecycle.unlock();
        }
        if (closeConnection) {
            client.session().close(CloseReason.FORCED_CLOSE);
        }
    }

    void send(List<EnginePacket> packets) {
        client.session().send(packets);
    }

    /** Queued outbound bytes of the connection, for callers that may drop volatile events. */
    long queuedBytes() {
        return client.session().queuedBytes();
    }

    /** Bytes this socket's connection may still queue before it is closed for a full queue (0 when none). */
    public long outboundRoom() {
        return client.session().queueRoom();
    }

    private void sendDisconnect() {
        send(PacketCodec.encode(PacketType.DISCONNECT, namespace.name(), OptionalLong.empty(), Optional.empty()));
    }

    /**
     * Connects the socket, registered in its namespace already: {@code sendConnect} then {@code onConnected}, unless
     * it closed in the meantime (revoked, its connection lost). A socket disconnected by the server in that gap is
     * answered CONNECT then DISCONNECT, what the client would have heard had the disconnect come a moment later.
     * @return whether the socket is connected
     */
    boolean establish(Runnable sendConnect, Runnable onConnected) {
        lifecycle.lock();
        try {
            if (!disconnected && !client.session().isOpen()) {
                // the connection closed before the socket was in the client's list, so nothing closed the socket
                closed(DisconnectReason.TRANSPORT_CLOSE);
            }
            if (disconnected) {
                if (client.session().isOpen()) {
                    sendConnect.run();
                    sendDisconnect();
                }
                return false;
            }
            sendConnect.run();
            connected = true; // after: a broadcast that finds it connected is queued behind the CONNECT
            onConnected.run();
            return true;
        } finally {
            lifecycle.unlock();
        }
    }

    void dispatch(Packet packet) {
        ArrayNode payload = (ArrayNode) packet.data().orElseThrow();
        String event = payload.get(0).asText();
        List<JsonNode> args = new ArrayList<>(payload.size() - 1);
        for (int i = 1; i < payload.size(); i++) {
            args.add(payload.get(i));
        }
        Ack ack = packet.ackId().isPresent() ? new ClientAck(packet.ackId().getAsLong()) : NoAck.INSTANCE;
        ConcurrentHashMap<String, EventHandler> own = handlers;
        EventHandler handler = own == null ? null : own.get(event);
        if (handler == null) {
            handler = namespace.handler(event);
        }
        try {
            handler.handle(this, args, ack);
        } catch (RuntimeException e) {
            LOGGER.log(System.Logger.Level.WARNING, "handler of event failed on namespace " + namespace.name(), e);
        }
    }

    void acknowledged(Packet packet) {
        ConcurrentHashMap<Long, PendingAck> pendingAcks = this.pendingAcks;
        PendingAck pending =
                pendingAcks == null ? null : pendingAcks.remove(packet.ackId().orElseThrow());
        if (pending == null) {
            return;
        }
        List<JsonNode> args = new ArrayList<>();
        packet.data().ifPresent(node -> node.forEach(args::add));
        pending.future().complete(args);
    }

    /** Leaves the namespace and every room; runs the disconnect handlers once. */
    void closed(DisconnectReason reason) {
        lifecycle.lock();
        try {
            close(reason);
        } finally {
            lifecycle.unlock();
        }
    }

    private void close(DisconnectReason reason) {
        if (!DISCONNECTED.compareAndSet(this, false, true)) {
            return;
        }
        boolean wasConnected = connected;
        connected = false;
        if (wasConnected) {
            // like Node's "disconnecting": the socket is still in its rooms, so handlers can tell them
            namespace.disconnecting(this, reason);
        }
        // whatever the adapter does (a cluster's adapter publishes too), the socket's cleanup below must run
        runSafely(() -> namespace.adapter().delAll(this));
        namespace.removeSocket(this);
        client.removeSocket(this);
        failPendingAcks();
        if (!wasConnected) {
            namespace.abandoned(this);
            return;
        }
        List<Consumer<DisconnectReason>> onDisconnect = disconnectHandlers;
        for (Consumer<DisconnectReason> handler :
                onDisconnect == null ? List.<Consumer<DisconnectReason>>of() : onDisconnect) {
            runSafely(() -> handler.accept(reason));
        }
        namespace.disconnected(this, reason);
    }

    private void failPendingAcks() {
        ConcurrentHashMap<Long, PendingAck> pendingAcks = this.pendingAcks;
        if (pendingAcks == null) {
            return;
        }
        for (Long key : List.copyOf(pendingAcks.keySet())) {
            PendingAck pending = pendingAcks.remove(key);
            if (pending != null) {
                pending.future().completeExceptionally(new TimeoutException("socket has been disconnected"));
            }
        }
    }

    static void runSafely(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOGGER.log(System.Logger.Level.WARNING, "socket.io handler failed", e);
        }
    }

    private final class ClientAck implements Ack {
        private final long ackId;
        private final AtomicBoolean sent = new AtomicBoolean();

        ClientAck(long ackId) {
            this.ackId = ackId;
        }

        @Override
        public boolean requested() {
            return true;
        }

        @Override
        public void send(Object... args) {
            if (sent.compareAndSet(false, true) && connected()) {
                Socket.this.send(PacketCodec.encode(
                        PacketType.ACK,
                        namespace.name(),
                        OptionalLong.of(ackId),
                        Optional.of(Events.arguments(Arrays.asList(args)))));
            }
        }
    }

    private enum NoAck implements Ack {
        INSTANCE;

        @Override
        public boolean requested() {
            return false;
        }

        @Override
        public void send(Object... args) {
            // the client did not ask for an acknowledgement
        }
    }

    @Override
    public String toString() {
        return "Socket[" + id + " " + namespace.name() + "]";
    }
}
