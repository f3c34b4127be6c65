package io.chat.history;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One tenant's rooms as its users keep them: which rooms each user joined (remembered until the user leaves, across
 * sockets, devices and restarts), each room's topic, and a directory of the rooms with history or members.
 *
 * <p>What every implementation guarantees (and {@code RoomStoreContract} checks): a change's future completes only
 * once it is committed and durable (it survives a crash of the process, like an acknowledged message); reads see every
 * change completed before they started. A null or over-long argument, or a limit outside 1..{@link MessageStore#MAX_PAGE},
 * throws at once; a failure of the store completes the future with a {@link StoreException}.
 */
public interface RoomStore {
    /** The longest topic accepted, in UTF-16 units: larger than the chat's own bound, as for messages. */
    int MAX_TOPIC = 4_000;

    /**
     * Remembers that {@code user} joined {@code room} (and that the room exists, from {@code at} if it is new):
     * {@link Remembered#ADDED}, {@link Remembered#ALREADY} when it was remembered before (nothing changes), or
     * {@link Remembered#FULL} when the user has {@code maxRooms} rooms already (nothing is stored). Nodes of a cluster
     * remembering rooms of one user at the same instant may each pass the bound once.
     */
    default CompletableFuture<Remembered> remember(String user, String room, Instant at, int maxRooms) {
        return remember(user, room, at, maxRooms, false);
    }

    /**
     * As {@link #remember(String, String, Instant, int)}; with {@code storedUsersOnly} (a password tenant),
     * {@link Remembered#NOT_MEMBER} when {@code user} is not a stored user when the write runs (nothing is stored): a
     * join that reaches the store after its user's deletion must not leave the room to a user made again with the
     * name.
     */
    CompletableFuture<Remembered> remember(String user, String room, Instant at, int maxRooms, boolean storedUsersOnly);

    /** Forgets that {@code user} joined {@code room}; false when it was not remembered. */
    CompletableFuture<Boolean> forget(String user, String room);

    /** The rooms {@code user} joined and has not left, by name, each with its topic. */
    CompletableFuture<List<RoomTopic>> roomsOf(String user);

    /** The topic of {@code room}, empty when none was ever set. */
    CompletableFuture<Optional<Topic>> topic(String room);

    /** Sets (replaces) the topic of {@code room}; an empty text clears it. */
    CompletableFuture<Void> setTopic(String room, Topic topic);

    /**
     * The rooms (not conversations) with history or remembered members whose names sort after {@code after} (all when empty), at most
     * {@code limit}, by name; {@code hasMore} tells whether more follow.
     */
    CompletableFuture<DirectoryPage> directory(String after, int limit);

    /** What {@link #remember} did. */
    enum Remembered {
        ADDED,
        ALREADY,
        FULL,
        /**
         * A conversation the user is not a member of (deleted since the caller checked), or a user no longer stored:
         * nothing is stored.
         */
        NOT_MEMBER
    }
}
