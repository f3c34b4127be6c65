package io.chat.history;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * How far each user of one tenant has read each room: the highest seq they have read, kept across sockets, devices
 * and restarts, and the unread counts that follow from it.
 *
 * <p>What every implementation guarantees (and {@code ReadPositionContract} checks): a position only moves forward;
 * a mark's future completes only once the position it reports is committed and durable (it survives a crash of the
 * process, like an acknowledged message); marks of one (user, room) arriving while a write is pending are coalesced
 * into one row write. A null or over-long argument, or a negative seq, throws at once; a failure of the store completes
 * the future with a {@link StoreException}.
 */
public interface ReadPositionStore {
    /**
     * The largest unread count reported: past it a room shows "99+". The count's walk stops there: a user 100 rooms
     * and thousands of messages behind is counted in about 100 rows a room, not thousands (ReadPositionBench).
     */
    int MAX_UNREAD = 99;

    /**
     * The seqs after a user's position that an unread count looks at, at most: the count is one bounded walk of the
     * room's (room, seq) key even when the entries there are the user's own, edits or reactions.
     */
    int UNREAD_WINDOW = 1_000;

    /**
     * Moves {@code user}'s position in {@code room} to {@code seq}, clamped to the room's last seq (a position never
     * points past what exists), unless it is there or further already. Completes with the position now stored.
     */
    default CompletableFuture<ReadMark> markRead(String user, String room, long seq) {
        return markRead(user, room, seq, false);
    }

    /**
     * As {@link #markRead(String, String, long)}; with {@code storedUsersOnly} (a password tenant), a user not stored
     * when the write runs keeps no position (the mark reports the position unmoved): a mark that reaches the store
     * after its user's deletion must not leave a position to a user made again with the name.
     */
    CompletableFuture<ReadMark> markRead(String user, String room, long seq, boolean storedUsersOnly);

    /**
     * The position and unread count of every room {@code user} remembers ({@link RoomStore#roomsOf}), by room name. A
     * room never marked has position 0. Unread: the messages (not edits, deletions or reactions, not deleted, not the
     * user's own) with seqs up to {@link #UNREAD_WINDOW} past the position, at most {@link #MAX_UNREAD}. Mentions: those
     * of them whose latest text mentions the user ({@link Mentions}: by name or {@code @room}), at most
     * {@link #MAX_UNREAD}; counted by the names kept for each message ({@link MentionSql}), never by reading texts.
     */
    CompletableFuture<List<ReadPosition>> readPositions(String user);
}
