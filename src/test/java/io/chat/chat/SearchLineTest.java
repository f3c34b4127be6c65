package io.chat.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** A tenant's searches one at a time; one cancelled while it waits (its socket gone) never reaches the store. */
class SearchLineTest {
    private final List<String> started = new ArrayList<>();
    private final List<CompletableFuture<String>> stores = new ArrayList<>();

    private Supplier<CompletableFuture<String>> search(String name) {
        return () -> {
            started.add(name);
            CompletableFuture<String> store = new CompletableFuture<>();
            stores.add(store);
            return store;
        };
    }

    @Test
    void oneAtATimeAndCancelledWaitersAreNeverStarted() {
        SearchLine line = new SearchLine();
        CompletableFuture<String> a = line.submit(search("a"));
        CompletableFuture<String> b = line.submit(search("b"));
        CompletableFuture<String> c = line.submit(search("c"));
        assertEquals(List.of("a"), started, "the others wait");

        b.cancel(false); // its socket disconnected
        a.cancel(false); // a started search keeps the line until its store answers
        CompletableFuture<String> d = line.submit(search("d"));
        assertEquals(List.of("a"), started);

        stores.getFirst().complete("a done");
        assertEquals(List.of("a", "c"), started, "b never reaches the store");
        stores.get(1).complete("c done");
        assertEquals("c done", c.join());
        assertEquals(List.of("a", "c", "d"), started);
        stores.get(2).completeExceptionally(new IllegalStateException("store failed"));
        assertTrue(d.isCompletedExceptionally());

        CompletableFuture<String> e = line.submit(search("e"));
        assertEquals(List.of("a", "c", "d", "e"), started, "a free line starts at once");
        assertFalse(e.isDone());
        stores.get(3).complete("e done");
        assertEquals("e done", e.join());
    }
}
