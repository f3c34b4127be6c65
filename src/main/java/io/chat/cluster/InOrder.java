package io.chat.cluster;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * Runs what it is given one at a time, in the order given, on a virtual thread of its own while anything is queued.
 * The cluster's answers complete on the Redis client's I/O thread, which carries every tenant's traffic: what follows
 * an answer (a {@code user:online} to every socket of a tenant) runs here instead, so that a tenant's fan-out never
 * stalls the others' Redis calls, and in the order the answers came, as the counts that decided it were changed.
 */
final class InOrder implements Executor {
    private static final System.Logger LOGGER = System.getLogger(InOrder.class.getName());

    private final String name;
    /** Guarded by this. */
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    /** A thread drains the queue; guarded by this. */
    private boolean draining;

    InOrder(String name) {
        this.name = name;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (this) {
            queue.add(task);
            if (draining) {
                return;
            }
            draining = true;
        }
        Thread.ofVirtual().name(name).start(this::drain);
    }

    private void drain() {
        boolean emptied = false;
        try {
            while (true) {
                Runnable next;
                synchronized (this) {
                    next = queue.poll();
                    if (next == null) {
                        draining = false;
                        emptied = true;
                        return;
                    }
                }
                try {
                    next.run();
                } catch (RuntimeException e) {
                    LOGGER.log(
                            System.Logger.Level.WARNING,
                            "event=" + name + " outcome=error error="
                                    + e.getClass().getSimpleName());
                }
            }
        } finally {
            if (!emptied) { // an Error ended this thread: the rest of the queue gets another
                Thread.ofVirtual().name(name).start(this::drain);
            }
        }
    }
}
