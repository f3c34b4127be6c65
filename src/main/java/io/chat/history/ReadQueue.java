package io.chat.history;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One tenant's reads on the read executor that every tenant shares. At most {@code maxRunning} of them are handed
 * to the executor at a time (as many as the tenant has read connections); the others wait here, in the tenant's own
 * queue. So the executor's queue holds at most {@code maxRunning} tasks of any tenant, a tenant flooding it with reads
 * delays another tenant's read by a few reads at most, and with fewer connections than executor threads no tenant
 * occupies every thread.
 *
 * <p>The queue is bounded twice: by count (memory), and by age (a read that waited {@code maxWait} is failed, not
 * run: its caller is better told at once than served late). The age is enforced by a timer, not only when a slot comes
 * free: while every slot is held by slow reads, a waiting read still fails after {@code maxWait}. A refused read fails at once with
 * {@link ReadsBusyException}; it never waits for room. A read whose future was completed by its caller (cancelled,
 * e.g. because the socket that asked for it is gone) leaves the queue and never touches the database.
 */
final class ReadQueue {
    private final String tenantId;
    private final Executor executor;
    private final int maxRunning;
    private final int maxWaiting;
    private final long maxWaitNanos;
    private final ArrayDeque<Read<?>> waiting = new ArrayDeque<>();
    private int running; // guarded by this
    private long skipped; // guarded by this

    private record Read<T>(Supplier<T> work, CompletableFuture<T> result, long queuedAt) {
        void run() {
            try {
                result.complete(work.get());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }
    }

    ReadQueue(String tenantId, Executor executor, int maxRunning, int maxWaiting, Duration maxWait) {
        this.tenantId = tenantId;
        this.executor = executor;
        this.maxRunning = maxRunning;
        this.maxWaiting = maxWaiting;
        this.maxWaitNanos = maxWait.toNanos();
    }

    <T> CompletableFuture<T> submit(Supplier<T> work) {
        Read<T> read = new Read<>(work, new CompletableFuture<>(), System.nanoTime());
        synchronized (this) {
            if (running < maxRunning) {
                running++;
            } else if (waiting.size() < maxWaiting) {
                waiting.add(read);
                read.result().whenComplete((value, error) -> {
                    if (error instanceof CancellationException && withdraw(read)) {
                        countSkipped();
                    }
                });
                CompletableFuture.delayedExecutor(maxWaitNanos, TimeUnit.NANOSECONDS)
                        .execute(() -> expire(read));
                return read.result();
            } else {
                return CompletableFuture.failedFuture(new ReadsBusyException(tenantId));
            }
        }
        start(read);
        return read.result();
    }

    /** Reads cancelled by their caller before they ran, since the store opened. */
    synchronized long skipped() {
        return skipped;
    }

    private synchronized void countSkipped() {
        skipped++;
    }

    /** Runs {@code read} on the executor, and after it the next waiting read, holding one slot throughout. */
    private void start(Read<?> read) {
        Read<?> next = read;
        while (next != null) {
            Read<?> current = next;
            try {
                executor.execute(() -> {
                    try {
                        if (current.result().isDone()) {
                            countSkipped(); // cancelled while it waited on the executor
                        } else {
                            current.run();
                        }
                    } finally {
                        Read<?> following = next();
                        if (following != null) {
                            start(following);
                        }
                    }
                });
                return;
            } catch (RejectedExecutionException e) {
                current.result()
                        .completeExceptionally(new StoreException("tenant store " + tenantId + ": read refused", e));
                next = next();
            }
        }
    }

    /** The next read to run in the slot that just came free, or null when the slot is given back. */
    private Read<?> next() {
        long now = System.nanoTime();
        while (true) {
            Read<?> candidate;
            synchronized (this) {
                candidate = waiting.poll();
                if (candidate == null) {
                    running--;
                    return null;
                }
            }
            if (candidate.result().isDone()) {
                countSkipped(); // cancelled by its caller before withdraw() ran
                continue;
            }
            if (now - candidate.queuedAt() > maxWaitNanos) {
                candidate.result().completeExceptionally(new ReadsBusyException(tenantId));
                continue;
            }
            return candidate;
        }
    }

    /** A read still waiting when its age runs out fails: a read already handed to the executor runs to its end. */
    private void expire(Read<?> read) {
        if (withdraw(read)) {
            read.result().completeExceptionally(new ReadsBusyException(tenantId));
        }
    }

    /** Takes {@code read} out of the queue, freeing its place in the bound at once; false when it was not waiting. */
    private synchronized boolean withdraw(Read<?> read) {
        for (Iterator<Read<?>> it = waiting.iterator(); it.hasNext(); ) {
            if (it.next() == read) {
                it.remove();
                return true;
            }
        }
        return false;
    }
}
