package io.chat.socketio;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The rooms of one namespace: room name → its sockets. A room exists while it has a socket. */
final class Rooms {
    private final ConcurrentHashMap<String, Set<Socket>> members = new ConcurrentHashMap<>();

    void add(String room, Socket socket) {
        members.compute(room, (name, sockets) -> {
            Set<Socket> set = sockets == null ? ConcurrentHashMap.newKeySet() : sockets;
            set.add(socket);
            return set;
        });
    }

    void remove(String room, Socket socket) {
        members.computeIfPresent(room, (name, sockets) -> {
            sockets.remove(socket);
            return sockets.isEmpty() ? null : sockets;
        });
    }

    Set<Socket> members(String room) {
        return members.getOrDefault(room, Collections.emptySet());
    }

    Map<String, Set<Socket>> all() {
        return Collections.unmodifiableMap(members);
    }
}
