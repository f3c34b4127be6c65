package io.chat.socketio;

import java.util.Objects;
import java.util.Set;

/**
 * Which sockets a broadcast reaches, as socket.io's adapter takes it: the sockets in any of {@code rooms} (every
 * socket of the namespace when empty), but none in any of {@code except}; a socket's own broadcast excepts its id
 * room. {@code volatileEvent} (socket.io's {@code volatile} flag): a recipient whose connection is backed up does not
 * get the packet.
 */
public record BroadcastOptions(Set<String> rooms, Set<String> except, boolean volatileEvent) {
    public static final BroadcastOptions ALL = new BroadcastOptions(Set.of(), Set.of(), false);

    public BroadcastOptions {
        rooms = Set.copyOf(Objects.requireNonNull(rooms, "rooms"));
        except = Set.copyOf(Objects.requireNonNull(except, "except"));
    }

    public static BroadcastOptions rooms(Set<String> rooms) {
        return new BroadcastOptions(rooms, Set.of(), false);
    }
}
