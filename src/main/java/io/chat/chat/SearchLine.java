package io.chat.chat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * One tenant's searches, one at a time: a search holds at most one of the tenant's read connections, so the others
 * stay for history, logins and the rest however many of its users search at once (a search costs up to
 * {@link io.chat.history.SearchQuery#TIME_LIMIT}, a history page a few milliseconds). The others wait here, in order,
 * at most {@link #MAX_WAITING} and for at most {@link #MAX_WAIT}; past either a search fails with {@link Busy}. A
 * waiting search completed by its caller (cancelled: its socket is gone) is never started. A started one keeps the
 * line until its store answers, even when its caller is gone (the store bounds its time).
 */
final class SearchLine {
    static final int MAX_WAITING = 1_000;
    static final Duration MAX_WAIT = Duration.ofSeconds(5);

    /** The line is too long, or a search waited too long in it. */
    static final class Busy extends RuntimeException {
        Busy() {
            super("search line busy", null, false, false);
        }
    }

    private final ArrayDeque<Search<?>> waiting = new ArrayDeque<>(); // guarded by this
    private boolean running; // guarded by this

    private record Search<T>(Supplier<CompletableFuture<T>> start, CompletableFuture<T> result, long queuedAt) {
        /** Starts it; the future returned completes once the store has answered (whatever its caller did). */
        CompletableFuture<Void> begin() {
            CompletableFuture<T> work;
            try {
                work = start.get();
            } catch (RuntimeException e) {
                work = CompletableFuture.failedFuture(e);
            }
            return work.handle((value, error) -> {
                if (error == null) {
                    result.complete(value);
                } else {
                    result.completeExceptionally(error);
                }
                return null;
            });
        }
    }

    /** Runs {@code start} (a store's search) when no other search of the tenant runs; its answer, when it has one. */
    <T> CompletableFuture<T> submit(Supplier<CompletableFuture<T>> start) {
        Search<T> search = new Search<>(start, new CompletableFuture<>(), System.nanoTime());
        synchronized (this) {
            if (running) {
                if (waiting.size() >= MAX_WAITING) {
                    return CompletableFuture.failedFuture(new Busy());
                }
                waiting.add(search);
                return search.result();
            }
            running = true;
        }
        run(search);
        return search.result();
    }

    private void run(Search<?> search) {
        search.begin().whenComplete((done, error) -> {
            Search<?> next = next();
            if (next != null) {
                run(next);
            }
        });
    }

    /** The next search to start, or null when the line is free. */
    private Search<?> next() {
        long now = System.nanoTime();
        while (true) {
            Search<?> candidate;
            synchronized (this) {
                candidate = waiting.poll();
                if (candidate == null) {
                    running = false;
                    return null;
                }
            }
            if (candidate.result().isDone()) {
                continue; // cancelled: its socket is gone
            }
            if (now - candidate.queuedAt() > MAX_WAIT.toNanos()) {
                candidate.result().completeExceptionally(new Busy());
                continue;
            }
            return candidate;
        }
    }
}
