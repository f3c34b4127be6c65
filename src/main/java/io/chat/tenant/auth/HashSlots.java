package io.chat.tenant.auth;

import java.util.ArrayDeque;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The processors slow hashes may hold at once, handed out first come first served, except that a hash of a suspect
 * lane (one whose recent verifications failed again and again: a login flood, {@link PasswordHasher.Failures}) waits
 * behind every waiting hash of the other lanes. A lane's own limit keeps one flooded tenant to a hash or so ahead of
 * anyone; this keeps many flooded tenants (one address each, random user names) from queueing a hash each ahead of
 * every other tenant's login, which made a calm tenant's login wait 2.5 s behind 16 of them (a review). A suspect
 * lane still gets every processor nobody else waits for.
 */
final class HashSlots {
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Waiter> others = new ArrayDeque<>();
    private final ArrayDeque<Waiter> suspects = new ArrayDeque<>();
    private int free;

    private static final class Waiter {
        private final Thread thread = Thread.currentThread();
        private volatile boolean granted;
    }

    HashSlots(int permits) {
        if (permits < 1) {
            throw new IllegalArgumentException("permits must be positive");
        }
        this.free = permits;
    }

    /** Takes a processor, waiting for one if need be (not interruptible; an interrupt is kept for the caller). */
    void acquire(boolean suspect) {
        Waiter waiter;
        lock.lock();
        try {
            if (free > 0 && others.isEmpty() && suspects.isEmpty()) {
                free--;
                return;
            }
            waiter = new Waiter();
            (suspect ? suspects : others).add(waiter);
        } finally {
            lock.unlock();
        }
        boolean interrupted = false;
        while (!waiter.granted) {
            LockSupport.park(this);
            interrupted |= Thread.interrupted();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Gives a processor back: to the longest waiting hash of a lane that is not suspect, else of one that is. */
    void release() {
        Waiter next;
        lock.lock();
        try {
            next = others.poll();
            if (next == null) {
                next = suspects.poll();
            }
            if (next == null) {
                free++;
                return;
            }
            next.granted = true;
        } finally {
            lock.unlock();
        }
        LockSupport.unpark(next.thread);
    }

    /** Hashes waiting for a processor. */
    int waiting() {
        lock.lock();
        try {
            return others.size() + suspects.size();
        } finally {
            lock.unlock();
        }
    }
}
