package io.chat.history;

import java.util.Objects;

/**
 * A change to a message, by the message's seq in its room: an edit or deletion (by its author only), or a reaction
 * (by anyone).
 */
public sealed interface Change {
    long target();

    EntryKind kind();

    /** The message's text becomes {@code text}; it is marked edited. */
    record Edit(long target, String text) implements Change {
        public Edit {
            Objects.requireNonNull(text, "text");
        }

        @Override
        public EntryKind kind() {
            return EntryKind.EDIT;
        }
    }

    /** The message's text is removed from the store; it stays in the sequence as a deleted message. */
    record Delete(long target) implements Change {
        @Override
        public EntryKind kind() {
            return EntryKind.DELETE;
        }
    }

    /** Toggles {@code emoji} of the user on the message: added if they had not reacted with it, else removed. */
    record React(long target, String emoji) implements Change {
        public React {
            Objects.requireNonNull(emoji, "emoji");
        }

        @Override
        public EntryKind kind() {
            return EntryKind.REACTION;
        }
    }
}
