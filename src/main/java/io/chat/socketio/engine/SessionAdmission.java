package io.chat.socketio.engine;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts open sessions, in all and per client address, and refuses one past either cap. Memory stays bounded:
 * an address is only in the map while it has a session, so at most {@code maxSessions} entries.
 */
final class SessionAdmission {
    private final int maxSessions;
    private final int maxPerAddress;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<String, Integer> perAddress = new ConcurrentHashMap<>();
    private final ClientAddresses addresses;

    SessionAdmission(int maxSessions, int maxPerAddress, ClientAddresses addresses) {
        this.maxSessions = maxSessions;
        this.maxPerAddress = maxPerAddress;
        this.addresses = addresses;
    }

    /** Takes a slot for a new session of {@code address}; false (nothing taken) when a cap is reached. */
    boolean tryAdmit(String address) {
        if (open.incrementAndGet() > maxSessions) {
            open.decrementAndGet();
            return false;
        }
        boolean[] admitted = {false};
        perAddress.compute(addresses.capKey(address), (a, count) -> {
            int current = count == null ? 0 : count;
            if (current >= maxPerAddress) {
                return count;
            }
            admitted[0] = true;
            return current + 1;
        });
        if (!admitted[0]) {
            open.decrementAndGet();
        }
        return admitted[0];
    }

    /** Gives back the slot of a session that ended. */
    void release(String address) {
        perAddress.computeIfPresent(addresses.capKey(address), (a, count) -> count <= 1 ? null : count - 1);
        open.decrementAndGet();
    }

    int open() {
        return open.get();
    }
}
