package io.chat.history;

import java.util.Optional;

/**
 * An entry as the log keeps it: with the clientId its row carries, so that a replay restores the row whole. For an
 * edit, the entry's text is the new text (the replay applies it to the target); a message is logged as appended. For a
 * reaction, whether its toggle added the reaction or took it away: a replay sets that state rather than toggle again,
 * since the database may hold the entry's row without its effect (see {@link MessageWriter#restore}).
 */
record LoggedMessage(StoredMessage message, Optional<String> clientId, boolean reactionAdded) {
    LoggedMessage(StoredMessage message, Optional<String> clientId) {
        this(message, clientId, false);
    }

    /** A change as its writer stored it, with whether its toggle added a reaction (see {@link ChangeResult.Changed}). */
    static LoggedMessage ofChange(StoredMessage entry, Optional<String> clientId, boolean reactionAdded) {
        return new LoggedMessage(entry, clientId, reactionAdded);
    }
}
