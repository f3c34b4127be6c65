package io.chat.history;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One tenant's conversations (direct messages and group DMs): rooms whose readers are a stored member list, never
 * anyone who names them. A conversation's history, read positions and memberships are a room's
 * ({@link MessageStore}, {@link ReadPositionStore}, {@link RoomStore}); this keeps who its members are.
 *
 * <p>What every implementation guarantees (and {@code RoomStoreContract} checks): {@link #openConversation}
 * completes only once the members and every member's remembered room are committed and durable; a member list never
 * changes but for a deleted user, who leaves every list (a user made again with the same name is no member). A null
 * or over-long argument throws at once; a failure of the store completes the future with a {@link StoreException}.
 */
public interface ConversationStore {
    /** Most members a conversation has, its opener included. */
    int MAX_MEMBERS = 8;

    /**
     * Stores the conversation {@code room} of {@code members} (2..{@link #MAX_MEMBERS} distinct users, {@code opener}
     * one of them) and remembers it for every member ({@link RoomStore#remember}) in the same transaction:
     * {@link Opened#OPENED}. When it is stored already, remembers it again for {@code opener} only (a member who hid it
     * by forgetting it stays so): {@link Opened#REOPENED}. {@link Opened#FULL} when a member it would be remembered
     * for, who does not remember it yet, has {@code maxRooms} rooms already (nothing is stored);
     * {@link Opened#CLOSED} when the room is stored with other members (one of them was deleted since).
     */
    default CompletableFuture<Opened> openConversation(
            String room, List<String> members, String opener, Instant at, int maxRooms) {
        return openConversation(room, members, opener, at, maxRooms, false);
    }

    /**
     * As {@link #openConversation(String, List, String, Instant, int)}; with {@code storedUsersOnly} (a password
     * tenant), {@link Opened#NO_SUCH_USER} when a member is not a stored user when the transaction runs (nothing is
     * stored): a user deleted after the caller checked them must not become a member, nor a user made again with
     * their name.
     */
    CompletableFuture<Opened> openConversation(
            String room, List<String> members, String opener, Instant at, int maxRooms, boolean storedUsersOnly);

    /** The members of {@code room} by name; empty when it is no conversation. */
    CompletableFuture<List<String>> conversationMembers(String room);

    /** The conversations {@code user} remembers, by room, each with its members and their read positions. */
    CompletableFuture<List<Conversation>> conversationsOf(String user);

    /** A conversation as one of its members sees it: {@code readBy} has every member's position that is above 0. */
    record Conversation(String room, List<String> members, Map<String, Long> readBy) {
        public Conversation {
            members = List.copyOf(members);
            readBy = Map.copyOf(readBy);
        }
    }

    /** What {@link #openConversation} did. */
    enum Opened {
        OPENED,
        REOPENED,
        FULL,
        CLOSED,
        NO_SUCH_USER
    }
}
