package io.chat.chat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which users are in which room, and who is online, counted in sockets so that a user with two tabs is one
 * member who leaves only when the last tab does.
 */
final class Presence {
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, Integer>> rooms = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Integer> online = new ConcurrentHashMap<>();

    /** @return true when this is the user's first socket in the room */
    boolean enter(String room, String user) {
        boolean[] first = new boolean[1];
        rooms.compute(room, (r, members) -> {
            ConcurrentHashMap<String, Integer> map = members == null ? new ConcurrentHashMap<>() : members;
            first[0] = map.merge(user, 1, Integer::sum) == 1;
            return map;
        });
        return first[0];
    }

    /** @return true when this was the user's last socket in the room */
    boolean exit(String room, String user) {
        boolean[] last = new boolean[1];
        rooms.computeIfPresent(room, (r, members) -> {
            Integer left = members.computeIfPresent(user, (u, count) -> count > 1 ? count - 1 : null);
            last[0] = left == null;
            return members.isEmpty() ? null : members;
        });
        return last[0];
    }

    List<String> members(String room) {
        Map<String, Integer> members = rooms.get(room);
        return members == null ? List.of() : members.keySet().stream().sorted().toList();
    }

    /** The users with a socket here now. */
    Set<String> onlineUsers() {
        return Set.copyOf(online.keySet());
    }

    /** Room → the users with a socket in it here now. */
    Map<String, Set<String>> memberships() {
        Map<String, Set<String>> copy = new TreeMap<>();
        rooms.forEach((room, members) -> {
            if (!members.isEmpty()) {
                copy.put(room, Set.copyOf(members.keySet()));
            }
        });
        return copy;
    }

    /** Room → number of distinct users, for rooms with anyone in them. */
    Map<String, Integer> roomSizes() {
        Map<String, Integer> sizes = new TreeMap<>();
        rooms.forEach((room, members) -> {
            if (!members.isEmpty()) {
                sizes.put(room, members.size());
            }
        });
        return sizes;
    }

    /**
     * Every room with anyone in it, or, when there are more than {@code max}, the {@code max} with the most users
     * (ties: the first names), listed by name like the rest.
     */
    Peers.Listing busiestRooms(int max) {
        return Peers.Listing.busiest(roomSizes(), max);
    }

    /** @return true when this is the user's first socket in the namespace */
    boolean connected(String user) {
        return online.merge(user, 1, Integer::sum) == 1;
    }

    /** @return true when this was the user's last socket in the namespace */
    boolean disconnected(String user) {
        return online.computeIfPresent(user, (u, count) -> count > 1 ? count - 1 : null) == null;
    }
}
