package io.chat.history;

import java.util.List;

/** A page of the room directory, by name; {@code hasMore} tells whether rooms follow its last one. */
public record DirectoryPage(List<DirectoryEntry> rooms, boolean hasMore) {
    public DirectoryPage {
        rooms = List.copyOf(rooms);
    }
}
