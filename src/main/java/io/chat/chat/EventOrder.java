package io.chat.chat;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Runs one socket's events in the order they came, though some wait for the cluster first (a token of its rate
 * buckets in Redis): an event whose wait is not over holds back every later event of the socket until it ran. A
 * take that finds this node's lease spent waits for Redis's answer together with the takes after it, and those
 * resumed last first (a review: a burst of 40 messages from one socket was stored as m0, m5, m6, m3, ..., m39, m38,
 * ...). With nothing waiting (a single node; a lease with tokens left) an event runs at once, on its own thread, as
 * before. The ones that waited run on a virtual thread of their own, in order, never on the Redis client's I/O thread
 * that completed their wait (whose stall would stall every node's traffic through it).
 *
 * <p>Events of one socket are dispatched one at a time (its connection's reader, or its polling POSTs, which never
 * overlap), so no two {@link #ready} calls race; the queue is bounded by the socket's own rate buckets, which an
 * event passes before it gets here.
 */
final class EventOrder {
    private static final System.Logger LOGGER = System.getLogger(EventOrder.class.getName());
    private static final Executor LATER =
            runnable -> Thread.ofVirtual().name("chat-event-after-wait").start(runnable);

    private record Step(CompletableFuture<?> awaited, Runnable work) {}

    /** The socket's steps waiting their turn, made with the first (most sockets never wait); guarded by this. */
    private ArrayDeque<Step> waiting;
    /** A thread runs the queue's ready head; guarded by this. */
    private boolean draining;

    /**
     * Whether an event whose wait is {@code wait} may run now, on the caller's thread: no earlier event of the socket
     * waits, and neither does it.
     */
    synchronized boolean ready(CompletableFuture<?> wait) {
        return !behindOthers() && wait.isDone();
    }

    /** Whether an earlier event of the socket is still to run: a check of state it may change must wait for it. */
    synchronized boolean behindOthers() {
        return (waiting != null && !waiting.isEmpty()) || draining;
    }

    /**
     * Runs {@code work} once {@code wait} completed (whichever way) and every event queued before it ran; {@code work}
     * handles its own failures (what it throws is dropped).
     */
    void later(CompletableFuture<?> wait, Runnable work) {
        synchronized (this) {
            if (waiting == null) {
                waiting = new ArrayDeque<>(4);
            }
            waiting.add(new Step(wait, work));
        }
        wait.whenComplete((value, error) -> drainIfIdle());
    }

    private void drainIfIdle() {
        synchronized (this) {
            if (draining
                    || waiting == null
                    || waiting.isEmpty()
                    || !waiting.peek().awaited().isDone()) {
                return;
            }
            draining = true;
        }
        try {
            LATER.execute(this::drain);
        } catch (RuntimeException | Error e) {
            synchronized (this) {
                draining = false; // no thread started: the next completion tries again
            }
            throw e;
        }
    }

    /**
     * Runs the queue's steps from its head while their waits are over; the next completion starts it again. A step
     * acks its own failures; whatever escapes one (an Error too: a queue left draining would hold back the socket's
     * every later event for the life of its connection) is logged by its type and the next step runs.
     */
    private void drain() {
        while (true) {
            Step next;
            synchronized (this) {
                next = waiting.peek();
                if (next == null || !next.awaited().isDone()) {
                    if (next == null) {
                        waiting = null; // a burst's queue is not kept for the life of the socket
                    }
                    draining = false;
                    return;
                }
                waiting.poll();
            }
            try {
                next.work().run();
            } catch (RuntimeException | Error e) {
                LOGGER.log(
                        System.Logger.Level.WARNING,
                        "event=socket-event outcome=error type=" + e.getClass().getSimpleName());
            }
        }
    }
}
