package io.chat.socketio;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import com.fasterxml.jackson.databind.node.ArrayNode;

import io.chat.socketio.engine.EnginePacket;

/**
 * An emit to many sockets of one namespace: {@code to} rooms (all sockets when none), {@code except} rooms,
 * and, for a socket's broadcast, never that socket. Immutable; each call returns a new operator.
 * <p>
 * The packet is encoded once and the same bytes are queued to every recipient; nothing here waits on a socket.
 */
public final class Broadcast {
    /** Outbound bytes past which a volatile event is dropped rather than queued. */
    private static final long VOLATILE_DROP_BYTES = 64 * 1024;

    private final Namespace namespace;
    private final Set<String> rooms;
    private final Set<String> exceptRooms;
    private final Optional<Socket> excluded;
    private final boolean volatileEvent;

    Broadcast(Namespace namespace, Set<String> rooms, Set<String> exceptRooms, Optional<Socket> excluded,
              boolean volatileEvent) {
        this.namespace = namespace;
        this.rooms = rooms;
        this.exceptRooms = exceptRooms;
        this.excluded = excluded;
        this.volatileEvent = volatileEvent;
    }

    public Broadcast to(String... more) {
        return new Broadcast(namespace, union(rooms, more), exceptRooms, excluded, volatileEvent);
    }

    public Broadcast except(String... more) {
        return new Broadcast(namespace, rooms, union(exceptRooms, more), excluded, volatileEvent);
    }

    /** Recipients whose connection is backed up do not get this event (for typing indicators and the like). */
    public Broadcast volatileEvent() {
        return new Broadcast(namespace, rooms, exceptRooms, excluded, true);
    }

    /** Emits the event; returns how many sockets it was queued to. */
    public int emit(String event, Object... args) {
        ArrayNode payload = Events.payload(event, args);
        List<EnginePacket> packets = PacketCodec.encode(PacketType.EVENT, namespace.name(), OptionalLong.empty(),
                                                        Optional.of(payload));
        int queued = 0;
        for (Socket socket : sockets()) {
            if (volatileEvent && socket.queuedBytes() > VOLATILE_DROP_BYTES) {
                continue;
            }
            socket.send(packets);
            queued++;
        }
        return queued;
    }

    /** The sockets this operator addresses. */
    public Collection<Socket> sockets() {
        Collection<Socket> candidates = candidates();
        if (exceptRooms.isEmpty() && excluded.isEmpty()) {
            return candidates;
        }
        Set<Socket> skip = new HashSet<>();
        excluded.ifPresent(skip::add);
        for (String room : exceptRooms) {
            skip.addAll(namespace.rooms().members(room));
        }
        List<Socket> result = new ArrayList<>(candidates.size());
        for (Socket socket : candidates) {
            if (!skip.contains(socket)) {
                result.add(socket);
            }
        }
        return result;
    }

    public void disconnectSockets(boolean closeConnections) {
        for (Socket socket : List.copyOf(sockets())) {
            socket.disconnect(closeConnections);
        }
    }

    private Collection<Socket> candidates() {
        if (rooms.isEmpty()) {
            return namespace.sockets();
        }
        if (rooms.size() == 1) {
            return namespace.rooms().members(rooms.iterator().next());
        }
        Set<Socket> union = new HashSet<>();
        for (String room : rooms) {
            union.addAll(namespace.rooms().members(room));
        }
        return union;
    }

    private static Set<String> union(Set<String> current, String... more) {
        Set<String> result = new HashSet<>(current);
        result.addAll(List.of(more));
        return Set.copyOf(result);
    }
}
