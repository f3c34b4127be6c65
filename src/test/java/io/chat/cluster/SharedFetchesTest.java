package io.chat.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SharedFetchesTest {
    /** Fetches that end when the test says, each answering the state of the world when it started. */
    private final List<CompletableFuture<Integer>> started = new ArrayList<>();

    private final AtomicInteger world = new AtomicInteger();
    private final SharedFetches<String, Integer> fetches = new SharedFetches<>(key -> {
        int seen = world.get();
        CompletableFuture<Integer> fetch = new CompletableFuture<>();
        synchronized (started) {
            started.add(fetch);
        }
        return fetch.thenApply(ignored -> seen);
    });

    @Test
    void callersDuringAFetchShareTheNextOneWhichSeesWhatTheyDidBeforeCalling() {
        CompletableFuture<Integer> first = fetches.get("room");
        world.set(1); // e.g. a socket entered the room, then asked who is in it
        CompletableFuture<Integer> second = fetches.get("room");
        CompletableFuture<Integer> third = fetches.get("room");
        assertSame(second, third, "callers during a fetch share one answer");
        assertEquals(1, startedCount(), "one fetch under way at a time");

        end(0);
        assertEquals(0, first.join());
        assertEquals(2, startedCount(), "the next fetch starts when the first ends");
        assertFalse(second.isDone());
        end(1);
        assertEquals(1, second.join(), "the shared answer was fetched after its callers called");
        assertEquals(0, fetches.underWay());
    }

    @Test
    void keysAreFetchedApartAndAFailureReachesItsCallersOnly() {
        CompletableFuture<Integer> room = fetches.get("room");
        CompletableFuture<Integer> other = fetches.get("other");
        assertEquals(2, startedCount());
        started.get(0).completeExceptionally(new IllegalStateException("redis down"));
        ExecutionException failed = assertThrows(ExecutionException.class, () -> room.get(1, TimeUnit.SECONDS));
        assertTrue(failed.getCause() instanceof IllegalStateException, failed.toString());
        assertFalse(other.isDone());
        end(1);
        assertEquals(0, other.join());
        assertEquals(0, fetches.underWay());
        fetches.get("room");
        assertEquals(3, startedCount(), "a key is fetched again after a failure");
    }

    @Test
    void aFetchThatThrowsFailsItsCallersAndTheNextCallFetchesAgain() {
        AtomicInteger calls = new AtomicInteger();
        SharedFetches<String, Integer> throwing = new SharedFetches<>(key -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("not connected");
            }
            return CompletableFuture.completedFuture(7);
        });
        assertTrue(throwing.get("room").isCompletedExceptionally());
        assertEquals(7, throwing.get("room").join());
        assertEquals(0, throwing.underWay());
    }

    @Test
    void aBurstOfCallersCostsAFewFetchesAndEveryCallerIsAnswered() throws Exception {
        AtomicInteger fetched = new AtomicInteger();
        SharedFetches<String, Integer> slow = new SharedFetches<>(key -> {
            fetched.incrementAndGet();
            return CompletableFuture.supplyAsync(() -> 1, CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS));
        });
        List<Future<Integer>> answers = new ArrayList<>();
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 400; i++) {
                answers.add(callers.submit(() -> slow.get("general").get(5, TimeUnit.SECONDS)));
            }
            for (Future<Integer> answer : answers) {
                assertEquals(1, answer.get(10, TimeUnit.SECONDS));
            }
        }
        assertTrue(fetched.get() <= 40, fetched + " fetches for 400 callers");
        assertEquals(0, slow.underWay());
    }

    private int startedCount() {
        synchronized (started) {
            return started.size();
        }
    }

    private void end(int index) {
        CompletableFuture<Integer> fetch;
        synchronized (started) {
            fetch = started.get(index);
        }
        fetch.complete(0);
    }
}
