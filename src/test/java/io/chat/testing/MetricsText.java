package io.chat.testing;

import java.util.OptionalDouble;

/** Values read from the admin listener's {@code /metrics} (Prometheus text). */
public final class MetricsText {
    private MetricsText() {}

    /** The value of the first sample named {@code name} (with or without labels) in {@code body}. */
    public static OptionalDouble value(String body, String name) {
        return body.lines()
                .filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst();
    }
}
