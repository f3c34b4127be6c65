package io.chat.socketio;

import io.chat.socketio.engine.EnginePacket;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
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
     * Room to sockets. Every socket is alone in a room of its own and most rooms are small: a room of one socket holds
     * the socket itself, a room of up to {@link #SMALL_ROOM} sockets an immutable set, replaced whole on a join or
     * leave (inside {@code compute}, so changes of one room take turns), a larger one a concurrent set, changed in
     * place until the room is empty. A concurrent set of one socket costs an idle socket about 200 bytes; {@code
     * Set.of(socket)}, 24; the socket itself, nothing (W3, docs/performance.md). Each can be iterated while it changes.
     * Read as a set through {@link #asSet}.
     */
    private final ConcurrentHashMap<String, Object> rooms = new ConcurrentHashMap<>();
    /**
     * Socket to the rooms it is in (a few): the room's name itself while it is in one (its own, usually: no set of its
     * own per idle socket, W3), else an immutable set, replaced whole inside {@code compute}. Read through {@link
     * #roomsOf}.
     */
    private final ConcurrentHashMap<Socket, Object> sids = new ConcurrentHashMap<>();
    /** {@link #rooms}, each room's sockets as a set, unmodifiable. */
    private final Map<String, Set<Socket>> roomsView = new RoomsView();

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
            sids.compute(socket, (s, held) -> {
                Set<String> in = roomsOf(held);
                if (in.contains(room)) {
                    return held;
                }
                rooms.compute(room, (name, sockets) -> withMember(sockets, socket));
                return packed(with(in, room));
            });
        }
    }

    @Override
    public void del(Socket socket, String room) {
        sids.computeIfPresent(socket, (s, held) -> {
            Set<String> in = roomsOf(held);
            if (!in.contains(room)) {
                return held;
            }
            leave(room, socket);
            return packed(without(in, room));
        });
    }

    @Override
    public void delAll(Socket socket) {
        sids.computeIfPresent(socket, (s, held) -> {
            for (String room : roomsOf(held)) {
                leave(room, socket);
            }
            return null;
        });
    }

    private void leave(String room, Socket socket) {
        rooms.computeIfPresent(room, (name, held) -> {
            Set<Socket> sockets = asSet(held);
            if (isLarge(sockets)) {
                sockets.remove(socket);
                return sockets.isEmpty() ? null : sockets;
            }
            if (!sockets.contains(socket)) {
                return held;
            }
            Set<Socket> rest = without(sockets, socket);
            return rest.isEmpty() ? null : packed(rest);
        });
    }

    private static Object withMember(Object held, Socket socket) {
        if (held == null) {
            return socket;
        }
        Set<Socket> sockets = asSet(held);
        if (isLarge(sockets)) {
            sockets.add(socket);
            return sockets;
        }
        if (sockets.contains(socket)) {
            return held;
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

    /** A room's sockets as {@link #rooms} holds them: the one socket itself, or a set. */
    @SuppressWarnings("unchecked")
    private static Set<Socket> asSet(Object held) {
        if (held == null) {
            return Collections.emptySet();
        }
        return held instanceof Socket one ? Set.of(one) : (Set<Socket>) held;
    }

    /** A socket's rooms as {@link #sids} holds them: the one room's name itself, or a set. */
    @SuppressWarnings("unchecked")
    private static Set<String> roomsOf(Object held) {
        if (held == null) {
            return Set.of();
        }
        return held instanceof String one ? Set.of(one) : (Set<String>) held;
    }

    /** What {@link #rooms} or {@link #sids} holds for an immutable set: its one element alone, else the set. */
    private static Object packed(Set<?> set) {
        return set.size() == 1 ? set.iterator().next() : set;
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
        return roomsOf(sids.get(socket));
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
        return roomsView;
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
        return asSet(rooms.get(room));
    }

    /** The rooms as a map of sets, unmodifiable; a view that changes with them. */
    private final class RoomsView extends AbstractMap<String, Set<Socket>> {
        @Override
        public Set<Socket> get(Object room) {
            Object held = rooms.get(room);
            return held == null ? null : asSet(held);
        }

        @Override
        public boolean containsKey(Object room) {
            return rooms.containsKey(room);
        }

        @Override
        public int size() {
            return rooms.size();
        }

        @Override
        public boolean isEmpty() {
            return rooms.isEmpty();
        }

        @Override
        public Set<String> keySet() {
            return Collections.unmodifiableSet(rooms.keySet());
        }

        @Override
        public Set<Entry<String, Set<Socket>>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Entry<String, Set<Socket>>> iterator() {
                    Iterator<Map.Entry<String, Object>> each = rooms.entrySet().iterator();
                    return new Iterator<>() {
                        @Override
                        public boolean hasNext() {
                            return each.hasNext();
                        }

                        @Override
                        public Entry<String, Set<Socket>> next() {
                            Map.Entry<String, Object> room = each.next();
                            return new SimpleImmutableEntry<>(room.getKey(), asSet(room.getValue()));
                        }
                    };
                }

                @Override
                public int size() {
                    return rooms.size();
                }
            };
        }
    }
}
