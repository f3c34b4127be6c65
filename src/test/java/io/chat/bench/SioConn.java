package io.chat.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;

/**
 * A bare Socket.IO v5 client over a raw WebSocket (RFC 6455 written out here, Engine.IO v4 websocket
 * transport from the first request, no polling): connect, CONNECT the default namespace, emit, and a read
 * loop that answers Engine.IO pings and hands every other text message to a handler. Client frames carry
 * the all-zero mask key (legal, and free to apply).
 */
final class SioConn {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] buf;
    private int pos;
    private int lim;
    private byte[] payload = new byte[256];
    private int payloadLength;
    volatile boolean open = true;

    private SioConn(Socket socket, int bufferSize) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.buf = new byte[bufferSize];
    }

    /** Opens the WebSocket, reads the Engine.IO OPEN, CONNECTs "/" and waits for its answer. */
    static SioConn connect(String host, int port, String path, InetAddress source, int bufferSize,
                           String token) throws IOException {
        return connect(host, port, path, source, bufferSize, "/", token == null ? null
                : "{\"token\":\"" + token + "\"}");
    }

    /** As above, CONNECTing namespace {@code nsp} with the given auth JSON (or none). */
    static SioConn connect(String host, int port, String path, InetAddress source, int bufferSize, String nsp,
                           String auth) throws IOException {
        Socket socket = new Socket();
        try {
            if (source != null) {
                socket.bind(new InetSocketAddress(source, 0));
            }
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), 10_000);
            socket.setSoTimeout(15_000);
            SioConn conn = new SioConn(socket, bufferSize);
            byte[] nonce = new byte[16];
            ThreadLocalRandom.current().nextBytes(nonce);
            conn.out.write(("GET " + path + "?EIO=4&transport=websocket HTTP/1.1\r\nHost: " + host + ":" + port
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n\r\n")
                                   .getBytes(StandardCharsets.US_ASCII));
            conn.readHttpResponse();
            String open = conn.nextText();
            if (open == null || !open.startsWith("0{")) {
                throw new IOException("no Engine.IO OPEN: " + open);
            }
            String prefix = nsp.equals("/") ? "40" : "40" + nsp + ",";
            conn.send(prefix + (auth == null ? "" : auth));
            String connected = conn.nextText();
            if (connected == null || !connected.startsWith(prefix.equals("40") ? "40" : prefix)) {
                throw new IOException("CONNECT refused: " + connected);
            }
            socket.setSoTimeout(0);
            return conn;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private void readHttpResponse() throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
            if (pos == lim && !fill()) {
                throw new IOException("closed during the upgrade");
            }
            head.append((char) buf[pos++]);
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            throw new IOException("upgrade refused: " + head.toString().lines().findFirst().orElse(""));
        }
    }

    private boolean fill() throws IOException {
        if (pos < lim) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
        }
        lim -= pos;
        pos = 0;
        int n = in.read(buf, lim, buf.length - lim);
        if (n < 0) {
            return false;
        }
        lim += n;
        return true;
    }

    private boolean need(int n) throws IOException {
        while (lim - pos < n) {
            if (!fill()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads the next text message into {@link #payload} (answering pings and Engine.IO "2"); false at close.
     */
    private boolean nextMessage() throws IOException {
        while (true) {
            if (!need(2)) {
                return false;
            }
            int b0 = buf[pos] & 0xff;
            int b1 = buf[pos + 1] & 0x7f;
            pos += 2;
            int len;
            if (b1 == 126) {
                if (!need(2)) {
                    return false;
                }
                len = ((buf[pos] & 0xff) << 8) | (buf[pos + 1] & 0xff);
                pos += 2;
            } else if (b1 == 127) {
                if (!need(8)) {
                    return false;
                }
                long l = 0;
                for (int i = 0; i < 8; i++) {
                    l = (l << 8) | (buf[pos + i] & 0xff);
                }
                pos += 8;
                len = (int) l;
            } else {
                len = b1;
            }
            if (payload.length < len) {
                payload = new byte[Math.max(len, payload.length * 2)];
            }
            int got = 0;
            while (got < len) {
                if (pos == lim && !fill()) {
                    return false;
                }
                int n = Math.min(len - got, lim - pos);
                System.arraycopy(buf, pos, payload, got, n);
                pos += n;
                got += n;
            }
            payloadLength = len;
            int opcode = b0 & 0x0f;
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
    }

    /** The next text message, or null at close (handshake only). */
    String nextText() throws IOException {
        return nextMessage() ? new String(payload, 0, payloadLength, StandardCharsets.UTF_8) : null;
    }

    /** Reads until the connection closes, handing each text message (bytes, length) to the handler. */
    void readLoop(BiConsumer<byte[], Integer> handler) {
        try {
            while (nextMessage()) {
                handler.accept(payload, payloadLength);
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
        byte[] f = new byte[len + (len < 126 ? 6 : 8)];
        int at = appendFrame(f, 0, b0, p, off, len);
        out.write(f, 0, at);
    }

    /** Writes pre-built masked frames (see {@link #appendFrame}) in one socket write. */
    synchronized void sendRaw(byte[] frames, int length) throws IOException {
        out.write(frames, 0, length);
    }

    /** Appends one masked client frame (zero mask key) for payloads under 64 KiB; returns the new end. */
    static int appendFrame(byte[] f, int at, int b0, byte[] p, int off, int len) {
        f[at++] = (byte) b0;
        if (len < 126) {
            f[at++] = (byte) (0x80 | len);
        } else {
            f[at++] = (byte) (0x80 | 126);
            f[at++] = (byte) (len >>> 8);
            f[at++] = (byte) len;
        }
        f[at++] = 0;
        f[at++] = 0;
        f[at++] = 0;
        f[at++] = 0;
        System.arraycopy(p, off, f, at, len);
        return at + len;
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
