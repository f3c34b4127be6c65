package io.chat.history;

import java.util.Objects;

/**
 * The outcome of an append. {@code duplicate} is true when the (user, room, clientId) was seen before:
 * {@code message} is then the message stored the first time and nothing new was stored.
 */
public record AppendResult(StoredMessage message, boolean duplicate) {
    public AppendResult {
        Objects.requireNonNull(message, "message");
    }
}
