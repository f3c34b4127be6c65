package io.chat.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chat.socketio.engine.ByteBudget;
import io.chat.socketio.engine.CloseReason;
import io.chat.socketio.engine.EngineListener;
import io.chat.socketio.engine.EngineSession;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** One Engine.IO connection seen by Socket.IO: decodes its packets and multiplexes its namespaces. */
final class Client implements EngineListener {
    private final SocketIoServer server;
    private final EngineSession session;
    /**
     * Its sockets by namespace, replaced whole under this client's lock: null while it is in none, the socket itself
     * while in one (the usual case: a map of one costs an idle socket 32 bytes more, W3), an immutable map while in more.
     * Read through {@link #socket(String)}, {@link #inNamespace()} and {@link #sockets()}.
     */
    private volatile Object sockets;
    /** While the connection is in no namespace; null once it is in one. */
    private volatile ScheduledFuture<?> connectTimeout;

    /** A binary packet waiting for its attachments; changed under this (the reader adds, a timer or a close ends it). */
    private volatile Assembly assembly;
    /** Set once the session ended, under this: a packet that starts to wait for attachments after it holds nothing. */
    private boolean closed;
    /** CONNECTs refused in a row; only the connection's reader thread touches it. */
    private int refusedConnects;

    Client(SocketIoServer server, EngineSession session) {
        this.server = server;
        this.session = session;
        waitForNamespace();
    }

    /**
     * While the connection is in no namespace: small limits (the engine holds at most a few KiB for it), and it is
     * closed unless it connects to one in time.
     */
    private void waitForNamespace() {
        session.restrict(server.config().maxBytesBeforeConnect());
        connectTimeout = server.scheduler()
                .schedule(
                        this::connectTimedOut, server.config().connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    EngineSession session() {
        return session;
    }

    @Override
    public void onMessage(EngineSession engineSession, String text) {
        if (assembling()) {
            // a text packet while attachments are still expected: the client broke the protocol
            session.close(CloseReason.PARSE_ERROR);
            return;
        }
        Packet packet;
        try {
            packet = PacketCodec.decode(text);
        } catch (PacketCodec.ParseException e) {
            session.close(CloseReason.PARSE_ERROR);
            return;
        }
        if (packet.type().isBinary() && packet.attachments() > 0) {
            Socket socket = socket(packet.namespace());
            if (socket == null) {
                // attachments for a namespace this client is not in would be buffered for nobody
                session.close(CloseReason.PARSE_ERROR);
                return;
            }
            startAssembly(
                    packet,
                    Assembly.packetBytes(text, packet),
                    socket.namespace().attachmentBytes());
            return;
        }
        handle(packet);
    }

    @Override
    public void onBinary(EngineSession engineSession, byte[] data) {
        // decided under this client's lock, acted on after it: a close runs the sockets' disconnect, which takes their
        // locks, and a disconnect under way holds its socket's lock while it waits for this one (removeSocket)
        CloseReason refused = null;
        Assembly complete = null;
        synchronized (this) {
            Assembly current = assembly;
            if (current == null) {
                refused = CloseReason.PARSE_ERROR;
            } else if (current.attachmentBytes + data.length
                    > server.config().engine().maxPayload()) {
                // one packet's attachments together stay within the size of one message
                endAssembly();
                refused = CloseReason.PARSE_ERROR;
            } else if (!current.budget.take(data.length)) {
                endAssembly();
                refused = CloseReason.TRANSPORT_ERROR;
            } else {
                current.add(data);
                if (current.attachments.size() == current.packet.attachments()) {
                    endAssembly(); // handed on: its bytes are the handler's now
                    complete = current;
                }
            }
        }
        if (refused != null) {
            session.close(refused);
            return;
        }
        if (complete == null) {
            return;
        }
        Packet packet = complete.packet;
        try {
            JsonNode data2 = PacketCodec.reconstruct(packet.data().orElseThrow(), complete.attachments);
            handle(new Packet(packet.type(), packet.namespace(), packet.ackId(), Optional.of(data2), 0));
        } catch (PacketCodec.ParseException e) {
            session.close(CloseReason.PARSE_ERROR);
        }
    }

    /**
     * A binary packet waiting for its attachments, with what it took from its namespace's part of the server's
     * {@linkplain SocketIoServer#attachmentBytes budget}: a client that announces attachments and sends fewer would
     * otherwise hold the packet, up to the engine's message size and as many per connection, for as long as it answers
     * pings.
     */
    private static final class Assembly {
        /**
         * What a node of a parsed tree holds besides its text, at most: an ObjectNode with its LinkedHashMap and entry
         * ~90 bytes (measured: 4,990 empty objects held ~465 KB), an array's or a number's less.
         */
        static final int NODE_BYTES = 100;

        final Packet packet;
        final List<byte[]> attachments;
        final ByteBudget budget;
        ScheduledFuture<?> deadline;
        /** Taken from the budget: the packet and the attachments so far. */
        long held;

        long attachmentBytes;

        Assembly(Packet packet, long packetBytes, ByteBudget budget) {
            this.packet = packet;
            this.attachments = new ArrayList<>(Math.min(packet.attachments(), 16));
            this.held = packetBytes;
            this.budget = budget;
        }

        /**
         * What the packet holds while it waits: its tree, whose strings and numbers take two bytes a character of the
         * text at most, and each of whose nodes takes {@link #NODE_BYTES} (a text of many small nodes, {@code
         * [{},{},...]}, is a tree ~30 times its size).
         */
        static long packetBytes(String text, Packet packet) {
            return 2L * text.length()
                    + NODE_BYTES * packet.data().map(Assembly::nodes).orElse(0L);
        }

        private static long nodes(JsonNode tree) {
            long count = 0;
            ArrayDeque<JsonNode> pending = new ArrayDeque<>();
            pending.push(tree);
            while (!pending.isEmpty()) {
                JsonNode node = pending.pop();
                count++;
                if (node.isContainerNode()) {
                    node.elements().forEachRemaining(pending::push);
                }
            }
            return count;
        }

        void add(byte[] data) {
            attachments.add(data);
            attachmentBytes += data.length;
            held += data.length;
        }
    }

    private void startAssembly(Packet packet, long packetBytes, ByteBudget budget) {
        if (!budget.take(packetBytes)) {
            session.close(CloseReason.TRANSPORT_ERROR);
            return;
        }
        Assembly started = new Assembly(packet, packetBytes, budget);
        synchronized (this) {
            if (closed) {
                budget.give(packetBytes); // closed meanwhile (a ping timeout, say): nothing to wait for
                return;
            }
            assembly = started;
            try {
                started.deadline = server.scheduler()
                        .schedule(
                                () -> attachmentsTimedOut(started),
                                server.config().attachmentsTimeout().toMillis(),
                                TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                endAssembly(); // the server is stopping
            }
        }
    }

    private boolean assembling() {
        return assembly != null;
    }

    /** Ends the packet being assembled, if any: its bytes go back to the budget, its timer is cancelled. */
    private synchronized void endAssembly() {
        Assembly current = assembly;
        if (current != null) {
            assembly = null;
            if (current.deadline != null) {
                current.deadline.cancel(false);
            }
            current.budget.give(current.held);
        }
    }

    private void attachmentsTimedOut(Assembly timedOut) {
        synchronized (this) {
            if (assembly != timedOut) {
                return; // completed (or ended) meanwhile
            }
            endAssembly();
        }
        // off the timer's one thread: the close runs the sockets' disconnect handlers (presence, rooms, a cluster's
        // publish), as the engine's own closes do
        Thread.startVirtualThread(() -> session.close(CloseReason.PARSE_ERROR));
    }

    @Override
    public void onClose(EngineSession engineSession, CloseReason reason) {
        cancelConnectTimeout();
        synchronized (this) {
            closed = true;
            endAssembly();
        }
        DisconnectReason why = DisconnectReason.of(reason);
        for (Socket socket : sockets()) {
            socket.closed(why);
        }
    }

    private void handle(Packet packet) {
        if (packet.type() == PacketType.CONNECT) {
            connect(packet);
            return;
        }
        Socket socket = socket(packet.namespace());
        if (socket == null) {
            // not connected to that namespace (or just left it): nothing to deliver to
            return;
        }
        switch (packet.type()) {
            case EVENT, BINARY_EVENT -> socket.dispatch(packet);
            case ACK, BINARY_ACK -> socket.acknowledged(packet);
            case DISCONNECT -> socket.closed(DisconnectReason.CLIENT_NAMESPACE_DISCONNECT);
            default -> session.close(CloseReason.PARSE_ERROR);
        }
    }

    private void connect(Packet packet) {
        String name = packet.namespace();
        if (socket(name) != null) {
            return;
        }
        Handshake handshake = Handshake.of(session.handshake(), packet.data().orElseGet(Json.NODES::objectNode));
        // the socket keeps it for life: no larger than what a connection may send before it is in a namespace
        if (handshake.authBytes() > server.config().maxBytesBeforeConnect()) {
            sendConnectError(name, "auth too large", Optional.empty());
            return;
        }
        Optional<Namespace> namespace = server.resolve(name, packet.data());
        if (namespace.isEmpty()) {
            sendConnectError(name, "Invalid namespace", Optional.empty());
            return;
        }
        namespace.get().connect(this, handshake);
    }

    /**
     * Cancels the timer and lets go of it: a connected socket may live for days, and the spent timer (its task and
     * what that holds, about 110 bytes) would stay with it (issue 15).
     */
    private void cancelConnectTimeout() {
        ScheduledFuture<?> timeout = connectTimeout;
        if (timeout != null) {
            connectTimeout = null;
            timeout.cancel(false);
        }
    }

    private void connectTimedOut() {
        if (!inNamespace()) {
            session.close(CloseReason.FORCED_CLOSE);
        }
    }

    /** Synchronized with {@link #removeSocket}: limits and the connect timer follow whether any socket is left. */
    synchronized void addSocket(Socket socket) {
        refusedConnects = 0;
        Map<String, Socket> more = byNamespace();
        more.put(socket.namespace().name(), socket);
        sockets = held(more);
        cancelConnectTimeout();
        session.unrestrict(socket.namespace().messageBytes());
    }

    synchronized void removeSocket(Socket socket) {
        String name = socket.namespace().name();
        if (socket(name) != socket) {
            return;
        }
        Map<String, Socket> fewer = byNamespace();
        fewer.remove(name);
        sockets = held(fewer);
        if (fewer.isEmpty() && session.isOpen()) {
            // in no namespace again (disconnected by the server, or it left): back to the limits of a stranger
            waitForNamespace();
        }
    }

    /** Its socket in namespace {@code name}, or null. */
    private Socket socket(String name) {
        Object held = sockets;
        if (held instanceof Socket one) {
            return one.namespace().name().equals(name) ? one : null;
        }
        @SuppressWarnings("unchecked")
        Map<String, Socket> many = (Map<String, Socket>) held;
        return many == null ? null : many.get(name);
    }

    /** Whether it is in a namespace. */
    private boolean inNamespace() {
        return sockets != null;
    }

    /** Its sockets now. */
    private Collection<Socket> sockets() {
        Object held = sockets;
        if (held instanceof Socket one) {
            return List.of(one);
        }
        @SuppressWarnings("unchecked")
        Map<String, Socket> many = (Map<String, Socket>) held;
        return many == null ? List.of() : many.values();
    }

    /** A modifiable copy of its sockets by namespace (under the lock). */
    private Map<String, Socket> byNamespace() {
        Map<String, Socket> copy = new HashMap<>();
        for (Socket socket : sockets()) {
            copy.put(socket.namespace().name(), socket);
        }
        return copy;
    }

    /** What {@link #sockets} holds for these: null, the one socket, or an immutable map. */
    private static Object held(Map<String, Socket> byNamespace) {
        return switch (byNamespace.size()) {
            case 0 -> null;
            case 1 -> byNamespace.values().iterator().next();
            default -> Map.copyOf(byNamespace);
        };
    }

    void sendConnect(String namespace, String socketId) {
        ObjectNode data = Json.NODES.objectNode();
        data.put("sid", socketId);
        // alone in its write: some clients miss an event that arrives in the same read as this reply
        session.send(PacketCodec.encode(PacketType.CONNECT, namespace, OptionalLong.empty(), Optional.of(data))
                .getFirst()
                .flushedAlone());
    }

    /**
     * Refused CONNECTs in a row after which the connection is closed: each runs a namespace's middleware (a token
     * lookup), and a client guessing tokens on one connection would otherwise cost that for free. A client told
     * {@code unauthorized} or {@code tenant suspended} a few times gets a new connection when it tries again.
     */
    static final int MAX_REFUSED_CONNECTS = 10;

    void sendConnectError(String namespace, String message, Optional<JsonNode> detail) {
        if (++refusedConnects > MAX_REFUSED_CONNECTS) {
            session.close(CloseReason.FORCED_CLOSE);
            return;
        }
        ObjectNode data = Json.NODES.objectNode();
        data.put("message", message);
        detail.ifPresent(d -> data.set("data", d));
        session.send(PacketCodec.encode(PacketType.CONNECT_ERROR, namespace, OptionalLong.empty(), Optional.of(data)));
    }
}
