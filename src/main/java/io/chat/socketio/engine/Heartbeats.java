package io.chat.socketio.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The heartbeats of an engine's sessions, on one timer task for all of them instead of one per session (a scheduled
 * task and its lambda cost every idle socket about 100 bytes, W3), at the same moments: a session's ping is due {@code
 * pingInterval} after its heartbeat started or its last pong, its ping times out {@code pingTimeout} after that.
 * <p>
 * Both intervals are the same for every session, so the sessions waiting for their ping, ordered by when they started
 * waiting, are also ordered by when their pings are due; and the sessions whose ping was sent, by when it times out.
 * Two lists linked through the sessions themselves keep those orders (a session joins a list's tail, and a pong takes
 * it out from anywhere), and the one task is due when the earlier of the two heads is. Each session's fields for it
 * ({@code heartbeatPrev}, {@code heartbeatNext}, {@code heartbeatBase}, {@code heartbeatState}) are guarded by this
 * object.
 */
final class Heartbeats {
    private static final System.Logger LOGGER = System.getLogger(Heartbeats.class.getName());
    static final byte NONE = 0;
    static final byte WAITING_PING = 1;
    static final byte WAITING_PONG = 2;

    private final ScheduledExecutorService timer;
    private final long intervalNanos;
    private final long timeoutNanos;
    /** Sessions whose ping is not sent yet, by {@code heartbeatBase}. */
    private final Chain waitingPing = new Chain();
    /** Sessions whose ping was sent, by {@code heartbeatBase}. */
    private final Chain waitingPong = new Chain();

    private ScheduledFuture<?> wake;
    private long wakeAt;
    /** Which wake is the current one: a wake cancelled too late that runs anyway does not clear the current one. */
    private long wakeRound;

    Heartbeats(ScheduledExecutorService timer, long intervalNanos, long timeoutNanos) {
        this.timer = timer;
        this.intervalNanos = intervalNanos;
        this.timeoutNanos = timeoutNanos;
    }

    /**
     * The session's ping is due {@code pingInterval} from now (its heartbeat starts, or it answered the last ping): it
     * waits for its ping again, whatever it waited for. Nothing for a closed session.
     */
    synchronized void restart(EngineSession session) {
        chainOf(session).remove(session);
        if (session.heartbeatClosed()) {
            session.heartbeatState = NONE;
            return;
        }
        long now = System.nanoTime();
        session.heartbeatBase = now;
        session.heartbeatState = WAITING_PING;
        waitingPing.add(session);
        wakeBy(now + intervalNanos);
    }

    /** The session ended: no ping and no timeout any more. */
    synchronized void stop(EngineSession session) {
        chainOf(session).remove(session);
        session.heartbeatState = NONE;
    }

    private Chain chainOf(EngineSession session) {
        return session.heartbeatState == WAITING_PONG ? waitingPong : waitingPing;
    }

    /** On the timer: the pings due are sent and the timeouts due are acted on, outside the lock; then the next wake. */
    private void wake(long round) {
        List<EngineSession> ping = new ArrayList<>();
        List<EngineSession> timedOut = new ArrayList<>();
        synchronized (this) {
            if (round == wakeRound) {
                wake = null;
            }
            try {
                dueAt(System.nanoTime(), ping, timedOut);
            } finally {
                // whatever failed above (an Error), the timer wakes again: the pongs that restart it answer pings
                if (waitingPing.head != null) {
                    wakeBy(waitingPing.head.heartbeatBase + intervalNanos);
                }
                if (waitingPong.head != null) {
                    wakeBy(waitingPong.head.heartbeatBase + intervalNanos + timeoutNanos);
                }
            }
        }
        // one session's failure (its transport refusing the ping, say) leaves the others due at this wake
        Failures failures = new Failures();
        ping.forEach(session -> failures.run(session, EngineSession::pingDue));
        timedOut.forEach(session -> failures.run(session, EngineSession::pingTimedOut));
        failures.log();
    }

    /** Moves the sessions whose ping or timeout is due at {@code now} to the lists given; under the lock. */
    private void dueAt(long now, List<EngineSession> ping, List<EngineSession> timedOut) {
        EngineSession head;
        while ((head = waitingPing.head) != null && now - (head.heartbeatBase + intervalNanos) >= 0) {
            waitingPing.remove(head);
            if (head.heartbeatClosed()) {
                head.heartbeatState = NONE;
                continue;
            }
            // the timeout counts from when the ping was due, so a late timer does not stretch it
            head.heartbeatState = WAITING_PONG;
            waitingPong.add(head);
            ping.add(head);
        }
        while ((head = waitingPong.head) != null && now - (head.heartbeatBase + intervalNanos + timeoutNanos) >= 0) {
            waitingPong.remove(head);
            head.heartbeatState = NONE;
            timedOut.add(head);
        }
    }

    /** What failed at one wake: one warning for all of it, with the first failure (not one per session). */
    private static final class Failures {
        private int count;
        private RuntimeException first;

        void run(EngineSession session, Consumer<EngineSession> action) {
            try {
                action.accept(session);
            } catch (RuntimeException e) {
                if (count++ == 0) {
                    first = e;
                }
            }
        }

        void log() {
            if (count > 0) {
                LOGGER.log(
                        System.Logger.Level.WARNING,
                        "heartbeat actions failed at one wake: " + count + " (the first below)",
                        first);
            }
        }
    }

    /** Makes sure the timer wakes by {@code at} (System.nanoTime()); under the lock. */
    private void wakeBy(long at) {
        if (wake != null && wakeAt - at <= 0) {
            return;
        }
        if (wake != null) {
            wake.cancel(false);
        }
        long round = ++wakeRound;
        try {
            wake = timer.schedule(() -> wake(round), Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
            wakeAt = at;
        } catch (RejectedExecutionException stopping) {
            // the engine is shutting down, closing every session
            wake = null;
        }
    }

    /** Sessions linked through their own heartbeat fields, oldest first. */
    private static final class Chain {
        EngineSession head;
        EngineSession tail;

        void add(EngineSession session) {
            session.heartbeatPrev = tail;
            session.heartbeatNext = null;
            if (tail == null) {
                head = session;
            } else {
                tail.heartbeatNext = session;
            }
            tail = session;
        }

        /** Takes the session out if it is in this chain; nothing otherwise. */
        void remove(EngineSession session) {
            if (session != head && session.heartbeatPrev == null) {
                return;
            }
            EngineSession prev = session.heartbeatPrev;
            EngineSession next = session.heartbeatNext;
            if (prev == null) {
                head = next;
            } else {
                prev.heartbeatNext = next;
            }
            if (next == null) {
                tail = prev;
            } else {
                next.heartbeatPrev = prev;
            }
            session.heartbeatPrev = null;
            session.heartbeatNext = null;
        }
    }
}
