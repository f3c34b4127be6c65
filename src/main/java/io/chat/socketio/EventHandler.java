package io.chat.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** Handles one client event. Runs on the sending connection's thread; keep it short and never block on I/O. */
@FunctionalInterface
public interface EventHandler {
    void handle(Socket socket, List<JsonNode> args, Ack ack);
}
