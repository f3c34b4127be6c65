package io.chat.history;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The queue in front of a store's writer thread: callers add writes (never blocking on I/O, ignoring their
 * interrupts), the writer takes them in batches for group commit. Bounded: past {@code maxPending} queued writes a new
 * one is refused at once rather than grow the heap. Once stopping, nothing more is admitted, and the stop marker is
 * the last thing ever queued, so nothing is left hanging behind it.
 */
final class WriteQueue<O> {
    private static final System.Logger LOG = System.getLogger(WriteQueue.class.getName());

    private final String owner;
    private final int maxPending;
    private final O stopMarker;
    private final LinkedBlockingQueue<O> queue = new LinkedBlockingQueue<>();
    /** Makes "not stopping, so queue it" atomic. */
    private final ReentrantLock admission = new ReentrantLock();

    private boolean stopping; // guarded by admission

    /** @param owner names the store in errors and logs, e.g. {@code "tenant store acme"} */
    WriteQueue(String owner, int maxPending, O stopMarker) {
        this.owner = owner;
        this.maxPending = maxPending;
        this.stopMarker = stopMarker;
    }

    /** Queues {@code op}; or, when closed or overloaded, returns the failure to complete its future with. */
    StoreException offer(O op) {
        admission.lock();
        try {
            if (stopping) {
                return new StoreException(owner + " is closed");
            }
            if (queue.size() >= maxPending) {
                return new StoreException(owner + " is overloaded");
            }
            queue.add(op);
            return null;
        } finally {
            admission.unlock();
        }
    }

    /** Admits nothing more and queues the stop marker behind what is queued (once). */
    void stop() {
        admission.lock();
        try {
            if (!stopping) {
                stopping = true;
                queue.add(stopMarker);
            }
        } finally {
            admission.unlock();
        }
    }

    /** Admits nothing more, without a marker: the writer is gone. */
    void refuseNew() {
        admission.lock();
        try {
            stopping = true;
        } finally {
            admission.unlock();
        }
    }

    boolean isStopping() {
        admission.lock();
        try {
            return stopping;
        } finally {
            admission.unlock();
        }
    }

    /** Whether writes are waiting to be taken. */
    boolean hasQueued() {
        return !queue.isEmpty();
    }

    /** {@link #nextBatch(List, int, long)} without gathering: what is queued once the first write came. */
    boolean nextBatch(List<O> batch, int max) {
        return nextBatch(batch, max, System.nanoTime());
    }

    /**
     * Fills {@code batch} (cleared first) with the next writes, waiting for the first one: at most {@code max}, and,
     * until {@code gatherUntilNanos} ({@link System#nanoTime}) if that is still ahead, what comes meanwhile. Returns
     * true when the stop marker came: it is not in the batch, and nothing follows it.
     */
    boolean nextBatch(List<O> batch, int max, long gatherUntilNanos) {
        batch.clear();
        batch.add(takeIgnoringInterrupts());
        queue.drainTo(batch, max - 1);
        long wait;
        while (batch.size() < max
                && batch.getLast() != stopMarker
                && (wait = gatherUntilNanos - System.nanoTime()) > 0) {
            O next = pollIgnoringInterrupts(wait);
            if (next == null) {
                break;
            }
            batch.add(next);
            queue.drainTo(batch, max - batch.size());
        }
        boolean stop = batch.getLast() == stopMarker;
        if (stop) {
            batch.removeLast();
        }
        return stop;
    }

    /**
     * Adds to {@code batch} (a batch {@link #nextBatch} returned, without the stop marker) what is queued by
     * {@code untilNanos} ({@link System#nanoTime}), at most {@code max} in all: sleeps until then once, without being
     * woken by each write that comes meanwhile (on a shared core each wake-up is a context switch), then takes what
     * came. Returns true when the stop marker came: it is not in the batch, and nothing follows it. Nobody interrupts
     * the writer; an interrupt ends the sleep early and is ignored.
     */
    boolean addHeld(List<O> batch, int max, long untilNanos) {
        for (long wait; (wait = untilNanos - System.nanoTime()) > 0; ) {
            LockSupport.parkNanos(wait);
            if (Thread.interrupted()) {
                LOG.log(Level.WARNING, owner + ": store writer interrupted; ignored");
                break;
            }
        }
        queue.drainTo(batch, max - batch.size());
        boolean stop = !batch.isEmpty() && batch.getLast() == stopMarker;
        if (stop) {
            batch.removeLast();
        }
        return stop;
    }

    /**
     * Takes the queued ops that {@code which} selects out of the queue, in order, and hands each to {@code failer} (while
     * the writer is held); the others keep their places. Returns how many.
     */
    int removeWaiting(Predicate<O> which, Consumer<O> failer) {
        List<O> removed = new ArrayList<>();
        queue.removeIf(op -> op != stopMarker && which.test(op) && removed.add(op));
        removed.forEach(failer);
        return removed.size();
    }

    /** Hands every write still queued to {@code failer} (after the writer stopped). */
    void drain(Consumer<O> failer) {
        for (O op = queue.poll(); op != null; op = queue.poll()) {
            if (op != stopMarker) {
                failer.accept(op);
            }
        }
    }

    private O pollIgnoringInterrupts(long nanos) {
        try {
            return queue.poll(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            LOG.log(Level.WARNING, owner + ": store writer interrupted; ignored");
            return null; // the batch goes as it is
        }
    }

    private O takeIgnoringInterrupts() {
        while (true) {
            try {
                return queue.take();
            } catch (InterruptedException e) {
                // Nobody should interrupt the writer; take() cleared the flag, so the database will not see it.
                LOG.log(Level.WARNING, owner + ": store writer interrupted; ignored");
            }
        }
    }
}
