package io.chat.socketio;

import io.chat.socketio.engine.ByteBudget;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A Socket.IO namespace: its middleware, its handlers, its sockets and rooms. Nothing emitted here reaches
 * another namespace.
 */
public final class Namespace {
    private static final System.Logger LOGGER = System.getLogger(Namespace.class.getName());
    private static final EventHandler IGNORE = (socket, args, ack) -> {};

    private final String name;
    private final SocketIoServer server;
    private final List<Middleware> middleware = new CopyOnWriteArrayList<>();
    private final List<Consumer<Socket>> connectionHandlers = new CopyOnWriteArrayList<>();
    private final List<BiConsumer<Socket, DisconnectReason>> disconnectHandlers = new CopyOnWriteArrayList<>();
    private final List<BiConsumer<Socket, DisconnectReason>> disconnectingHandlers = new CopyOnWriteArrayList<>();
    private final List<Consumer<Socket>> abandonedHandlers = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<String, EventHandler> handlers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Socket> sockets = new ConcurrentHashMap<>();
    /** Set by {@link #remove}: a CONNECT whose middleware was still running then is refused. */
    private volatile boolean removed;

    private final Adapter adapter;
    /**
     * What its connections' binary packets waiting for attachments may hold of the server's budget for them all: a
     * quarter, so that one namespace's clients (a tenant's) cannot take it from every other namespace's.
     */
    private final ByteBudget attachmentBytes;
    /** Likewise, what its connections' messages may hold past their first 8 KiB of the engine's budget for them. */
    private final ByteBudget messageBytes;

    private volatile EventHandler unknownEventHandler = IGNORE;

    Namespace(String name, SocketIoServer server) {
        this.name = name;
        this.server = server;
        this.adapter = server.newAdapter(this);
        this.attachmentBytes = server.attachmentBytes().part(4);
        this.messageBytes = server.engine().unrestrictedMessageBytes().part(4);
    }

    ByteBudget attachmentBytes() {
        return attachmentBytes;
    }

    ByteBudget messageBytes() {
        return messageBytes;
    }

    public String name() {
        return name;
    }

    /** Adds a middleware; they run in the order added, at every connection. */
    public Namespace use(Middleware check) {
        middleware.add(check);
        return this;
    }

    public Namespace onConnection(Consumer<Socket> handler) {
        connectionHandlers.add(handler);
        return this;
    }

    /** Runs after a socket of this namespace disconnected, for whatever reason. */
    public Namespace onDisconnect(BiConsumer<Socket, DisconnectReason> handler) {
        disconnectHandlers.add(handler);
        return this;
    }

    /**
     * Handles an event for every socket of the namespace (a socket's own {@link Socket#on} wins). One handler
     * for all sockets keeps per-socket memory small when sockets are many.
     */
    public Namespace on(String event, EventHandler handler) {
        handlers.put(event, handler);
        return this;
    }

    /**
     * Runs when a socket is about to leave, while it is still in its rooms and in the namespace (Node's
     * {@code disconnecting}); it no longer receives anything.
     */
    public Namespace onDisconnecting(BiConsumer<Socket, DisconnectReason> handler) {
        disconnectingHandlers.add(handler);
        return this;
    }

    /**
     * Runs for a socket that passed every middleware but whose connection closed before it was connected: no
     * connection or disconnect handler runs for it, so what a middleware reserved for it is given back here.
     */
    public Namespace onConnectAbandoned(Consumer<Socket> handler) {
        abandonedHandlers.add(handler);
        return this;
    }

    /** Handles events nobody registered for (by default they are ignored). */
    public Namespace onUnknownEvent(EventHandler handler) {
        unknownEventHandler = handler;
        return this;
    }

    /** Emits to every socket of the namespace; returns how many sockets it was queued to. */
    public int emit(String event, Object... args) {
        return all().emit(event, args);
    }

    public Broadcast to(String... rooms) {
        return all().to(rooms);
    }

    public Broadcast except(String... rooms) {
        return all().except(rooms);
    }

    public Broadcast all() {
        return new Broadcast(this, BroadcastOptions.ALL);
    }

    public Collection<Socket> sockets() {
        return Collections.unmodifiableCollection(sockets.values());
    }

    public int socketCount() {
        return sockets.size();
    }

    public Optional<Socket> socket(String id) {
        return Optional.ofNullable(sockets.get(id));
    }

    /** Room name → number of sockets, for rooms that have any; each socket's own id room is left out. */
    public Map<String, Integer> roomSizes() {
        Map<String, Integer> sizes = new java.util.TreeMap<>();
        adapter.rooms().forEach((room, members) -> {
            int size = members.size();
            if (size > 0 && !sockets.containsKey(room)) {
                sizes.put(room, size);
            }
        });
        return sizes;
    }

    public Set<Socket> socketsIn(String room) {
        return Set.copyOf(adapter.fetchSockets(BroadcastOptions.rooms(Set.of(room))));
    }

    /** Disconnects every socket of the namespace. */
    public void disconnectSockets(boolean closeConnections) {
        all().disconnectSockets(closeConnections);
    }

    SocketIoServer server() {
        return server;
    }

    /** The rooms of this namespace and the delivery of its broadcasts. */
    public Adapter adapter() {
        return adapter;
    }

    EventHandler handler(String event) {
        EventHandler handler = handlers.get(event);
        return handler != null ? handler : unknownEventHandler;
    }

    /**
     * Runs the middleware and, when it passes, connects the socket: CONNECT answered, then connection handlers.
     * @return the socket, or empty when refused (the client has been told why)
     */
    Optional<Socket> connect(Client client, Handshake handshake) {
        Socket socket = new Socket(SocketIds.next(), this, client, handshake);
        try {
            for (Middleware check : middleware) {
                check.check(socket);
            }
        } catch (ConnectRejection rejection) {
            client.sendConnectError(name, rejection.getMessage(), rejection.data());
            return Optional.empty();
        } catch (RuntimeException e) {
            LOGGER.log(System.Logger.Level.WARNING, "middleware failed on namespace " + name, e);
            client.sendConnectError(name, "server error", Optional.empty());
            return Optional.empty();
        }
        if (!client.session().isOpen()) {
            abandoned(socket);
            return Optional.empty();
        }
        sockets.put(socket.id(), socket);
        if (removed) {
            // the namespace went (a tenant deleted) while the middleware ran: remove() may not have seen the
            // socket, so it is refused here (put, then read removed; remove() sets removed, then disconnects)
            sockets.remove(socket.id(), socket);
            abandoned(socket);
            client.sendConnectError(name, "Invalid namespace", Optional.empty());
            return Optional.empty();
        }
        client.addSocket(socket);
        socket.join(socket.id());
        boolean connected = socket.establish(() -> client.sendConnect(name, socket.id()), () -> {
            for (Consumer<Socket> handler : connectionHandlers) {
                Socket.runSafely(() -> handler.accept(socket));
            }
        });
        return connected ? Optional.of(socket) : Optional.empty();
    }

    /** The namespace is gone from its server: its sockets are disconnected and no socket connects any more. */
    void remove() {
        removed = true;
        disconnectSockets(false);
    }

    void removeSocket(Socket socket) {
        sockets.remove(socket.id(), socket);
    }

    /** A socket that passed the middleware ended before it was connected. */
    void abandoned(Socket socket) {
        for (Consumer<Socket> handler : abandonedHandlers) {
            Socket.runSafely(() -> handler.accept(socket));
        }
    }

    void disconnecting(Socket socket, DisconnectReason reason) {
        for (BiConsumer<Socket, DisconnectReason> handler : disconnectingHandlers) {
            Socket.runSafely(() -> handler.accept(socket, reason));
        }
    }

    void disconnected(Socket socket, DisconnectReason reason) {
        for (BiConsumer<Socket, DisconnectReason> handler : disconnectHandlers) {
            Socket.runSafely(() -> handler.accept(socket, reason));
        }
    }

    @Override
    public String toString() {
        return "Namespace[" + name + "]";
    }
}
