package io.chat.api;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Logins in progress per client address. Each costs a slow hash, so one address flooding logins (with invented
 * names, which the per-user limit does not catch) must not queue more than a few hashes ahead of everyone else.
 * Past {@code perAddress} at once, a login waits its turn (an office behind one NAT address signing in at 9:00 is
 * normal traffic), at most {@code maxWait}; it is refused when the wait runs out or too many already wait.
 *
 * <p>Bounded: an address is held only while it has logins in progress or waiting, at most {@code maxAddresses}
 * addresses (each an IP address of at most 45 characters and a small record); at most {@code waitingPerAddress}
 * waiters per address and {@code maxWaiting} in all, each a parked virtual thread holding a parsed login.
 */
final class LoginSlots {
    /** A slot taken; closing it gives it back. */
    interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    private static final class Address {
        final Semaphore slots;
        /** Logins in progress or waiting; changed only inside the map's compute for this address. */
        int users;

        Address(int perAddress) {
            this.slots = new Semaphore(perAddress, true);
        }
    }

    private final int perAddress;
    private final int waitingPerAddress;
    private final int maxAddresses;
    private final int maxWaiting;
    private final Duration maxWait;
    private final ConcurrentHashMap<String, Address> addresses = new ConcurrentHashMap<>();
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicInteger waiting = new AtomicInteger();

    LoginSlots(int perAddress, int waitingPerAddress, int maxAddresses, int maxWaiting, Duration maxWait) {
        this.perAddress = perAddress;
        this.waitingPerAddress = waitingPerAddress;
        this.maxAddresses = maxAddresses;
        this.maxWaiting = maxWaiting;
        this.maxWait = maxWait;
    }

    /** A slot for the address, after waiting at most {@code maxWait}; empty when refused. */
    Optional<Slot> acquire(String address) {
        Address entry = join(address);
        if (entry == null) {
            return Optional.empty();
        }
        boolean acquired = take(entry);
        if (!acquired) {
            leave(address);
            return Optional.empty();
        }
        AtomicBoolean open = new AtomicBoolean(true);
        return Optional.of(() -> {
            if (open.getAndSet(false)) {
                entry.slots.release();
                leave(address);
            }
        });
    }

    /** Waits for a slot in turn (the semaphore is fair); only while fewer than {@code maxWaiting} wait in all. */
    private boolean take(Address entry) {
        boolean mayWait = waiting.incrementAndGet() <= maxWaiting;
        try {
            return entry.slots.tryAcquire(mayWait ? maxWait.toNanos() : 0, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            waiting.decrementAndGet();
        }
    }

    /** Addresses held now (for tests). */
    int addresses() {
        return addresses.size();
    }

    /** Counts a login of the address in; null when the address or the table is full. */
    private Address join(String address) {
        boolean[] joined = {false};
        Address entry = addresses.compute(address, (a, current) -> {
            if (current == null) {
                if (held.incrementAndGet() > maxAddresses) {
                    held.decrementAndGet();
                    return null;
                }
                current = new Address(perAddress);
            } else if (current.users >= perAddress + waitingPerAddress) {
                return current;
            }
            current.users++;
            joined[0] = true;
            return current;
        });
        return joined[0] ? entry : null;
    }

    private void leave(String address) {
        addresses.computeIfPresent(address, (a, entry) -> {
            if (--entry.users > 0) {
                return entry;
            }
            held.decrementAndGet();
            return null;
        });
    }
}
