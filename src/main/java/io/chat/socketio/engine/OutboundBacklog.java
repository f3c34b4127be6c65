package io.chat.socketio.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What the outbound queues of all sessions may hold together. A session's own limit ({@link
 * EngineConfig#maxQueueBytes()}) bounds one slow reader, not a crowd of them: 135 signed-in sockets that asked for
 * large history pages and stopped reading ran a 512 MiB heap out (a review). It is not a hard limit: what it closes is
 * stalled sessions only, so a client that reads a trickle (a write ending every second) keeps up to its own 4 MiB.
 *
 * <p>The engine's timer looks every {@link #TICK_MILLIS} ({@link #tick}). When a session passed its first {@link
 * #FREE_BYTES} queued or being written since the last look ({@link #behind}), it sums every open session's bytes past
 * them. Over the capacity, it closes the stalled sessions, those with bytes queued and no write ended for {@link
 * #STALLED_MILLIS}, longest stalled first, as a full queue of their own closes one, until the sum is down to three
 * quarters or no stalled one is left; a closed session's queue goes at once ({@link Transport#abort}). A session that
 * is only busy (a burst to a big room, a large page on its way) is counted, never closed: what is closed is what holds
 * memory and does not move. A broadcast's packet is counted for each session that holds it, though its bytes are in
 * the heap once: an overestimate, which only decides when to look for stalled sessions, never which to close. The
 * clock is this timer's ({@link #now}), so that nothing on a socket's path reads the system's.
 */
final class OutboundBacklog {
    /** The bytes a session may hold before they count. */
    static final long FREE_BYTES = 8 * 1024;
    /** How often the engine's timer looks, and the resolution of {@link #now}. */
    static final long TICK_MILLIS = 25;
    /** How long a session holds bytes with no write of it ending before it counts as stalled. */
    static final long STALLED_MILLIS = 1_000;

    /** A look later than this after the one before: the timer (or the whole JVM, a collection) was held up. */
    private static final long LATE_MILLIS = 4 * TICK_MILLIS;

    private final long capacity;
    private final long started = System.nanoTime();
    private volatile long now;
    private volatile boolean behind;
    /**
     * Since when the timer has looked on time: sessions are stamped with its clock, so after a pause every one with
     * bytes queued would look stalled; none is judged until the clock has run on time for {@link #STALLED_MILLIS}.
     */
    private long onTimeSince; // the timer's thread only

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

    /** Milliseconds since the engine started, as of the timer's last look. */
    long now() {
        return now;
    }

    /** A session is past its free bytes: the next look sums them. A read, and a write the first time only. */
    void behind() {
        if (!behind) {
            behind = true;
        }
    }

    /** A stalled session, as it was when summed (its figures move while they are sorted). */
    private record Stalled(EngineSession session, long excess, long since) {}

    /**
     * The timer's look: advances {@link #now}; when a session was past its free bytes, sums every open session's
     * bytes past them and, over the capacity, closes stalled ones, longest stalled first, until the sum is at most
     * three quarters of it. Returns how many it closed.
     */
    int tick(Iterable<EngineSession> sessions) {
        long at = (System.nanoTime() - started) / 1_000_000;
        if (at - now > LATE_MILLIS) {
            onTimeSince = at;
        }
        now = at;
        if (!behind) {
            return 0;
        }
        behind = false;
        long backlog = 0;
        List<Stalled> stalled = new ArrayList<>();
        for (EngineSession session : sessions) {
            long excess = session.queuedBytes() - FREE_BYTES;
            if (excess > 0 && session.isOpen()) {
                backlog += excess;
                behind = true; // still behind: look again next time
                long since = session.stalledSince();
                if (at - since >= STALLED_MILLIS && at - onTimeSince >= STALLED_MILLIS) {
                    stalled.add(new Stalled(session, excess, since));
                }
            }
        }
        if (backlog <= capacity) {
            return 0;
        }
        stalled.sort(Comparator.comparingLong(Stalled::since));
        int closed = 0;
        for (Stalled longest : stalled) {
            if (backlog <= capacity / 4 * 3) {
                break;
            }
            longest.session()
                    .overflow(
                            "engine.io session closed: stalled with all sessions' backlog over " + capacity + " bytes",
                            true);
            backlog -= longest.excess();
            closed++;
        }
        return closed;
    }
}
