package io.chat.socketio;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * A socket's id: 20 base64url characters (15 random bytes, as socket.io's own base64id makes one) and a {@code ~}.
 * Every socket is alone in the room named by its id, and the official server's ids are shaped like names an
 * application may well allow its rooms; an application that keeps {@code ~} out of its room names can never have a
 * room that is one of this server's sockets, on any node, whatever the cluster can be asked. The Socket.IO protocol
 * leaves the id's form to the server (a client only echoes it), and the character needs no escaping in a URL, JSON or
 * a Redis channel name.
 */
public final class SocketIds {
    /** The character that sets this server's socket ids apart from the official server's, and from room names. */
    public static final char MARK = '~';

    private static final int RANDOM_CHARACTERS = 20;
    private static final SecureRandom RANDOM = new SecureRandom();

    private SocketIds() {}

    static String next() {
        byte[] bytes = new byte[15];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes) + MARK;
    }

    /** Whether {@code name} has the form of this server's socket ids (whether or not such a socket exists). */
    public static boolean isShaped(String name) {
        if (name.length() != RANDOM_CHARACTERS + 1 || name.charAt(RANDOM_CHARACTERS) != MARK) {
            return false;
        }
        for (int i = 0; i < RANDOM_CHARACTERS; i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }
}
