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

    /** Fails with a short message when the public port (all addresses) or the admin port (loopback) cannot be had. */
    static void require(int publicPort, int adminPort) {
        if (publicPort != 0 && publicPort == adminPort) {
            throw new IllegalStateException("the public and admin ports are both " + publicPort
                    + ": CHAT_ADMIN_PORT must be another port than CHAT_PORT");
        }
        require("0.0.0.0", publicPort, "public", "CHAT_PORT or --port");
        require("127.0.0.1", adminPort, "admin", "CHAT_ADMIN_PORT");
    }

    private static void require(String host, int port, String what, String setting) {
        if (port == 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true); // as the server binds: a port left in TIME_WAIT by a stopped one is free
            socket.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            String reason = String.valueOf(e.getMessage());
            throw new IllegalStateException(
                    reason.startsWith("Address already in use")
                            ? "the " + what + " port " + port + " is in use (is another server running? " + setting
                                    + " chooses another)"
                            : "cannot listen on the " + what + " port " + port + " (" + reason + "; " + setting
                                    + " chooses another)");
        }
    }
}
