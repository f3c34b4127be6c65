package io.chat.bench;

import io.chat.testing.FrameReader;
import io.chat.testing.RawWebSocket;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;

/**
 * A bare Socket.IO v5 client over a raw WebSocket (Engine.IO v4 websocket transport from the first request, no
 * polling; the frames are {@link RawWebSocket}'s and {@link FrameReader}'s): connect, CONNECT the default namespace,
 * emit, and a read loop that answers Engine.IO pings and hands every other text message to a handler. Client frames
 * carry the all-zero mask key (legal, and free to apply).
 */
final class SioConn {
    private static final byte[] ZERO_MASK = new byte[4];
    private final Socket socket;
    private final FrameReader in;
    private final OutputStream out;
    /** How long each step of {@link #connect} took: TCP, the upgrade's 101, Engine.IO OPEN, the CONNECT's reply. */
    private final long[] connectPhaseNanos = new long[4];

    volatile boolean open = true;

    private SioConn(Socket socket, int bufferSize) throws IOException {
        this.socket = socket;
        this.in = new FrameReader(socket.getInputStream(), bufferSize);
        this.out = socket.getOutputStream();
    }

    /** Opens the WebSocket, reads the Engine.IO OPEN, CONNECTs "/" and waits for its answer. */
    static SioConn connect(String host, int port, String path, InetAddress source, int bufferSize, String token)
            throws IOException {
        return connect(
                host, port, path, source, bufferSize, "/", token == null ? null : "{\"token\":\"" + token + "\"}");
    }

    /** As above, CONNECTing namespace {@code nsp} with the given auth JSON (or none). */
    static SioConn connect(
            String host, int port, String path, InetAddress source, int bufferSize, String nsp, String auth)
            throws IOException {
        Socket socket = new Socket();
        try {
            if (source != null) {
                socket.bind(new InetSocketAddress(source, 0));
            }
            socket.setTcpNoDelay(true);
            long started = System.nanoTime();
            socket.connect(new InetSocketAddress(host, port), 10_000);
            long connected = System.nanoTime();
            socket.setSoTimeout(15_000);
            SioConn conn = new SioConn(socket, bufferSize);
            conn.out.write(RawWebSocket.upgradeRequest(host, port, path + "?EIO=4&transport=websocket", null));
            conn.readHttpResponse();
            long upgraded = System.nanoTime();
            String open = conn.nextText();
            long opened = System.nanoTime();
            if (open == null || !open.startsWith("0{")) {
                throw new IOException("no Engine.IO OPEN: " + open);
            }
            String prefix = nsp.equals("/") ? "40" : "40" + nsp + ",";
            conn.send(prefix + (auth == null ? "" : auth));
            String reply = conn.nextText();
            // a cluster's node may pass on a broadcast (another node's user:online) between adding the socket and
            // writing the CONNECT answer; socket.io-client buffers such events until connected: skip them
            String event = nsp.equals("/") ? "42[" : "42" + nsp + ",";
            while (reply != null && reply.startsWith(event)) {
                reply = conn.nextText();
            }
            if (reply == null || !reply.startsWith(prefix.equals("40") ? "40" : prefix)) {
                throw new IOException("CONNECT refused: " + reply);
            }
            long[] phases = {connected - started, upgraded - connected, opened - upgraded, System.nanoTime() - opened};
            System.arraycopy(phases, 0, conn.connectPhaseNanos, 0, phases.length);
            socket.setSoTimeout(0);
            return conn;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Milliseconds of {@link #connect}'s steps: TCP, the upgrade (to the 101), Engine.IO OPEN, the CONNECT's reply. */
    double[] connectPhasesMs() {
        double[] ms = new double[connectPhaseNanos.length];
        for (int i = 0; i < ms.length; i++) {
            ms[i] = connectPhaseNanos[i] / 1e6;
        }
        return ms;
    }

    private void readHttpResponse() throws IOException {
        String head = in.readHead();
        if (!head.endsWith("\r\n\r\n")) {
            throw new IOException("closed during the upgrade");
        }
        if (!head.startsWith("HTTP/1.1 101")) {
            throw new IOException("upgrade refused: " + head.lines().findFirst().orElse(""));
        }
    }

    /**
     * Reads the next text message into the reader's payload (answering pings and Engine.IO "2"); false at close.
     */
    private boolean nextMessage() throws IOException {
        while (in.next()) {
            int opcode = in.opcode();
            byte[] payload = in.payload();
            int len = in.length();
            if (opcode == 8) {
                return false;
            } else if (opcode == 9) {
                sendFrame(0x8a, payload, 0, len);
            } else if (opcode == 1 && !(len == 1 && payload[0] == '2')) {
                return true;
            } else if (opcode == 1) {
                send("3"); // Engine.IO heartbeat
            }
        }
        return false;
    }

    /** The next text message, or null at close (handshake only). */
    String nextText() throws IOException {
        return nextMessage() ? in.text() : null;
    }

    /** Reads until the connection closes, handing each text message (bytes, length) to the handler. */
    void readLoop(BiConsumer<byte[], Integer> handler) {
        try {
            while (nextMessage()) {
                handler.accept(in.payload(), in.length());
            }
        } catch (IOException | RuntimeException e) {
            // closed
        } finally {
            open = false;
        }
    }

    void send(String text) throws IOException {
        byte[] p = text.getBytes(StandardCharsets.UTF_8);
        sendFrame(0x81, p, 0, p.length);
    }

    private synchronized void sendFrame(int b0, byte[] p, int off, int len) throws IOException {
        byte[] f = new byte[RawWebSocket.headerLength(len, true) + len];
        int at = appendFrame(f, 0, b0, p, off, len);
        out.write(f, 0, at);
    }

    /** Writes pre-built masked frames (see {@link #appendFrame}) in one socket write. */
    synchronized void sendRaw(byte[] frames, int length) throws IOException {
        out.write(frames, 0, length);
    }

    /** Appends one masked client frame (zero mask key); returns the new end. */
    static int appendFrame(byte[] f, int at, int b0, byte[] p, int off, int len) {
        return RawWebSocket.appendFrame(f, at, (b0 & 0x80) != 0, b0 & 0x0F, p, off, len, ZERO_MASK);
    }

    /** Closes with a TCP reset: no TIME_WAIT left on this side to use up the source ports of the next run. */
    void abort() {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // closing anyway
        }
        close();
    }

    void close() {
        open = false;
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
