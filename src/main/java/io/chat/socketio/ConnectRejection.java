package io.chat.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** Refuses a connection from a {@link Middleware}; {@code message} and {@code data} reach the client. */
public final class ConnectRejection extends RuntimeException {
    private final transient Optional<JsonNode> data;

    public ConnectRejection(String message) {
        this(message, Optional.empty());
    }

    public ConnectRejection(String message, Optional<JsonNode> data) {
        super(message, null, false, false);
        this.data = data;
    }

    public Optional<JsonNode> data() {
        return data;
    }
}
