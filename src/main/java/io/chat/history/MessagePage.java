package io.chat.history;

import java.util.List;

/** Messages of one room, oldest first; {@code hasMore} tells whether the page was cut short. */
public record MessagePage(List<StoredMessage> messages, boolean hasMore) {
    public MessagePage {
        messages = List.copyOf(messages);
    }
}
