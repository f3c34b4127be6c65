package io.chat.chat;

import io.chat.socketio.Namespace;
import io.chat.tenant.Tenant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * What the other nodes of a cluster hold of one tenant: its users online and in rooms, its sockets, its users' message
 * rate. The chat counts everything on this node first ({@link Presence}, {@link SocketQuota}, its buckets) and asks
 * here only what this node cannot answer alone: whether a user's first (last) socket here is also the first (last) in
 * the cluster, who is in a room on every node, and whether the cluster's sockets and rate leave room for one more. On
 * a single node {@link #ALONE} answers with this node's own figures, at once, so the chat behaves as it always did.
 *
 * <p>Futures never fail: when the cluster cannot be asked, they answer with this node's own view. What follows the
 * presence answers ({@link #online}, {@link #offline}, {@link #entered}, {@link #exited}) runs on {@link
 * #presenceEvents}.
 */
public interface Peers {
    /**
     * Where what follows a presence answer runs (a {@code user:online} to the tenant, a {@code room:left} to a room): in
     * the order the answers came. At once, on the caller's thread, on a single node.
     */
    default Executor presenceEvents() {
        return Runnable::run;
    }

    /** This node's first socket of {@code user} connected: true when no other node has one. */
    CompletableFuture<Boolean> online(String user);

    /** This node's last socket of {@code user} left: true when no other node has one. */
    CompletableFuture<Boolean> offline(String user);

    /** This node's first socket of {@code user} joined {@code room}: true when no other node's socket is in it. */
    CompletableFuture<Boolean> entered(String room, String user);

    /** This node's last socket of {@code user} left {@code room}: true when no other node's socket is in it. */
    CompletableFuture<Boolean> exited(String room, String user);

    /** The users in {@code room} on every node, each once, by name; {@code here} is this node's. */
    CompletableFuture<List<String>> members(String room, List<String> here);

    /**
     * Whether a socket of another node (or of another Socket.IO server on the same Redis) has the id {@code room}:
     * every socket is alone in the room named by its id, which no event may name. False on a single node (this node's
     * sockets are looked up where the event is). Fails when the cluster cannot tell (unreachable, or a server silent
     * past the request timeout without the id among the answers): a membership let through then would stay after the
     * cluster is back, and receive that socket's private events.
     */
    CompletableFuture<Boolean> isSocketElsewhere(String room);

    /**
     * The rooms with anyone in them on every node, with their distinct users: all of them, or the {@code max} busiest
     * (ties: the first names); {@code here} is this node's, the answer when the cluster cannot be asked.
     */
    CompletableFuture<Listing> busiestRooms(int max, Listing here);

    /** Rooms with their users, by name; {@code truncated} when rooms with users were left out. */
    record Listing(Map<String, Integer> rooms, boolean truncated) {
        public Listing {
            rooms = Collections.unmodifiableMap(new TreeMap<>(rooms));
        }

        /**
         * The rooms of {@code all} (room → users) a listing names: all of them, or, when there are more than {@code
         * max}, the {@code max} with the most users (ties: the first names).
         */
        public static Listing busiest(Map<String, Integer> all, int max) {
            if (all.size() <= max) {
                return new Listing(all, false);
            }
            Map<String, Integer> kept = new TreeMap<>();
            all.entrySet().stream()
                    .sorted(Map.Entry.<String, Integer>comparingByValue()
                            .reversed()
                            .thenComparing(Map.Entry.comparingByKey()))
                    .limit(max)
                    .forEach(room -> kept.put(room.getKey(), room.getValue()));
            return new Listing(kept, true);
        }
    }

    /**
     * Reserves a place for one more socket of {@code user} in the cluster, after this node's own quota gave one:
     * empty when there was one, else the refusal a client is told. May wait for the cluster (a CONNECT does anyway).
     */
    Optional<String> reserveSocket(String user, int maxTotal, int maxPerUser);

    /** Gives back a place {@link #reserveSocket} gave. */
    void releaseSocket(String user);

    /**
     * Takes a token from the user's message bucket, then from the tenant's, shared by every node, after this node's own
     * buckets gave one: false when the cluster's are empty.
     */
    CompletableFuture<Boolean> takeMessage(String user);

    /**
     * Takes a token from the user's event bucket (every event but a message), shared by every node, after this node's
     * own gave one: false when the cluster's is empty.
     */
    CompletableFuture<Boolean> takeEvent(String user);

    /**
     * {@code user}'s remembered rooms changed through this node ({@code joined} the room, or left it): the other nodes
     * apply it to their sockets of the user that follow its rooms ({@link Departures#membershipChanged}). Nothing on a
     * single node.
     */
    default void membershipChanged(String room, String user, boolean joined) {}

    /**
     * {@code user}'s read position in {@code room} moved to {@code seq} through this node: the other nodes tell their
     * sockets of the user ({@link Departures#readMoved}). Nothing on a single node.
     */
    default void readMoved(String room, String user, long seq) {}

    /** The tenant's namespace is gone from this node. */
    void close();

    /** What the chat says when the cluster finds a killed node's users gone (sent from one node only). */
    interface Departures {
        /** {@code user} has no socket on any node any more. */
        void offline(String user);

        /** {@code user} has no socket in {@code room} on any node any more. */
        void left(String room, String user);

        /**
         * What this node holds of the tenant now, by its own counts: the cluster's copy is brought back to it when it
         * may have drifted (Redis restarted empty, a count lost while Redis was unreachable) and every minute anyway.
         */
        Held held();

        /**
         * Another node changed {@code user}'s remembered rooms ({@code joined} the room, or left it): this node's sockets
         * of the user that follow its rooms follow.
         */
        default void membershipChanged(String room, String user, boolean joined) {}

        /** Another node moved {@code user}'s read position in {@code room}: tell the user's sockets here. */
        default void readMoved(String room, String user, long seq) {}
    }

    /**
     * This node's users online, room members (room → users) and sockets per user, of one tenant.
     *
     * @param online  the users with a socket here
     * @param rooms   room → the users with a socket in it here
     * @param sockets user → their sockets here (counted from CONNECT, as the socket quota counts them)
     */
    record Held(Set<String> online, Map<String, Set<String>> rooms, Map<String, Integer> sockets) {
        public Held {
            online = Set.copyOf(online);
            rooms = Map.copyOf(rooms);
            sockets = Map.copyOf(sockets);
        }
    }

    /** Makes each tenant's peers when its namespace opens on this node. */
    @FunctionalInterface
    interface Factory {
        Peers of(Tenant tenant, Namespace namespace, Departures departures);

        /**
         * Counts one login attempt of {@code user} from {@code network} against the tenant's
         * {@code loginFailuresPerMinute} across every node, as the tenant counts them on one (see its
         * {@code LoginAttempts}: the user's attempts, then as many again for addresses that have not failed them this
         * minute): false when none is left. A single node counts them in the tenant alone (its own limit, which a
         * cluster keeps as well).
         */
        default boolean takeLoginAttempt(Tenant tenant, String user, String network) {
            return true;
        }

        /** A wrong password for {@code user} from {@code network}: that address has failed them for a minute. */
        default void loginFailed(Tenant tenant, String user, String network) {}

        /** {@code user} signed in from {@code network}: the cluster's counts start again, as the tenant's do. */
        default void loginSucceeded(Tenant tenant, String user, String network) {}
    }

    /** A single node: nobody else holds anything. */
    Factory ALONE = (tenant, namespace, departures) -> Alone.INSTANCE;
}
