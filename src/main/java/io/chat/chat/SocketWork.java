package io.chat.chat;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;

/**
 * What runs on behalf of one socket and must stop when it disconnects: the history reads it is waiting for (a
 * cancelled read leaves its tenant's read queue and never reaches the database) and the timer that disconnects it
 * when its credential expires.
 */
final class SocketWork {
    static final String KEY = "chat.work";

    private final Set<CompletableFuture<?>> reads = ConcurrentHashMap.newKeySet();
    private volatile ScheduledFuture<?> expiry;
    private volatile boolean stopped;

    /** Tracks a read until it completes; returns it. */
    <T> CompletableFuture<T> read(CompletableFuture<T> read) {
        reads.add(read);
        read.whenComplete((value, error) -> reads.remove(read));
        if (stopped) { // stop() may have run before the add: it cannot have seen this read
            read.cancel(false);
        }
        return read;
    }

    void expiry(ScheduledFuture<?> timer) {
        expiry = timer;
        if (stopped) {
            timer.cancel(false);
        }
    }

    /** The socket is gone: its waiting reads are cancelled and its expiry timer too. Idempotent. */
    void stop() {
        stopped = true;
        reads.forEach(read -> read.cancel(false));
        ScheduledFuture<?> timer = expiry;
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
