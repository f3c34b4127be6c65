package io.chat.history;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A room of the directory: its name and topic, how many users remember it (joined and not left, online or not), and
 * when its last message was stored (empty when it has none).
 */
public record DirectoryEntry(RoomTopic room, long members, Optional<Instant> lastMessageAt) {
    public DirectoryEntry {
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(lastMessageAt, "lastMessageAt");
    }
}
