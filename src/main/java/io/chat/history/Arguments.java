package io.chat.history;

import java.util.Objects;

/** The argument checks every store makes before it queues anything: nulls and over-long values throw at once. */
final class Arguments {
    private Arguments() {}

    static void check(String name, String value, int maxLength) {
        Objects.requireNonNull(value, name);
        if (value.length() > maxLength) {
            throw new IllegalArgumentException(name + " longer than " + maxLength + " characters");
        }
    }

    static void checkLimit(int limit) {
        if (limit < 1 || limit > MessageStore.MAX_PAGE) {
            throw new IllegalArgumentException("limit must be 1.." + MessageStore.MAX_PAGE + ", not " + limit);
        }
    }
}
