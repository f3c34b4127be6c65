package io.chat.socketio;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The rooms of one namespace and the delivery of its broadcasts, shaped like socket.io's adapter
 * ({@code socket.io-adapter}): sockets join and leave rooms through it, and a broadcast names rooms to reach and rooms
 * to skip. The namespace owns one, made by the server's adapter factory ({@link SocketIoServer#adapter}); the default
 * is {@link InMemoryAdapter}, which reaches this server's sockets. An adapter for several servers keeps the same
 * local rooms and also carries broadcasts to and from the other servers.
 *
 * <p>Every method is called from many threads at once, and none may wait on a socket, the disk or the network:
 * a broadcast encodes its packet once and queues the same bytes to every local recipient.
 */
public interface Adapter {
    /** Adds a socket to rooms (a room exists while it has a socket). */
    void addAll(Socket socket, Set<String> rooms);

    /** Removes a socket from a room. */
    void del(Socket socket, String room);

    /** Removes a socket from every room it is in. */
    void delAll(Socket socket);

    /**
     * Sends a packet of this namespace to the sockets {@code options} select; returns how many of this server's
     * sockets it was queued to.
     */
    int broadcast(Packet packet, BroadcastOptions options);

    /** The rooms a socket of this server is in, empty when none; a view that may change. */
    Set<String> socketRooms(Socket socket);

    /** This server's sockets that {@code options} select. */
    Collection<Socket> fetchSockets(BroadcastOptions options);

    /** Disconnects the sockets {@code options} select; with {@code close}, their whole connections too. */
    void disconnectSockets(BroadcastOptions options, boolean close);

    /** Room name → this server's sockets in it, for the rooms that have any; a view that may change. */
    Map<String, Set<Socket>> rooms();

    /**
     * Completes once broadcasts of other servers to {@code room} reach this server, for a join to wait on before it
     * tells its client (a message sent right after would otherwise miss this server). At once by default: a single
     * server, or an adapter that receives every room's broadcasts. Never fails; only a join waits on it, never a
     * broadcast.
     */
    default CompletableFuture<Void> receiving(String room) {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * The namespace is gone ({@link SocketIoServer#removeNamespace}): an adapter for several servers stops listening
     * for it. Nothing by default.
     */
    default void close() {}
}
