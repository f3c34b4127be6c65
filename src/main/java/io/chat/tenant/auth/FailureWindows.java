package io.chat.tenant.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;

/**
 * Failed authentications per key (a user name, a client address) in fixed windows; past a limit, the key is refused
 * until its window ends. Bounded by size: at most {@code maxKeys} keys of at most {@code maxKeyLength} characters
 * (a key of about 100 bytes of bookkeeping besides its characters). A new key in a full table first evicts the
 * expired windows, then the oldest: each failure costs its sender a slow hash, so filling the table with live
 * windows to push someone's out takes more hashes than a tenant gets in a window.
 */
public final class FailureWindows {
    private record Window(Instant start, int failures) {
    }

    private final Duration window;
    private final int maxKeys;
    private final int maxKeyLength;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();
    /** New keys are added one at a time, so that the bound holds exactly. */
    private final ReentrantLock adding = new ReentrantLock();

    public FailureWindows(Duration window, int maxKeys, int maxKeyLength) {
        if (window.isNegative() || window.isZero() || maxKeys < 1 || maxKeyLength < 1) {
            throw new IllegalArgumentException("window, maxKeys and maxKeyLength must be positive");
        }
        this.window = window;
        this.maxKeys = maxKeys;
        this.maxKeyLength = maxKeyLength;
    }

    /**
     * Checks and counts one attempt atomically: 0 when it may go on (it counts as a failure until {@link #clear}),
     * else the seconds to wait. Counting before the slow check keeps a burst of concurrent guesses under the limit.
     */
    public long attempt(String key, int limit, Instant now) {
        long[] retryAfter = {0};
        update(key, now, (k, current) -> {
            if (current == null || expired(current, now)) {
                return new Window(now, 1);
            }
            if (current.failures() >= limit) {
                retryAfter[0] = secondsLeft(current, now);
                return current;
            }
            return new Window(current.start(), current.failures() + 1);
        });
        return retryAfter[0];
    }

    /** Counts one failure of {@code key}. */
    public void fail(String key, Instant now) {
        attempt(key, Integer.MAX_VALUE, now);
    }

    /** The seconds {@code key} must wait before its next attempt, 0 when it may try now. Counts nothing. */
    public long retryAfter(String key, int limit, Instant now) {
        Window current = windows.get(key);
        if (current == null || current.failures() < limit || expired(current, now)) {
            return 0;
        }
        return secondsLeft(current, now);
    }

    /** Forgets the key's failures (after a success). */
    public void clear(String key) {
        windows.remove(key);
    }

    /** Keys held now; never above {@code maxKeys}. */
    public int size() {
        return windows.size();
    }

    private void update(String key, Instant now, BiFunction<String, Window, Window> change) {
        if (key.length() > maxKeyLength) {
            throw new IllegalArgumentException("key longer than " + maxKeyLength + " characters");
        }
        if (windows.computeIfPresent(key, change) != null) {
            return;
        }
        adding.lock();
        try {
            if (!windows.containsKey(key) && windows.size() >= maxKeys) {
                evict(now);
            }
            windows.compute(key, change);
        } finally {
            adding.unlock();
        }
    }

    private void evict(Instant now) {
        windows.values().removeIf(w -> expired(w, now));
        while (windows.size() >= maxKeys) {
            windows.entrySet().stream().min(Comparator.comparing(e -> e.getValue().start()))
                    .map(Map.Entry::getKey).ifPresent(windows::remove);
        }
    }

    private boolean expired(Window w, Instant now) {
        return !now.isBefore(w.start().plus(window));
    }

    private long secondsLeft(Window w, Instant now) {
        return Math.max(1, Duration.between(now, w.start().plus(window)).toSeconds());
    }
}
