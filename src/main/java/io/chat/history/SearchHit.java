package io.chat.history;

import java.util.Objects;
import java.util.Optional;

/** A message that matched a search, in its latest state, and the message before it in its room (its context). */
public record SearchHit(StoredMessage message, Optional<StoredMessage> previous) {
    public SearchHit {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(previous, "previous");
    }
}
