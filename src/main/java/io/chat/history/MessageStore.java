package io.chat.history;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * One tenant's message history: each room's messages numbered by {@code seq} from 1, with no gaps, in the order
 * their appends were committed.
 *
 * <p>What every implementation guarantees (and {@code MessageStoreContract} checks):
 * <ul>
 *   <li>an append's future completes only once the message is committed and durable: every read started after
 *       it sees the message, and so does the store reopened after a crash;</li>
 *   <li>appends from any number of threads get distinct, gap-free seqs per room, acknowledged in commit order;
 *       many appends are committed together (group commit);</li>
 *   <li>a {@code clientId} already used by the same user in the same room stores nothing and completes with the
 *       message stored the first time ({@code duplicate=true}), however many resends race, and after a restart;</li>
 *   <li>a write that fails completes its future exceptionally ({@link StoreException}) and stores nothing.</li>
 * </ul>
 *
 * <p>Futures: a write's future may complete on the store's own thread, in commit order; attach only quick stages to
 * it, or {@code join()} it (see the implementation's note). A null or over-long argument, or a limit outside
 * 1..{@link #MAX_PAGE}, throws at once.
 */
public interface MessageStore {
    /** The largest page a read may ask for. */
    int MAX_PAGE = 10_000;
    /**
     * The longest values accepted, in UTF-16 units. The contract's limits are 64-character rooms, 32-character user
     * names and 4000-character texts; these are larger so that whichever way a caller counts characters (UTF-16
     * units or code points) and whatever a JWT subject looks like, a valid value always fits. User names: see
     * {@link AccountStore#MAX_USER}.
     */
    int MAX_ROOM = 128;

    int MAX_TEXT = 16_000;
    int MAX_CLIENT_ID = 255;
    /** A reaction's emoji, in UTF-16 units (the chat layer allows less). */
    int MAX_EMOJI = 32;
    /** Distinct emojis on one message, at most: one more is refused ({@link ChangeResult.Reason#TOO_MANY_REACTIONS}). */
    int MAX_EMOJIS_PER_MESSAGE = 20;
    /** Reactions of one user on one message, at most. */
    int MAX_REACTIONS_PER_USER = 10;
    /** Users listed per emoji of a message (its count stays exact): a message's bytes do not grow with its room. */
    int MAX_LISTED_REACTORS = 50;

    /**
     * Appends a message to a room; completes once it is durably committed. With a {@code clientId} already used by
     * this user in this room, completes with the message stored the first time and {@code duplicate=true}, and
     * stores nothing.
     */
    CompletableFuture<AppendResult> append(String room, String from, String text, Optional<String> clientId);

    /**
     * Stores {@code change} to the message at seq {@code change.target()} of the room as a new entry of the room's
     * sequence (the next seq, committed, durable and deduplicated by {@code clientId} as an append is), and applies it
     * to that message: an edit replaces its text and marks it edited, a deletion removes its text from the store. Only
     * the message's author ({@code from}) may change it, not a user made again with a deleted author's name
     * ({@code EarlierAccount}); a deleted message cannot be changed. Completes with
     * {@link ChangeResult.Refused} (nothing stored) otherwise.
     */
    CompletableFuture<ChangeResult> change(String room, String from, Change change, Optional<String> clientId);

    /**
     * The newest {@code limit} messages (entries of kind {@link EntryKind#MESSAGE} only, each in its latest state) with
     * seq below {@code beforeSeq} (all when empty), oldest first;
     * {@code hasMore} tells whether older ones exist.
     */
    CompletableFuture<MessagePage> before(String room, OptionalLong beforeSeq, int limit);

    /**
     * The oldest {@code limit} entries with seq above {@code afterSeq}, of every kind (changes carry their target's
     * state as it is now); {@code hasMore} tells whether more follow.
     */
    CompletableFuture<MessagePage> since(String room, long afterSeq, int limit);

    /**
     * The messages matching {@code query} (see {@link SearchQuery}) in their latest state, never a deleted one, each with
     * the message before it in its room, newest first. Reads see the writes completed before they started.
     */
    CompletableFuture<SearchPage> search(SearchQuery query);

    /** Entries stored in the tenant's history (messages and changes), every room together. */
    long messageCount();
}
