package io.chat.history;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a page of search results stopped: results are ordered newest first by ({@code ts}, {@code room}, {@code seq}),
 * and the next page holds those after this one in that order.
 */
public record SearchCursor(Instant ts, String room, long seq) {
    public SearchCursor {
        Objects.requireNonNull(ts, "ts");
        Arguments.check("room", room, MessageStore.MAX_ROOM);
    }

    static SearchCursor of(StoredMessage message) {
        return new SearchCursor(message.ts(), message.room(), message.seq());
    }
}
