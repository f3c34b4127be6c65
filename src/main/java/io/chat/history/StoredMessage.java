package io.chat.history;

import java.time.Instant;
import java.util.Objects;

/**
 * A message as stored: {@code id} is random and unique, {@code seq} numbers the messages of one room
 * from 1 with no gaps, {@code ts} is UTC with millisecond precision.
 */
public record StoredMessage(String id, String room, long seq, String from, String text, Instant ts) {
    public StoredMessage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(ts, "ts");
    }
}
