package io.chat.socketio.engine;

import io.helidon.common.parameters.Parameters;
import java.util.Optional;

/**
 * A request's query parameters as plain strings. Helidon's {@code first(name)} wraps each value for its mapper
 * registry, which the first call builds: on a fresh server that was more than half of the first socket's upgrade
 * (service discovery, ~30 ms of one CPU), and a wrapper per parameter on every request after it.
 */
final class QueryParameters {
    private QueryParameters() {}

    /** The first value of the parameter, empty when the query does not name it. */
    static Optional<String> first(Parameters query, String name) {
        return query.contains(name) ? Optional.of(query.get(name)) : Optional.empty();
    }

    /** The first value of the parameter, or "" when the query does not name it. */
    static String value(Parameters query, String name) {
        return first(query, name).orElse("");
    }
}
