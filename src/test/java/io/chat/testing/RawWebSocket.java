package io.chat.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
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
    private final DataInputStream in;
    private final OutputStream out;
    private final String head;
    private final Consumer<Frame> check;

    private RawWebSocket(Socket socket, DataInputStream in, OutputStream out, String head, Consumer<Frame> check) {
        this.socket = socket;
        this.in = in;
        this.out = out;
        this.head = head;
        this.check = check;
    }

    /** Opens a WebSocket (or tries to: see {@link #upgraded()}), with no Origin header and no check of frames. */
    public static RawWebSocket connect(int port, String pathAndQuery) throws IOException {
        return connect(port, pathAndQuery, null, frame -> { });
    }

    /** Opens a WebSocket (or tries to: see {@link #upgraded()}) with an optional Origin header; check sees every frame read. */
    public static RawWebSocket connect(int port, String pathAndQuery, String origin, Consumer<Frame> check)
            throws IOException {
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
        return new RawWebSocket(socket, in, out, readHead(in), check);
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
        Frame connected = ws.readUntil(f -> f.opcode() == 0x1
                && (f.text().startsWith("40/") || f.text().startsWith("44/")));
        if (!connected.text().startsWith("40/" + tenant + ",{\"sid\":")) {
            throw new AssertionError("not connected: " + connected.text());
        }
        return ws;
    }

    /** The HTTP head up to and including its empty line. */
    public static String readHead(InputStream in) throws IOException {
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
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write((fin ? 0x80 : 0) | opcode);
        int maskBit = masked ? 0x80 : 0;
        if (payload.length < 126) {
            frame.write(maskBit | payload.length);
        } else if (payload.length < 65536) {
            frame.write(maskBit | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length);
        } else {
            frame.write(maskBit | 127);
            long len = payload.length;
            for (int i = 7; i >= 0; i--) {
                frame.write((int) (len >>> (8 * i)));
            }
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        if (masked) {
            frame.writeBytes(mask);
        }
        for (int i = 0; i < payload.length; i++) {
            frame.write(masked ? payload[i] ^ mask[i & 3] : payload[i]);
        }
        return frame.toByteArray();
    }

    /** The next frame, after the check has seen it. */
    public Frame readFrame() throws IOException {
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
