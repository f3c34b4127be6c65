package io.chat.socketio.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.common.socket.PlainSocket;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The per-connection read buffer of this Helidon version is found and shrunk, and the socket still reads everything:
 * a Helidon upgrade that renames or reshapes it fails here rather than silently costing every idle WebSocket 8 KiB.
 */
class SocketReadBufferTest {
    @Test
    void shrinksHelidonsReadBufferAndStillReadsEveryByte() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                Socket accepted = listener.accept()) {
            PlainSocket socket = PlainSocket.server(accepted, "test", "test");
            assertEquals(8192, readBuffer(socket).length, "Helidon's buffer as this test knows it");

            assertTrue(SocketReadBuffer.shrink(socket));
            assertEquals(SocketReadBuffer.BYTES, readBuffer(socket).length);

            byte[] sent = new byte[5 * SocketReadBuffer.BYTES + 123];
            new Random(7).nextBytes(sent);
            OutputStream out = client.getOutputStream();
            out.write(sent);
            out.flush();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            while (received.size() < sent.length) {
                byte[] chunk = socket.get();
                assertTrue(chunk.length <= SocketReadBuffer.BYTES, "a read larger than the buffer: " + chunk.length);
                received.write(chunk);
            }
            assertArrayEquals(sent, received.toByteArray());

            // a long frame's read: a buffer of its size (at most BUSY_BYTES) between reads, then back to BYTES
            assertTrue(SocketReadBuffer.set(socket, SocketReadBuffer.BUSY_BYTES));
            byte[] longFrame = new byte[3 * SocketReadBuffer.BUSY_BYTES + 5];
            new Random(8).nextBytes(longFrame);
            out.write(longFrame);
            out.flush();
            received.reset();
            int largest = 0;
            while (received.size() < longFrame.length) {
                byte[] chunk = socket.get();
                largest = Math.max(largest, chunk.length);
                received.write(chunk);
            }
            assertArrayEquals(longFrame, received.toByteArray());
            assertTrue(largest > SocketReadBuffer.BYTES, "reads as large as the busy buffer: " + largest);
            assertTrue(largest <= SocketReadBuffer.BUSY_BYTES, "no read larger than the busy buffer: " + largest);
            assertTrue(SocketReadBuffer.shrink(socket));
            assertEquals(SocketReadBuffer.BYTES, readBuffer(socket).length);
        }
    }

    private static byte[] readBuffer(PlainSocket socket) throws ReflectiveOperationException {
        var field = PlainSocket.class.getDeclaredField("readBuffer");
        field.setAccessible(true);
        return (byte[]) field.get(socket);
    }
}
