package io.chat.socketio.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What the outbound queues of all sessions may hold together. A session's own limit ({@link
 * EngineConfig#maxQueueBytes()}) bounds one slow reader, not a crowd of them: 135 signed-in sockets that asked for
 * large history pages and stopped reading ran a 512 MiB heap out (a review).
 *
 * <p>Each session is charged what it holds queued or being written ({@link EngineSession#chargedBytes}): a packet's
 * size, or its share of a broadcast's, whose bytes are in the heap once however many sessions queue them ({@link
 * EnginePacket#shared}: counted whole per recipient, one large message to a big room read as hundreds of megabytes).
 * Past its first {@link #FREE_BYTES}, the usual backlog of a healthy socket, a session's charge counts. A session
 * that passes them marks the backlog to be counted; the engine's timer counts it at most every {@link #EVERY_MILLIS}
 * when so marked ({@link #countIfBehind}), off every socket's path. Over the capacity, the sessions whose writes have
 * not moved for longest (the readers that stopped, not one slowly taking a large answer) are closed, as a full queue
 * of their own closes one, until three quarters are left; a closed session's queue goes at once ({@link
 * Transport#abort}).
 */
final class OutboundBacklog {
    /** The bytes a session may be charged before they count. */
    static final long FREE_BYTES = 8 * 1024;
    /** How often the timer looks whether the backlog must be counted. */
    static final long EVERY_MILLIS = 25;

    private final long capacity;
    private volatile boolean behind;

    OutboundBacklog(long capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
    }

    /** An eighth of the heap, at least 16 MiB. */
    static long defaultCapacity(long maxHeapBytes) {
        return Math.max(16L << 20, maxHeapBytes / 8);
    }

    long capacity() {
        return capacity;
    }

    /** A session is past its free bytes: the next look counts all of them. A read, and a write only the first time. */
    void behind() {
        if (!behind) {
            behind = true;
        }
    }

    /** A session behind, as it was when counted (its figures move while they are sorted). */
    private record Behind(EngineSession session, long excess, long lastSent) {}

    /**
     * On the engine's timer: when a session was past its free bytes since the last look, counts every session's
     * charge past them and, over the capacity, closes those whose writes have not moved for longest until the rest is
     * at most three quarters of it. Returns how many it closed.
     */
    int countIfBehind(Iterable<EngineSession> sessions) {
        if (!behind) {
            return 0;
        }
        behind = false;
        long backlog = 0;
        List<Behind> counted = new ArrayList<>();
        for (EngineSession session : sessions) {
            long excess = session.chargedBytes() - FREE_BYTES;
            if (excess > 0 && session.isOpen()) {
                backlog += excess;
                counted.add(new Behind(session, excess, session.lastSent()));
                behind = true; // still behind: look again next time
            }
        }
        if (backlog <= capacity) {
            return 0;
        }
        counted.sort(Comparator.comparingLong(Behind::lastSent)
                .thenComparing(Comparator.comparingLong(Behind::excess).reversed()));
        int closed = 0;
        for (Behind stalled : counted) {
            if (backlog <= capacity / 4 * 3) {
                break;
            }
            stalled.session()
                    .overflow(
                            "engine.io session closed: its writes stalled longest when all sessions' backlog"
                                    + " passed " + capacity + " bytes",
                            true);
            backlog -= stalled.excess();
            closed++;
        }
        return closed;
    }
}
