package io.chat.socketio.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the outbound queues of all sessions may hold together. A session's own limit ({@link
 * EngineConfig#maxQueueBytes()}) bounds one slow reader, not a crowd of them: 135 signed-in sockets that asked for
 * large history pages and stopped reading ran a 512 MiB heap out (a review).
 *
 * <p>Counted: each session's bytes queued to it alone (answers, its own events: {@link EngineSession#ownBytes}) past
 * its first {@link #FREE_BYTES}, the usual backlog of a healthy socket. Not counted: a broadcast's packet ({@link
 * EnginePacket#shared}), which is in the heap once however many sessions queue it (counted per session, one large
 * message to a big room would read as gigabytes). When the sum passes the capacity, the sessions holding the most
 * are closed, as a full queue of their own closes one, until it is down to three quarters: the slowest readers go,
 * whoever asked last. The sum is counted again at most once every {@link #RECOUNT_NANOS}, by one thread at a time,
 * and only when a session past its free bytes adds to them: nothing on the path of a socket that keeps up.
 */
final class OutboundBacklog {
    /** The bytes a session may have queued to it alone (or being written) before they count. */
    static final long FREE_BYTES = 8 * 1024;

    private static final long RECOUNT_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final long capacity;
    private final ReentrantLock counting = new ReentrantLock();
    private volatile long countedAt;

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

    /** A session behind and what it held when counted (a session's count moves while they are sorted). */
    private record Behind(EngineSession session, long excess) {}

    /**
     * Counts the sessions' backlogs past their free bytes (unless counted less than 10 ms ago, or being counted);
     * over the capacity, closes the largest holders until the rest is at most three quarters of it.
     */
    void shedIfFull(Iterable<EngineSession> sessions) {
        if (System.nanoTime() - countedAt < RECOUNT_NANOS || !counting.tryLock()) {
            return;
        }
        try {
            long backlog = 0;
            for (EngineSession session : sessions) {
                backlog += Math.max(0, session.ownBytes() - FREE_BYTES);
            }
            if (backlog > capacity) {
                List<Behind> behind = new ArrayList<>();
                for (EngineSession session : sessions) {
                    long excess = session.ownBytes() - FREE_BYTES;
                    if (excess > 0 && session.isOpen()) {
                        behind.add(new Behind(session, excess));
                    }
                }
                behind.sort(Comparator.comparingLong(Behind::excess).reversed());
                long left = behind.stream().mapToLong(Behind::excess).sum();
                for (Behind largest : behind) {
                    if (left <= capacity / 4 * 3) {
                        break;
                    }
                    largest.session()
                            .overflow(
                                    "engine.io session closed: among the largest outbound backlogs when all sessions'"
                                            + " passed " + capacity + " bytes",
                                    true);
                    left -= largest.excess();
                }
            }
            countedAt = System.nanoTime();
        } finally {
            counting.unlock();
        }
    }
}
