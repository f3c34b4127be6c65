package io.chat.socketio.redis;

import java.util.Set;

/**
 * The Redis channels of one namespace, named as the official adapter names them ({@code key} is its prefix,
 * {@code socket.io} by default): broadcasts on {@code key#nsp#} or {@code key#nsp#room#} (exactly one room),
 * requests on {@code key-request#nsp#}, responses on {@code key-response#nsp#} and {@code key-response#nsp#uid#}.
 */
record Channels(String broadcast, String request, String response, String specificResponse) {
    static Channels of(String key, String namespace, String uid) {
        String response = key + "-response#" + namespace + "#";
        return new Channels(
                key + "#" + namespace + "#", key + "-request#" + namespace + "#", response, response + uid + "#");
    }

    /** The channel of a broadcast to these rooms: the room's own one when exactly one. */
    String broadcastTo(Set<String> rooms) {
        return rooms.size() == 1 ? room(rooms.iterator().next()) : broadcast;
    }

    /**
     * The channel of broadcasts to exactly {@code room}: the one this server subscribes to while it has a socket in the
     * room (the official classic adapter matches it with its pattern {@code key#nsp#*}).
     */
    String room(String room) {
        return broadcast + room + "#";
    }

    /** Whether {@code channel} carries broadcasts (as {@link #roomOf} would say, without taking the room out). */
    boolean isBroadcast(String channel) {
        return channel.startsWith(broadcast) && (channel.length() == broadcast.length() || channel.endsWith("#"));
    }

    /** The room a broadcast channel names ("" for the namespace's own channel), or null when it is not one of ours. */
    String roomOf(String channel) {
        if (!channel.startsWith(broadcast)) {
            return null;
        }
        if (channel.length() == broadcast.length()) {
            return "";
        }
        return channel.endsWith("#") ? channel.substring(broadcast.length(), channel.length() - 1) : null;
    }
}
