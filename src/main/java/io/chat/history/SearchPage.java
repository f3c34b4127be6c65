package io.chat.history;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** One page of search results, newest first; {@code next} is where the following page starts, empty at the end. */
public record SearchPage(List<SearchHit> hits, Optional<SearchCursor> next) {
    public SearchPage {
        hits = List.copyOf(hits);
        Objects.requireNonNull(next, "next");
    }

    static SearchPage empty() {
        return new SearchPage(List.of(), Optional.empty());
    }
}
