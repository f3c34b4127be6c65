package io.chat.hardening;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.function.Predicate;

/**
 * A raw WebSocket client for hostile tests: sends any frame, well-formed or not, and checks what the server sends
 * back: every text frame must be valid UTF-8 and every close reason short, with no exception text.
 */
final class Wire implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    record Frame(boolean fin, int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
        }

        String closeReason() {
            return payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final String head;

    private Wire(Socket socket, DataInputStream in, OutputStream out, String head) {
        this.socket = socket;
        this.in = in;
        this.out = out;
        this.head = head;
    }

    /** Opens a WebSocket (or tries to: see {@link #upgraded()}) with an optional Origin header. */
    static Wire connect(int port, String pathAndQuery, String origin) throws IOException {
        Socket socket = new Socket("localhost", port);
        socket.setSoTimeout(10_000);
        byte[] key = new byte[16];
        RANDOM.nextBytes(key);
        String request = "GET " + pathAndQuery + " HTTP/1.1\r\n"
                + "Host: localhost:" + port + "\r\n"
                + (origin == null ? "" : "Origin: " + origin + "\r\n")
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n";
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        return new Wire(socket, in, out, readHead(in));
    }

    /** An Engine.IO WebSocket connected to the tenant namespace with the token; fails unless connected. */
    static Wire tenant(int port, String tenant, String token) throws IOException {
        Wire ws = connect(port, "/socket.io/?EIO=4&transport=websocket", null);
        if (!ws.upgraded()) {
            throw new AssertionError("not upgraded: " + ws.statusLine());
        }
        String open = ws.readFrame().text();
        if (!open.startsWith("0{\"sid\":")) {
            throw new AssertionError("no open packet: " + open);
        }
        ws.sendText("40/" + tenant + ",{\"token\":\"" + token + "\"}");
        Frame connected = ws.readUntil(f -> f.opcode() == 0x1
                && (f.text().startsWith("40/") || f.text().startsWith("44/")));
        if (!connected.text().startsWith("40/" + tenant + ",{\"sid\":")) {
            throw new AssertionError("not connected: " + connected.text());
        }
        return ws;
    }

    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    String statusLine() {
        return head.lines().findFirst().orElse("");
    }

    boolean upgraded() {
        return statusLine().contains(" 101 ");
    }

    void sendText(String text) throws IOException {
        sendFrame(true, 0x1, text.getBytes(StandardCharsets.UTF_8));
    }

    synchronized void sendFrame(boolean fin, int opcode, byte[] payload) throws IOException {
        out.write(frame(fin, opcode, payload));
        out.flush();
    }

    /** Raw bytes, for frames no encoder would make. */
    synchronized void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    static byte[] frame(boolean fin, int opcode, byte[] payload) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write((fin ? 0x80 : 0) | opcode);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length);
        } else {
            frame.write(0x80 | 127);
            long len = payload.length;
            for (int i = 7; i >= 0; i--) {
                frame.write((int) (len >>> (8 * i)));
            }
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        frame.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i & 3]);
        }
        return frame.toByteArray();
    }

    /** The next frame; text frames are checked to be valid UTF-8, close frames to carry a clean reason. */
    Frame readFrame() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long length = b1 & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        Frame frame = new Frame((b0 & 0x80) != 0, b0 & 0x0F, payload);
        if (frame.opcode() == 0x1) {
            assertUtf8(payload);
            Hygiene.assertClean("text frame", frame.text());
        }
        if (frame.opcode() == 0x8 && payload.length > 2) {
            assertUtf8(java.util.Arrays.copyOfRange(payload, 2, payload.length));
            if (payload.length - 2 > 123) {
                throw new AssertionError("close reason over 123 bytes");
            }
            Hygiene.assertClean("close reason", frame.closeReason());
        }
        return frame;
    }

    static void assertUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
        } catch (CharacterCodingException e) {
            throw new AssertionError("the server sent invalid UTF-8");
        }
    }

    /** Reads frames until one matches, answering Engine.IO pings on the way. */
    Frame readUntil(Predicate<Frame> wanted) throws IOException {
        while (true) {
            Frame frame = readFrame();
            if (frame.opcode() == 0x1 && frame.text().equals("2")) {
                sendText("3");
                continue;
            }
            if (wanted.test(frame)) {
                return frame;
            }
        }
    }

    /** Reads until the server closes: the close frame, or null when the TCP connection just ended. */
    Frame readUntilClosed() throws IOException {
        try {
            while (true) {
                Frame frame = readFrame();
                if (frame.opcode() == 0x8) {
                    return frame;
                }
            }
        } catch (java.io.EOFException | java.net.SocketException e) {
            return null;
        }
    }

    /** An acknowledged event on the tenant namespace; returns the ack's text frame. */
    String call(String tenant, int ackId, String event, String jsonPayload) throws IOException {
        sendText("42/" + tenant + "," + ackId + "[\"" + event + "\"," + jsonPayload + "]");
        String prefix = "43/" + tenant + "," + ackId + "[";
        return readUntil(f -> f.opcode() == 0x1 && f.text().startsWith(prefix)).text();
    }

    void timeout(int millis) throws java.net.SocketException {
        socket.setSoTimeout(millis);
    }

    boolean isClosed() {
        return socket.isClosed();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
