package io.chat.socketio;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/** Handles one client event. Runs on the sending connection's thread; keep it short and never block on I/O. */
@FunctionalInterface
public interface EventHandler {
    void handle(Socket socket, List<JsonNode> args, Ack ack);
}
