package io.chat.history;

/**
 * What an entry of a room's sequence is: a message, or a change to an earlier message of the same room (an edit, a
 * deletion, a reaction toggled). Changes take
 * a seq like messages, so that a client catching up with {@code since} receives them in order, gap-free.
 */
public enum EntryKind {
    MESSAGE(0),
    EDIT(1),
    DELETE(2),
    /** A reaction toggled on a message by {@code from}: added if they had not reacted with that emoji, else removed. */
    REACTION(3);

    /** The value of the {@code kind} column: stable, unlike the ordinal. */
    final int code;

    EntryKind(int code) {
        this.code = code;
    }

    static EntryKind ofCode(int code) {
        for (EntryKind kind : values()) {
            if (kind.code == code) {
                return kind;
            }
        }
        throw new StoreException("unknown entry kind " + code);
    }
}
