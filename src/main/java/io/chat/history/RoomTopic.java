package io.chat.history;

import java.util.Objects;
import java.util.Optional;

/** A room by name, with its topic when one was ever set. */
public record RoomTopic(String room, Optional<Topic> topic) {
    public RoomTopic {
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(topic, "topic");
    }
}
