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

    /** Seconds to wait before trying again, or 0 when a login may be attempted now. */
    long retryAfter(String username, int limit, Instant now) {
        Window window = windows.get(username);
        if (window == null || window.failures() < limit) {
            return 0;
        }
        Instant end = window.start().plus(WINDOW);
        if (!now.isBefore(end)) {
            windows.remove(username, window);
            return 0;
        }
        return Math.max(1, Duration.between(now, end).toSeconds());
    }

    void failed(String username, Instant now) {
        windows.compute(username, (name, window) -> window == null || !now.isBefore(window.start().plus(WINDOW))
                ? new Window(now, 1)
                : new Window(window.start(), window.failures() + 1));
        if (windows.size() > 100_000) {
            // a flood of invented names must not grow this map without bound
            windows.entrySet().removeIf(e -> !now.isBefore(e.getValue().start().plus(WINDOW)));
        }
    }

    void succeeded(String username) {
        windows.remove(username);
    }
}
