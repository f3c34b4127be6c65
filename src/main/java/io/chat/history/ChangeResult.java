package io.chat.history;

import java.util.Objects;

/** The outcome of a {@link MessageStore#change}: an entry stored (or found stored under its clientId), or a refusal. */
public sealed interface ChangeResult {
    /**
     * The change's entry; {@code duplicate} when its (user, room, clientId) was used before and {@code entry} is what
     * was stored then (nothing new was stored); {@code reactionAdded} when it is a reaction whose toggle added the
     * user's reaction (the entry lists only an emoji's first reactors, so it cannot tell).
     */
    record Changed(StoredMessage entry, boolean duplicate, boolean reactionAdded) implements ChangeResult {
        public Changed {
            Objects.requireNonNull(entry, "entry");
        }

        public Changed(StoredMessage entry, boolean duplicate) {
            this(entry, duplicate, false);
        }
    }

    /** Nothing was stored. */
    record Refused(Reason reason) implements ChangeResult {
        public Refused {
            Objects.requireNonNull(reason, "reason");
        }
    }

    enum Reason {
        /** No message with that seq in the room (or the seq is a change's, not a message's). */
        NO_SUCH_MESSAGE,
        /** The message is someone else's. */
        NOT_AUTHOR,
        /** The message was deleted already. */
        DELETED,
        /**
         * Adding the reaction would pass {@link MessageStore#MAX_EMOJIS_PER_MESSAGE} or
         * {@link MessageStore#MAX_REACTIONS_PER_USER}.
         */
        TOO_MANY_REACTIONS
    }
}
