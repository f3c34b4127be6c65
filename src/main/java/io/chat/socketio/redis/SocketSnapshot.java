package io.chat.socketio.redis;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * A socket of any server of the cluster as {@code fetchSockets} returns it (socket.io's {@code RemoteSocket} data):
 * its id, its handshake as socket.io describes one ({@code headers, time, address, xdomain, secure, issued, url,
 * query, auth}), its rooms (its own id room included) and its public {@code data}.
 */
public record SocketSnapshot(String id, JsonNode handshake, Set<String> rooms, JsonNode data) {
    public SocketSnapshot {
        rooms = Set.copyOf(rooms);
    }
}
