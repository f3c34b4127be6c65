package io.chat.socketio.engine;

import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PlainSocket;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Field;
import java.util.Optional;

/**
 * Shrinks the read buffer Helidon 4.2 gives every connection (a final {@code byte[8192]} in {@link PlainSocket},
 * made at accept and kept for the socket's life) to {@link #BYTES} once the connection is a WebSocket. An idle chat
 * socket reads nothing for minutes, and that buffer was the largest part of what one costs: W3 measured 17.2-17.5
 * KiB of RSS per idle socket at 10,000 sockets with it, 12.0-12.1 KiB with 2 KiB, and 256 B took another 1.9 KiB off
 * (docs/performance.md). While a frame longer than that is read, the connection gives the socket a buffer of the
 * frame's size, at most {@link #BUSY_BYTES}, and shrinks it again once the frame is whole (WebSocketConnection), so
 * that a long message takes few reads and a waiting socket keeps 256 bytes.
 * <p>
 * Helidon has no setting for it, so the field is replaced through reflection, on the connection's own thread before
 * its first WebSocket read (the reads happen on that thread too). A Helidon that renames the field, or a JDK that
 * refuses to change a final field, leaves the buffer as it was, logged once; {@code SocketReadBufferTest} fails on
 * such an upgrade so that it is noticed. The jar's manifest enables final field mutation for it (JEP 500: JDK 26 warns
 * without it; a later release will refuse without it).
 */
final class SocketReadBuffer {
    private static final System.Logger LOGGER = System.getLogger(SocketReadBuffer.class.getName());

    /** What an idle socket keeps: holds a typical small chat frame in one read. */
    static final int BYTES = 256;

    /** The most a frame's payload gets while it is read (a bigger frame takes several reads). */
    static final int BUSY_BYTES = 8192;

    /**
     * The field's setter as a method handle, not {@link Field#set}: the first {@code Field.set} of a run makes its
     * accessor then, two method-handle forms spun on the first WebSocket's thread (a cold start's first CONNECT, seen
     * in its class loads), where this handle's forms are the JDK's pre-generated ones.
     */
    private static final Optional<MethodHandle> SETTER = find();

    private SocketReadBuffer() {}

    /** True when the socket's buffer is now {@link #BYTES} long. */
    static boolean shrink(HelidonSocket socket) {
        return set(socket, BYTES);
    }

    /**
     * Gives the socket a buffer of {@code bytes}; only on the thread that reads it, between reads (Helidon reads the
     * field at each read). True when it did.
     */
    static boolean set(HelidonSocket socket, int bytes) {
        if (SETTER.isEmpty() || !(socket instanceof PlainSocket plain)) {
            return false;
        }
        try {
            SETTER.get().invokeExact(plain, new byte[bytes]);
            return true;
        } catch (Error e) {
            throw e;
        } catch (Throwable e) { // invokeExact declares Throwable; the field write throws none but errors
            return false;
        }
    }

    private static Optional<MethodHandle> find() {
        try {
            Field field = PlainSocket.class.getDeclaredField("readBuffer");
            if (field.getType() != byte[].class) {
                throw new NoSuchFieldException("readBuffer is not a byte[]");
            }
            field.setAccessible(true);
            return Optional.of(MethodHandles.lookup().unreflectSetter(field));
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOGGER.log(
                    System.Logger.Level.INFO,
                    "Helidon's per-connection read buffer cannot be shrunk ("
                            + e.getClass().getSimpleName() + "): each WebSocket keeps 8 KiB more while idle");
            return Optional.empty();
        }
    }
}
