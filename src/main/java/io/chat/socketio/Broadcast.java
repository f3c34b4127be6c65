package io.chat.socketio;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * An emit to many sockets of one namespace (socket.io's broadcast operator): {@code to} rooms (all sockets when none),
 * {@code except} rooms; a socket's broadcast excepts the socket's own id room, so never reaches that socket.
 * Immutable; each call returns a new operator. Delivery is the namespace's {@link Adapter}'s.
 */
public final class Broadcast {
    private final Namespace namespace;
    private final BroadcastOptions options;

    Broadcast(Namespace namespace, BroadcastOptions options) {
        this.namespace = namespace;
        this.options = options;
    }

    public Broadcast to(String... more) {
        return new Broadcast(
                namespace,
                new BroadcastOptions(union(options.rooms(), more), options.except(), options.volatileEvent()));
    }

    public Broadcast except(String... more) {
        return new Broadcast(
                namespace,
                new BroadcastOptions(options.rooms(), union(options.except(), more), options.volatileEvent()));
    }

    /** Recipients whose connection is backed up do not get this event (for typing indicators and the like). */
    public Broadcast volatileEvent() {
        return new Broadcast(namespace, new BroadcastOptions(options.rooms(), options.except(), true));
    }

    /** Emits the event; returns how many sockets of this server it was queued to. */
    public int emit(String event, Object... args) {
        Packet packet = new Packet(
                PacketType.EVENT, namespace.name(), OptionalLong.empty(), Optional.of(Events.payload(event, args)), 0);
        return namespace.adapter().broadcast(packet, options);
    }

    /** The sockets of this server this operator addresses. */
    public Collection<Socket> sockets() {
        return namespace.adapter().fetchSockets(options);
    }

    public void disconnectSockets(boolean closeConnections) {
        namespace.adapter().disconnectSockets(options, closeConnections);
    }

    private static Set<String> union(Set<String> current, String... more) {
        Set<String> result = new HashSet<>(current);
        result.addAll(List.of(more));
        return Set.copyOf(result);
    }
}
