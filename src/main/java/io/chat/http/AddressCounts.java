package io.chat.http;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Open connections per client address, refusing one past the cap. Memory stays bounded: an address is only in the
 * map while it has a connection.
 */
final class AddressCounts {
    private final int maxPerAddress;
    private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();

    AddressCounts(int maxPerAddress) {
        if (maxPerAddress < 1) {
            throw new IllegalArgumentException("the cap must be positive, not " + maxPerAddress);
        }
        this.maxPerAddress = maxPerAddress;
    }

    /** Takes a place for a connection of {@code address}; false (nothing taken) when it holds its cap already. */
    boolean tryTake(String address) {
        boolean[] taken = {false};
        open.compute(address, (a, count) -> {
            int current = count == null ? 0 : count;
            if (current >= maxPerAddress) {
                return count;
            }
            taken[0] = true;
            return current + 1;
        });
        return taken[0];
    }

    /** Gives back the place of a connection that ended. */
    void release(String address) {
        open.computeIfPresent(address, (a, count) -> count <= 1 ? null : count - 1);
    }

    int of(String address) {
        return open.getOrDefault(address, 0);
    }
}
