package io.chat.socketio.engine;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the outbound queues of all sessions may hold together. A session's own limit ({@link
 * EngineConfig#maxQueueBytes()}) bounds one slow reader, not a crowd of them: 135 signed-in sockets that asked for
 * large history pages and stopped reading ran a 512 MiB heap out (a review). Each session's first {@link #FREE_BYTES}
 * are its own, the usual backlog of a healthy socket, and never checked; past them, a session that adds to its queue
 * while all sessions' backlogs beyond their free bytes are over the capacity is closed, as a full queue of its own
 * closes it. Only sessions already behind are closed; one that keeps up never is. The sum is counted again at most
 * once every {@link #RECOUNT_NANOS}, by one thread at a time, and only when a session behind asks: nothing on the
 * path of a socket that keeps up.
 */
final class OutboundBacklog {
    /** The bytes a session may have queued (or being written) before its backlog counts. */
    static final long FREE_BYTES = 8 * 1024;

    private static final long RECOUNT_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final long capacity;
    private final ReentrantLock counting = new ReentrantLock();
    private volatile long countedAt;
    private volatile boolean full;

    OutboundBacklog(long capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
        this.countedAt = System.nanoTime() - RECOUNT_NANOS;
    }

    /** An eighth of the heap, at least 16 MiB. */
    static long defaultCapacity(long maxHeapBytes) {
        return Math.max(16L << 20, maxHeapBytes / 8);
    }

    long capacity() {
        return capacity;
    }

    /** Whether the sessions' backlogs past their free bytes are over the capacity, as counted at most 10 ms ago. */
    boolean full(Iterable<EngineSession> sessions) {
        if (System.nanoTime() - countedAt >= RECOUNT_NANOS && counting.tryLock()) {
            try {
                long backlog = 0;
                for (EngineSession session : sessions) {
                    backlog += Math.max(0, session.queuedBytes() - FREE_BYTES);
                }
                full = backlog > capacity;
                countedAt = System.nanoTime();
            } finally {
                counting.unlock();
            }
        }
        return full;
    }
}
