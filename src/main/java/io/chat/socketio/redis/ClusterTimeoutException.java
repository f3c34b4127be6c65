package io.chat.socketio.redis;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.TimeoutException;

/** Not every server answered a cluster request in time; {@link #partial()} holds the answers that did arrive. */
public final class ClusterTimeoutException extends TimeoutException {
    private final transient List<JsonNode> partial;

    ClusterTimeoutException(String message, List<JsonNode> partial) {
        super(message);
        this.partial = List.copyOf(partial);
    }

    public List<JsonNode> partial() {
        return partial;
    }
}
