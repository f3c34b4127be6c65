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

    private final Namespace namespace;
    private final ConcurrentHashMap<String, Set<Socket>> rooms = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Socket, Set<String>> sids = new ConcurrentHashMap<>();

    public InMemoryAdapter(Namespace namespace) {
        this.namespace = namespace;
    }

    @Override
    public void addAll(Socket socket, Set<String> added) {
        // sized for the common case, kept for every socket's life: its own room and a few more (a set grows as
        // needed); the default table (16 slots) costs an idle socket about 100 bytes more per set
        Set<String> joined = sids.computeIfAbsent(socket, s -> ConcurrentHashMap.newKeySet(2));
        for (String room : added) {
            if (joined.add(room)) {
                rooms.compute(room, (name, sockets) -> {
                    Set<Socket> set = sockets == null ? ConcurrentHashMap.newKeySet(1) : sockets;
                    set.add(socket);
                    return set;
                });
            }
        }
    }

    @Override
    public void del(Socket socket, String room) {
        Set<String> joined = sids.get(socket);
        if (joined != null && joined.remove(room)) {
            leave(room, socket);
        }
    }

    @Override
    public void delAll(Socket socket) {
        Set<String> joined = sids.remove(socket);
        if (joined != null) {
            for (String room : joined) {
                leave(room, socket);
            }
        }
    }

    private void leave(String room, Socket socket) {
        rooms.computeIfPresent(room, (name, sockets) -> {
            sockets.remove(socket);
            return sockets.isEmpty() ? null : sockets;
        });
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
        return joined == null ? Set.of() : Collections.unmodifiableSet(joined);
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
