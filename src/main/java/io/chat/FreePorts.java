package io.chat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Checks at launch that the server's ports are free, before anything is made or printed: found taken only when the
 * server binds them, a start printed the one-time admin and demo credentials first, left the demo half made, and
 * buried its one-line error under Helidon's stack trace. A port taken between this check and the bind still fails
 * there, as before.
 */
final class FreePorts {
    private FreePorts() {}

    /** Fails with a short message naming the port when {@code host:port} cannot be listened on now; 0 always passes. */
    static void require(String host, int port, String what) {
        if (port == 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true); // as the server binds: a port left in TIME_WAIT by a stopped one is free
            socket.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new IllegalStateException("the " + what + " port " + port + " is in use (is another server running?"
                    + (what.equals("admin") ? " CHAT_ADMIN_PORT" : " CHAT_PORT or --port") + " chooses another)");
        }
    }
}
