package io.chat.socketio;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/** A WebSocket client that sends whatever frames a test wants, well-formed or not. */
final class RawWebSocket implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    record Frame(boolean fin, int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final String statusLine;

    private RawWebSocket(Socket socket, DataInputStream in, OutputStream out, String statusLine) {
        this.socket = socket;
        this.in = in;
        this.out = out;
        this.statusLine = statusLine;
    }

    static RawWebSocket connect(int port, String pathAndQuery) throws IOException {
        Socket socket = new Socket("localhost", port);
        socket.setSoTimeout(10_000);
        byte[] key = new byte[16];
        RANDOM.nextBytes(key);
        String request = "GET " + pathAndQuery + " HTTP/1.1\r\n"
                + "Host: localhost:" + port + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n";
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        String head = readHead(in);
        return new RawWebSocket(socket, in, out, head.lines().findFirst().orElse(""));
    }

    private static String readHead(InputStream in) throws IOException {
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
        return statusLine;
    }

    boolean upgraded() {
        return statusLine.contains(" 101 ");
    }

    void sendText(String text) throws IOException {
        sendFrame(true, 0x1, text.getBytes(StandardCharsets.UTF_8));
    }

    void sendFrame(boolean fin, int opcode, byte[] payload) throws IOException {
        sendFrame(fin, opcode, payload, true);
    }

    void sendFrame(boolean fin, int opcode, byte[] payload, boolean masked) throws IOException {
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
            frame.write(mask);
        }
        for (int i = 0; i < payload.length; i++) {
            frame.write(masked ? payload[i] ^ mask[i & 3] : payload[i]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

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
        return new Frame((b0 & 0x80) != 0, b0 & 0x0F, payload);
    }

    /** Reads text frames until one satisfies the predicate, answering Engine.IO pings on the way. */
    Frame readUntil(java.util.function.Predicate<Frame> wanted) throws IOException {
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

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
