package io.chat.socketio.engine;

import java.util.Map;

/**
 * Hands back an equal value seen shortly before instead of a new one, so that what many sessions keep alike (a
 * query of {@code EIO=4&transport=websocket}, a {@code host} or {@code user-agent} header, a client's address) is held
 * once, not once per idle socket (W3: the query alone, two names and two values, cost each socket about 250 bytes).
 * A direct-mapped cache of {@value #SLOTS} slots, a value replacing whatever its slot held: bounded whatever clients
 * send, and any thread may use it without a lock (the values are immutable, a stale or lost slot only misses a
 * share). Values are equal to what was asked for, so nothing a handler sees changes; only their identity does.
 */
final class Canonical {
    private static final int SLOTS = 1024;
    /** Longer strings are kept as they are: a slot never holds more than this of a session that ended. */
    static final int MAX_CHARS = 256;

    private static final Object[] SEEN = new Object[SLOTS];

    private Canonical() {}

    /** An equal string seen before, or {@code value} itself (then remembered, when short enough). */
    static String of(String value) {
        return value.length() > MAX_CHARS ? value : (String) share(value);
    }

    /**
     * An equal map seen before, or {@code map} itself (remembered when its names and values together stay within
     * {@link #MAX_CHARS}); {@code map} must be immutable and hold canonical strings.
     */
    static Map<String, String> of(Map<String, String> map) {
        int chars = 0;
        for (Map.Entry<String, String> entry : map.entrySet()) {
            chars += entry.getKey().length() + entry.getValue().length();
            if (chars > MAX_CHARS) {
                return map;
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, String> shared = (Map<String, String>) share(map);
        return shared;
    }

    private static Object share(Object value) {
        int hash = value.hashCode();
        int slot = (hash ^ (hash >>> 16)) & (SLOTS - 1);
        Object seen = SEEN[slot];
        if (seen != null && seen.getClass() == value.getClass() && seen.equals(value)) {
            return seen;
        }
        SEEN[slot] = value;
        return value;
    }
}
