package io.chat.socketio.engine;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * A few reusable scratch objects, each lent to one thread at a time and given back, shared by every thread: for the
 * write path's scratch buffers, where a new one per message was a sizeable part of a busy node's allocation, and so
 * of how often its young collections pause it (docs/performance.md, W5). Lock-free. When every one is lent (more
 * borrowers at once than objects, such as writers held in a slow socket's write), {@link #borrow()} answers null and
 * the caller makes its own, as it did before.
 */
public final class Lender<T> {
    private final AtomicReferenceArray<T> idle;
    private final Supplier<T> maker;
    private final AtomicInteger made = new AtomicInteger();

    /** At most {@code count} objects, made by {@code maker} when first needed. */
    public Lender(int count, Supplier<T> maker) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1");
        }
        this.idle = new AtomicReferenceArray<>(count);
        this.maker = maker;
    }

    /** An object that is the caller's until it gives it back, or null when all are lent. */
    public T borrow() {
        for (int i = 0; i < idle.length(); i++) {
            // a read first: a swap on an empty slot would write it for nothing
            if (idle.get(i) != null) {
                T object = idle.getAndSet(i, null);
                if (object != null) {
                    return object;
                }
            }
        }
        if (made.get() < idle.length()) {
            if (made.incrementAndGet() <= idle.length()) {
                try {
                    return maker.get();
                } catch (RuntimeException | Error e) {
                    made.decrementAndGet(); // not made: another may be, later
                    throw e;
                }
            }
            made.decrementAndGet(); // lost the race for the last one
        }
        return null;
    }

    /** Instead of {@link #giveBack}: the caller keeps or drops what it borrowed, and another may be made for it. */
    public void forget() {
        made.decrementAndGet();
    }

    /** Gives back an object {@link #borrow()} lent; the caller does not touch it after. */
    public void giveBack(T object) {
        for (int i = 0; i < idle.length(); i++) {
            if (idle.get(i) == null && idle.compareAndSet(i, null, object)) {
                return;
            }
        }
    }
}
