package io.chat.socketio;

/**
 * Runs when a client connects to a namespace, before the socket counts as connected. Throw a
 * {@link ConnectRejection} to refuse: the client gets {@code connect_error} and no handler runs.
 */
@FunctionalInterface
public interface Middleware {
    void check(Socket socket);
}
