package io.chat.history;

import java.time.Instant;
import java.util.Objects;

/** A room's topic: its text (empty when cleared), who set it and when. */
public record Topic(String text, String by, Instant at) {
    public Topic {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(by, "by");
        Objects.requireNonNull(at, "at");
    }
}
