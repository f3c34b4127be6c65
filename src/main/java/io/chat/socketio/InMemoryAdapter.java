package io.chat.socketio;

import io.chat.socketio.engine.EnginePacket;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The adapter of a single server (socket.io's in-memory adapter): rooms are two maps, room → sockets and socket →
 * rooms, and a broadcast reaches this server's sockets only.
 */
public final class InMemoryAdapter implements Adapter {
    /** Outbound bytes past which a volatile packet is dropped rather than queued. */
    private static final long VOLATILE_DROP_BYTES = 64 * 1024;

    /** Past this many members a room's set is a concurrent one, changed in place; up to it, a small immutable one. */
    private static final int SMALL_ROOM = 8;

    private final Namespace namespace;
    /**
     * Room to sockets. Every socket is alone in a room of its own and most rooms are small: a room of up to
     * {@link #SMALL_ROOM} sockets is an immutable set, replaced whole on a join or leave (inside {@code compute}, so
     * changes of one room take turns), a larger one a concurrent set, changed in place until the room is empty. A concurrent set of one socket costs an idle
     * socket about 200 bytes; {@code Set.of(socket)}, 24 (W3, docs/performance.md). Either can be iterated while it
     * changes.
     */
    private final ConcurrentHashMap<String, Set<Socket>> rooms = new ConcurrentHashMap<>();
    /** Socket to the rooms it is in (a few): an immutable set, replaced whole inside {@code compute}. */
    private final ConcurrentHashMap<Socket, Set<String>> sids = new ConcurrentHashMap<>();

    public InMemoryAdapter(Namespace namespace) {
        this.namespace = namespace;
    }

    /*
     * A socket's entry in sids and its membership in rooms change together, inside sids' compute for the socket (sids
     * first, then rooms: one lock order), so that a join and a leave of one socket racing on two threads (a handler,
     * the cluster's remote join) leave the two maps agreeing.
     */

    @Override
    public void addAll(Socket socket, Set<String> added) {
        for (String room : added) {
            sids.compute(socket, (s, in) -> {
                if (in != null && in.contains(room)) {
                    return in;
                }
                rooms.compute(room, (name, sockets) -> withMember(sockets, socket));
                return with(in == null ? Set.of() : in, room);
            });
        }
    }

    @Override
    public void del(Socket socket, String room) {
        sids.computeIfPresent(socket, (s, in) -> {
            if (!in.contains(room)) {
                return in;
            }
            leave(room, socket);
            return without(in, room);
        });
    }

    @Override
    public void delAll(Socket socket) {
        sids.computeIfPresent(socket, (s, in) -> {
            for (String room : in) {
                leave(room, socket);
            }
            return null;
        });
    }

    private void leave(String room, Socket socket) {
        rooms.computeIfPresent(room, (name, sockets) -> {
            if (isLarge(sockets)) {
                sockets.remove(socket);
                return sockets.isEmpty() ? null : sockets;
            }
            if (!sockets.contains(socket)) {
                return sockets;
            }
            Set<Socket> rest = without(sockets, socket);
            return rest.isEmpty() ? null : rest;
        });
    }

    private static Set<Socket> withMember(Set<Socket> sockets, Socket socket) {
        if (sockets == null) {
            return Set.of(socket);
        }
        if (isLarge(sockets)) {
            sockets.add(socket);
            return sockets;
        }
        if (sockets.contains(socket)) {
            return sockets;
        }
        if (sockets.size() < SMALL_ROOM) {
            return with(sockets, socket);
        }
        Set<Socket> large = ConcurrentHashMap.newKeySet(2 * SMALL_ROOM);
        large.addAll(sockets);
        large.add(socket);
        return large;
    }

    private static boolean isLarge(Set<Socket> sockets) {
        return sockets instanceof ConcurrentHashMap.KeySetView<?, ?>;
    }

    /** An immutable copy of {@code set} with {@code element} (not in it). */
    @SuppressWarnings("unchecked")
    private static <T> Set<T> with(Set<T> set, T element) {
        Object[] elements = set.toArray(new Object[set.size() + 1]);
        elements[set.size()] = element;
        return (Set<T>) Set.of(elements);
    }

    /** An immutable copy of {@code set} without {@code element} (which is in it). */
    @SuppressWarnings("unchecked")
    private static <T> Set<T> without(Set<T> set, T element) {
        Object[] rest = new Object[set.size() - 1];
        int i = 0;
        for (T each : set) {
            if (!each.equals(element)) {
                rest[i++] = each;
            }
        }
        return (Set<T>) Set.of(rest);
    }

    /**
     * Encodes the packet once and queues the same bytes to every recipient; waits on none of them. A socket whose
     * CONNECT is not sent yet is no recipient: it is in its rooms already (its own one at least) while it connects, and
     * a client must see its CONNECT first (socket.io's server does all of this in one turn of its loop).
     */
    @Override
    public int broadcast(Packet packet, BroadcastOptions options) {
        List<EnginePacket> encoded =
                PacketCodec.encode(packet.type(), packet.namespace(), packet.ackId(), packet.data());
        int queued = 0;
        for (Socket socket : fetchSockets(options)) {
            if (!socket.connected() || (options.volatileEvent() && socket.queuedBytes() > VOLATILE_DROP_BYTES)) {
                continue;
            }
            socket.send(encoded);
            queued++;
        }
        return queued;
    }

    @Override
    public Set<String> socketRooms(Socket socket) {
        Set<String> joined = sids.get(socket);
        return joined == null ? Set.of() : joined;
    }

    @Override
    public Collection<Socket> fetchSockets(BroadcastOptions options) {
        Collection<Socket> candidates = candidates(options.rooms());
        if (options.except().isEmpty()) {
            return candidates;
        }
        Set<Socket> skip = new HashSet<>();
        for (String room : options.except()) {
            skip.addAll(members(room));
        }
        List<Socket> result = new ArrayList<>(candidates.size());
        for (Socket socket : candidates) {
            if (!skip.contains(socket)) {
                result.add(socket);
            }
        }
        return result;
    }

    @Override
    public void disconnectSockets(BroadcastOptions options, boolean close) {
        for (Socket socket : List.copyOf(fetchSockets(options))) {
            socket.disconnect(close);
        }
    }

    @Override
    public Map<String, Set<Socket>> rooms() {
        return Collections.unmodifiableMap(rooms);
    }

    private Collection<Socket> candidates(Set<String> selected) {
        if (selected.isEmpty()) {
            return namespace.sockets();
        }
        if (selected.size() == 1) {
            return members(selected.iterator().next());
        }
        Set<Socket> union = new HashSet<>();
        for (String room : selected) {
            union.addAll(members(room));
        }
        return union;
    }

    private Set<Socket> members(String room) {
        return rooms.getOrDefault(room, Collections.emptySet());
    }
}
