package io.chat.socketio.redis;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Handles an event another server sent with {@code serverSideEmit}. Runs on a virtual thread of its own.
 */
@FunctionalInterface
public interface ServerSideEmitHandler {
    /**
     * @param args the event's arguments
     * @param ack  answers the sender when it asked for an answer ({@link ServerAck#requested()}); only the first
     *             answer is sent, as socket.io does
     */
    void handle(List<JsonNode> args, ServerAck ack);

    /** The answer to a server-side emit. */
    interface ServerAck {
        boolean requested();

        void send(JsonNode answer);
    }
}
