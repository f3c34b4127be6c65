package io.chat.history;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A search of a tenant's history: the messages (in their latest state, never deleted ones) of {@code rooms} whose text
 * matches {@code text}, optionally only those {@code from} one user and in one {@code room} (which must be one of
 * {@code rooms}: the rooms the searching user may read), newest first, at most {@code limit}, older than
 * {@code before} when given (the {@code next} cursor of the previous page).
 *
 * <p>{@code text}: words (every one must appear, case-insensitively, as a whole word), {@code "a quoted phrase"},
 * {@code -word} to leave out messages with it, read by {@link SearchTerms} (and within its bounds); at most
 * {@link #MAX_TEXT} UTF-16 units. A store gives up a search that takes longer than {@link #TIME_LIMIT}: it fails
 * with {@link SearchTimeoutException}.
 */
public record SearchQuery(
        Set<String> rooms,
        String text,
        Optional<String> from,
        Optional<String> room,
        int limit,
        Optional<SearchCursor> before) {
    /** The longest query text accepted. */
    public static final int MAX_TEXT = 200;
    /** The most rooms one search may cover. */
    public static final int MAX_ROOMS = 1_000;
    /** The largest page of results. */
    public static final int MAX_LIMIT = 50;
    /** The longest a store searches before it gives up. */
    public static final Duration TIME_LIMIT = Duration.ofSeconds(1);

    public SearchQuery {
        rooms = Set.copyOf(rooms);
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(before, "before");
        if (rooms.size() > MAX_ROOMS) {
            throw new IllegalArgumentException("more than " + MAX_ROOMS + " rooms");
        }
        rooms.forEach(name -> Arguments.check("room", name, MessageStore.MAX_ROOM));
        if (text.length() > MAX_TEXT) {
            throw new IllegalArgumentException("query longer than " + MAX_TEXT);
        }
        SearchTerms.parse(text); // throws when out of its bounds
        from.ifPresent(user -> Arguments.check("from", user, AccountStore.MAX_USER));
        room.ifPresent(name -> Arguments.check("room", name, MessageStore.MAX_ROOM));
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit outside 1.." + MAX_LIMIT);
        }
    }

    /** What {@code text} asks for (the stores build their queries from it). */
    SearchTerms terms() {
        return SearchTerms.parse(text);
    }

    /** The rooms searched: {@code rooms}, or only {@code room} when given and one of them (else none). */
    Set<String> searched() {
        return room.map(name -> rooms.contains(name) ? Set.of(name) : Set.<String>of())
                .orElse(rooms);
    }
}
