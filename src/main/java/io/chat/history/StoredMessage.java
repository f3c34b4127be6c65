package io.chat.history;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An entry of a room's sequence as stored: {@code id} is random and unique, {@code seq} numbers the entries of one
 * room from 1 with no gaps, {@code ts} is UTC with millisecond precision.
 *
 * <p>A {@link EntryKind#MESSAGE} carries its latest text, {@code editedTs} when it was last edited, and
 * {@code deleted} (then its text is empty: the store no longer has it). An {@link EntryKind#EDIT} or
 * {@link EntryKind#DELETE} names the message it changed ({@code target}, that message's seq) and carries that
 * message's state as it is now (its latest text, {@code editedTs}, {@code deleted}); {@code from} and {@code ts} are
 * the change's. A message's {@code target} is 0. A {@link EntryKind#REACTION}'s text is its emoji (not its target's);
 * {@code reactions} are the message's (for a change, its target's) as they are now.
 */
public record StoredMessage(
        String id,
        String room,
        long seq,
        String from,
        String text,
        Instant ts,
        EntryKind kind,
        long target,
        Optional<Instant> editedTs,
        boolean deleted,
        List<Reaction> reactions) {
    /**
     * One emoji on a message: how many reacted with it ({@code count}), and who, first reactor first: the first
     * {@link MessageStore#MAX_LISTED_REACTORS} of them, so that a message's size does not grow with its room.
     */
    public record Reaction(String emoji, List<String> users, int count) {
        public Reaction {
            Objects.requireNonNull(emoji, "emoji");
            users = List.copyOf(users);
        }

        /** Every one who reacted listed. */
        public Reaction(String emoji, List<String> users) {
            this(emoji, users, users.size());
        }
    }

    public StoredMessage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(ts, "ts");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(editedTs, "editedTs");
        reactions = List.copyOf(reactions);
    }

    /** An entry without reactions (the reads add them: {@link #withReactions}). */
    public StoredMessage(
            String id,
            String room,
            long seq,
            String from,
            String text,
            Instant ts,
            EntryKind kind,
            long target,
            Optional<Instant> editedTs,
            boolean deleted) {
        this(id, room, seq, from, text, ts, kind, target, editedTs, deleted, List.of());
    }

    public StoredMessage withReactions(List<Reaction> reactions) {
        return new StoredMessage(id, room, seq, from, text, ts, kind, target, editedTs, deleted, reactions);
    }

    /** A message as first stored: never edited, not deleted. */
    public StoredMessage(String id, String room, long seq, String from, String text, Instant ts) {
        this(id, room, seq, from, text, ts, EntryKind.MESSAGE, 0, Optional.empty(), false);
    }
}
