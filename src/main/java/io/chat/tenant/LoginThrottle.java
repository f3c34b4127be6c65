package io.chat.tenant;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/** Failed logins per user in a sliding one-minute window; past the limit, logins are refused with a delay. */
final class LoginThrottle {
    private static final Duration WINDOW = Duration.ofMinutes(1);

    private record Window(Instant start, int failures) {
    }

    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    /**
     * Checks and counts one attempt atomically: 0 when it may go on (it is counted as a failure until
     * {@link #succeeded} clears it), else the seconds to wait. Checking first and counting after the slow hash
     * let a burst of concurrent guesses all pass the check: 100 at once on one user meant 100 hashes, not 10.
     */
    long attempt(String username, int limit, Instant now) {
        long[] retry = {0};
        windows.compute(username, (name, window) -> {
            if (window == null || !now.isBefore(window.start().plus(WINDOW))) {
                return new Window(now, 1);
            }
            if (window.failures() >= limit) {
                retry[0] = Math.max(1, Duration.between(now, window.start().plus(WINDOW)).toSeconds());
                return window;
            }
            return new Window(window.start(), window.failures() + 1);
        });
        prune(now);
        return retry[0];
    }

    private void prune(Instant now) {
        if (windows.size() > 100_000) {
            // a flood of invented names must not grow this map without bound
            windows.entrySet().removeIf(e -> !now.isBefore(e.getValue().start().plus(WINDOW)));
        }
    }

    void succeeded(String username) {
        windows.remove(username);
    }
}
