package io.chat.socketio.engine;

import java.time.Duration;
import java.util.Optional;

/**
 * The polling→WebSocket upgrade of one session, in one place as engine.io's server keeps it
 * ({@code Socket#maybeUpgrade}):
 * <pre>
 *   POLLING --begin--> PROBING --"2probe" / "3probe"--> UPGRADING --"5"--> UPGRADED
 *      ^                  |                                  |
 *      +------- the candidate ends (closed, timed out) ------+
 * </pre>
 * Only one candidate transport at a time; a session opened on a WebSocket starts, and stays, UPGRADED. Soon
 * after the probe is answered, polls are released with a NOOP so the client can pause polling; {@code "5"}
 * completes the upgrade and cancels its timeout. When the timeout passes first, or the session ends, the
 * candidate is closed and may no longer complete the upgrade; the upgrade is over once it has ended.
 * <p>
 * It does no I/O itself: what the transitions do to the transports is its {@link Effects}. Thread-safe.
 *
 * @param <C> the candidate transport
 */
final class Upgrade<C> {
    /** Where the upgrade is. */
    enum State {
        /** On long-polling, no upgrade under way: a candidate may begin one. */
        POLLING,
        /** A candidate took the upgrade; its probe has not come yet. */
        PROBING,
        /** The probe was answered; polling is being paused; {@code "5"} completes the upgrade. */
        UPGRADING,
        /** The session is on its WebSocket for good (upgraded, or opened there). */
        UPGRADED
    }

    /** What the transitions do to the session's transports: the session does them, a test records them. */
    interface Effects<C> {
        /** Writes the probe's pong ({@code "3probe"}) on the candidate, ahead of anything else. */
        void answerProbe(C candidate);

        /** Releases the waiting poll, and every later one that finds nothing to send, with a NOOP. */
        void pausePolling();

        /** The upgrade failed: polls wait for packets again. */
        void resumePolling();

        /** The candidate takes over as the session's transport; polling is retired. */
        void switchTo(C candidate);

        /** The upgrade took too long: close the candidate (which then {@link #end ends}). */
        void timedOut(C candidate);
    }

    /** Runs a task after a delay; what it returns cancels the task. */
    interface Timer {
        Runnable schedule(Runnable task, Duration delay);
    }

    private static final String PROBE_PING = EnginePacketType.PING.wire() + EnginePacket.PROBE;
    private static final String UPGRADE = String.valueOf(EnginePacketType.UPGRADE.wire());

    private final Effects<C> effects;
    private final Timer timer;
    private final Duration timeout;
    private final Duration noopDelay;
    private State state;
    private C candidate;
    /** The candidate is being closed (timed out, or its session ended): it may no longer complete the upgrade. */
    private boolean candidateClosing;

    private Runnable cancelTimeout;

    /**
     * @param timeout   how long a candidate has to complete the upgrade
     * @param noopDelay how long after the probe polling is paused: like Node's engine.io, not at once, so a
     *                  client that sends {@code "5"} right after the probe completes before its poll returns
     */
    Upgrade(State initial, Effects<C> effects, Timer timer, Duration timeout, Duration noopDelay) {
        this.state = initial;
        this.effects = effects;
        this.timer = timer;
        this.timeout = timeout;
        this.noopDelay = noopDelay;
    }

    synchronized State state() {
        return state;
    }

    /** A candidate asks to take over; true if it may (from POLLING only, one at a time). Starts the timeout. */
    boolean begin(C newCandidate) {
        synchronized (this) {
            if (state != State.POLLING) {
                return false;
            }
            state = State.PROBING;
            candidate = newCandidate;
            candidateClosing = false;
            cancelTimeout = timer.schedule(() -> timedOut(newCandidate), timeout);
            return true;
        }
    }

    /**
     * A text packet the candidate received before the upgrade completed. False when it has no place in the
     * upgrade (anything but {@code "2probe"} and {@code "5"}, or a candidate that is not the current one): the
     * candidate must be closed.
     */
    boolean receive(C from, String packet) {
        boolean probe = PROBE_PING.equals(packet);
        if (!probe && !UPGRADE.equals(packet)) {
            return false;
        }
        synchronized (this) {
            if (from != candidate || candidateClosing || (state != State.PROBING && state != State.UPGRADING)) {
                return false;
            }
            if (probe) {
                state = State.UPGRADING;
            } else {
                // from now on only the heartbeat decides whether the candidate lives
                state = State.UPGRADED;
                candidate = null;
                cancelTimeout.run();
            }
        }
        if (probe) {
            effects.answerProbe(from);
            timer.schedule(() -> pausePolling(from), noopDelay);
        } else {
            effects.switchTo(from);
        }
        return true;
    }

    /** The candidate ended (closed by either side) before it completed the upgrade: polling goes on. */
    synchronized void end(C ended) {
        if (ended != candidate) {
            return;
        }
        state = State.POLLING;
        candidate = null;
        candidateClosing = false;
        cancelTimeout.run();
        effects.resumePolling();
    }

    private synchronized void pausePolling(C from) {
        if (state == State.UPGRADING && from == candidate && !candidateClosing) {
            effects.pausePolling();
        }
    }

    /**
     * The session ended: the candidate, if one is under way, may no longer complete the upgrade, and the caller
     * closes it (it then {@link #end ends}).
     */
    synchronized Optional<C> abandon() {
        if (candidate == null || candidateClosing) {
            return Optional.empty();
        }
        candidateClosing = true;
        return Optional.of(candidate);
    }

    private void timedOut(C from) {
        synchronized (this) {
            // checked and marked at once: a "5" that completes the upgrade first leaves no candidate to time out
            if (from != candidate || candidateClosing) {
                return;
            }
            candidateClosing = true;
        }
        effects.timedOut(from);
    }
}
