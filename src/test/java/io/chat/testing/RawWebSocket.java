package io.chat.testing;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A raw WebSocket client for tests: sends any frame, well-formed or not (masked or not, or raw bytes), and reads
 * frames one by one. A check, if given, sees every frame read (the hardening tests check that the server sends
 * only valid UTF-8 and clean close reasons).
 */
public final class RawWebSocket implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    public record Frame(boolean fin, int opcode, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
        }

        public String closeReason() {
            return payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
        }
    }

    private final Socket socket;
    private final FrameReader in;
    private final OutputStream out;
    private final String head;
    private final Consumer<Frame> check;

    private RawWebSocket(Socket socket, FrameReader in, OutputStream out, String head, Consumer<Frame> check) {
        this.socket = socket;
        this.in = in;
        this.out = out;
        this.head = head;
        this.check = check;
    }

    /** Opens a WebSocket (or tries to: see {@link #upgraded()}), with no Origin header and no check of frames. */
    public static RawWebSocket connect(int port, String pathAndQuery) throws IOException {
        return connect(port, pathAndQuery, null, frame -> {});
    }

    /** Opens a WebSocket (or tries to: see {@link #upgraded()}) with an optional Origin header; check sees every frame read. */
    public static RawWebSocket connect(int port, String pathAndQuery, String origin, Consumer<Frame> check)
            throws IOException {
        Socket socket = new Socket("localhost", port);
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write(upgradeRequest("localhost", port, pathAndQuery, origin));
        out.flush();
        FrameReader in = new FrameReader(socket.getInputStream(), 8192);
        return new RawWebSocket(socket, in, out, in.readHead(), check);
    }

    /** A WebSocket upgrade request with a random key and, when not null, an Origin header. */
    public static byte[] upgradeRequest(String host, int port, String pathAndQuery, String origin) {
        byte[] key = new byte[16];
        RANDOM.nextBytes(key);
        String request = "GET " + pathAndQuery + " HTTP/1.1\r\n"
                + "Host: " + host + ":" + port + "\r\n"
                + (origin == null ? "" : "Origin: " + origin + "\r\n")
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n";
        return request.getBytes(StandardCharsets.US_ASCII);
    }

    /** The {@code Sec-WebSocket-Accept} a server answers to the key (RFC 6455 section 4.2.2). */
    public static String acceptKey(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            return Base64.getEncoder()
                    .encodeToString(sha1.digest(
                            (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An Engine.IO WebSocket connected to the tenant namespace with the token; fails unless connected. */
    public static RawWebSocket tenant(int port, String tenant, String token, Consumer<Frame> check) throws IOException {
        RawWebSocket ws = connect(port, "/socket.io/?EIO=4&transport=websocket", null, check);
        if (!ws.upgraded()) {
            throw new AssertionError("not upgraded: " + ws.statusLine());
        }
        String open = ws.readFrame().text();
        if (!open.startsWith("0{\"sid\":")) {
            throw new AssertionError("no open packet: " + open);
        }
        ws.sendText("40/" + tenant + ",{\"token\":\"" + token + "\"}");
        Frame connected = ws.readUntil(f ->
                f.opcode() == 0x1 && (f.text().startsWith("40/") || f.text().startsWith("44/")));
        if (!connected.text().startsWith("40/" + tenant + ",{\"sid\":")) {
            throw new AssertionError("not connected: " + connected.text());
        }
        return ws;
    }

    public String statusLine() {
        return head.lines().findFirst().orElse("");
    }

    public boolean upgraded() {
        return statusLine().contains(" 101 ");
    }

    public void sendText(String text) throws IOException {
        sendFrame(true, 0x1, text.getBytes(StandardCharsets.UTF_8));
    }

    public void sendFrame(boolean fin, int opcode, byte[] payload) throws IOException {
        sendFrame(fin, opcode, payload, true);
    }

    public void sendFrame(boolean fin, int opcode, byte[] payload, boolean masked) throws IOException {
        sendRaw(frame(fin, opcode, payload, masked));
    }

    /** Raw bytes, for frames no encoder would make. */
    public synchronized void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** A masked client frame. */
    public static byte[] frame(boolean fin, int opcode, byte[] payload) {
        return frame(fin, opcode, payload, true);
    }

    public static byte[] frame(boolean fin, int opcode, byte[] payload, boolean masked) {
        byte[] mask = null;
        if (masked) {
            mask = new byte[4];
            RANDOM.nextBytes(mask);
        }
        byte[] frame = new byte[headerLength(payload.length, masked) + payload.length];
        appendFrame(frame, 0, fin, opcode, payload, 0, payload.length, mask);
        return frame;
    }

    /** The length of a frame's header: 2 bytes, the extended length, the mask key. */
    public static int headerLength(int payloadLength, boolean masked) {
        return (payloadLength < 126 ? 2 : payloadLength < 65536 ? 4 : 10) + (masked ? 4 : 0);
    }

    /**
     * Writes one frame into {@code to} at {@code at} (room for {@link #headerLength} more bytes and the payload),
     * masked with {@code mask} (4 bytes) unless it is null; returns the end of the frame.
     */
    public static int appendFrame(
            byte[] to, int at, boolean fin, int opcode, byte[] payload, int off, int len, byte[] mask) {
        to[at++] = (byte) ((fin ? 0x80 : 0) | opcode);
        int maskBit = mask != null ? 0x80 : 0;
        if (len < 126) {
            to[at++] = (byte) (maskBit | len);
        } else if (len < 65536) {
            to[at++] = (byte) (maskBit | 126);
            to[at++] = (byte) (len >>> 8);
            to[at++] = (byte) len;
        } else {
            to[at++] = (byte) (maskBit | 127);
            for (int i = 7; i >= 0; i--) {
                to[at++] = (byte) ((long) len >>> (8 * i));
            }
        }
        if (mask == null) {
            System.arraycopy(payload, off, to, at, len);
            return at + len;
        }
        System.arraycopy(mask, 0, to, at, 4);
        at += 4;
        if ((mask[0] | mask[1] | mask[2] | mask[3]) == 0) { // the load generator's key: masking changes nothing
            System.arraycopy(payload, off, to, at, len);
            return at + len;
        }
        for (int i = 0; i < len; i++) {
            to[at + i] = (byte) (payload[off + i] ^ mask[i & 3]);
        }
        return at + len;
    }

    /** The next frame, after the check has seen it. */
    public Frame readFrame() throws IOException {
        if (!in.next()) {
            throw new EOFException("the server closed the connection");
        }
        if (in.masked()) {
            throw new IOException("the server masked a frame");
        }
        Frame frame = new Frame(in.fin(), in.opcode(), Arrays.copyOf(in.payload(), in.length()));
        check.accept(frame);
        return frame;
    }

    /** Reads frames until one matches, answering Engine.IO pings on the way. */
    public Frame readUntil(Predicate<Frame> wanted) throws IOException {
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
    public Frame readUntilClosed() throws IOException {
        try {
            while (true) {
                Frame frame = readFrame();
                if (frame.opcode() == 0x8) {
                    return frame;
                }
            }
        } catch (EOFException | SocketException e) {
            return null;
        }
    }

    /** An acknowledged event on the tenant namespace; returns the ack's text frame. */
    public String call(String tenant, int ackId, String event, String jsonPayload) throws IOException {
        sendText("42/" + tenant + "," + ackId + "[\"" + event + "\"," + jsonPayload + "]");
        String prefix = "43/" + tenant + "," + ackId + "[";
        return readUntil(f -> f.opcode() == 0x1 && f.text().startsWith(prefix)).text();
    }

    public void timeout(int millis) throws SocketException {
        socket.setSoTimeout(millis);
    }

    public boolean isClosed() {
        return socket.isClosed();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
