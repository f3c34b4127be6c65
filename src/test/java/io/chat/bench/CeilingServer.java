package io.chat.bench;

import io.chat.testing.FrameReader;
import io.chat.testing.RawWebSocket;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The JVM ceiling for W1: the least a JVM server must do to relay Socket.IO room messages over WebSocket,
 * with the JDK only (and the tests' frame codec, {@link FrameReader} and {@link RawWebSocket#frame}). A virtual
 * thread per connection reads (a tiny RFC 6455 + Engine.IO/Socket.IO subset:
 * handshake, CONNECT, the benchmark's {@code join}/{@code m} events, pongs); a broadcast builds the frame
 * once; each connection has its own bounded queue and one writer thread that coalesces every queued frame
 * into one socket write. No JSON, no namespaces, no acks beyond {@code join}. Usage: {@code CeilingServer <port>}.
 */
public final class CeilingServer {
    private static final int QUEUE_FRAMES = 40_000;
    private static final byte[] OPEN_PREFIX = "0{\"sid\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OPEN_SUFFIX = ("\",\"upgrades\":[],\"pingInterval\":25000,\"pingTimeout\":20000,"
                    + "\"maxPayload\":1000000}")
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] M_PREFIX = "42[\"m\"".getBytes(StandardCharsets.US_ASCII);

    private final Map<String, List<Conn>> rooms = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        CeilingServer server = new CeilingServer();
        try (ServerSocket listener = new ServerSocket()) {
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress(port), 4096);
            System.out.println("jvm ceiling server listening on " + port);
            while (true) {
                Socket socket = listener.accept();
                Thread.ofVirtual().start(() -> server.serve(socket));
            }
        }
    }

    private void serve(Socket socket) {
        Conn conn = null;
        try (socket) {
            socket.setTcpNoDelay(true);
            FrameReader in = new FrameReader(socket.getInputStream(), 8192);
            OutputStream out = socket.getOutputStream();
            String key = readUpgrade(in);
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            + "Sec-WebSocket-Accept: " + RawWebSocket.acceptKey(key) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            conn = new Conn(socket, out);
            String sid = Long.toString(ids.incrementAndGet(), 36);
            conn.send(frame(concat(OPEN_PREFIX, sid.getBytes(StandardCharsets.US_ASCII), OPEN_SUFFIX)));
            Thread.ofVirtual().start(conn::writeLoop);
            byte[] payload;
            while ((payload = readFrame(in, conn)) != null) {
                handle(conn, sid, payload);
            }
        } catch (IOException | RuntimeException e) {
            // the connection is gone
        } finally {
            if (conn != null) {
                conn.close();
                for (String room : conn.rooms) {
                    List<Conn> members = rooms.get(room);
                    if (members != null) {
                        members.remove(conn);
                    }
                }
            }
        }
    }

    private void handle(Conn conn, String sid, byte[] p) {
        int n = p.length;
        if (n == 1 && p[0] == '2') {
            conn.send(frame(new byte[] {'3'}));
        } else if (n >= 2 && p[0] == '4' && p[1] == '0') {
            conn.send(frame(("40{\"sid\":\"s" + sid + "\"}").getBytes(StandardCharsets.US_ASCII)));
        } else if (n >= 2 && p[0] == '4' && p[1] == '2') {
            int i = 2;
            int ackStart = i;
            while (i < n && p[i] >= '0' && p[i] <= '9') {
                i++;
            }
            String ackId = new String(p, ackStart, i - ackStart, StandardCharsets.US_ASCII);
            // [" event "," room " ...
            int evStart = i + 2;
            int evEnd = indexOf(p, (byte) '"', evStart);
            int roomStart = evEnd + 3;
            int roomEnd = indexOf(p, (byte) '"', roomStart);
            String room = new String(p, roomStart, roomEnd - roomStart, StandardCharsets.US_ASCII);
            if (evEnd - evStart == 1 && p[evStart] == 'm') {
                // 42["m","room","payload"] -> 42["m","payload"] to every member
                byte[] body = new byte[M_PREFIX.length + n - (roomEnd + 1)];
                System.arraycopy(M_PREFIX, 0, body, 0, M_PREFIX.length);
                System.arraycopy(p, roomEnd + 1, body, M_PREFIX.length, n - (roomEnd + 1));
                byte[] frame = frame(body);
                List<Conn> members = rooms.get(room);
                if (members != null) {
                    for (Conn member : members) {
                        member.send(frame);
                    }
                }
            } else if (new String(p, evStart, evEnd - evStart, StandardCharsets.US_ASCII).equals("join")) {
                rooms.computeIfAbsent(room, r -> new CopyOnWriteArrayList<>()).add(conn);
                conn.rooms.add(room);
                if (!ackId.isEmpty()) {
                    conn.send(frame(("43" + ackId + "[\"ok\"]").getBytes(StandardCharsets.US_ASCII)));
                }
            }
        }
    }

    private static int indexOf(byte[] p, byte b, int from) {
        for (int i = from; i < p.length; i++) {
            if (p[i] == b) {
                return i;
            }
        }
        throw new IllegalArgumentException("malformed packet");
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] part : parts) {
            n += part.length;
        }
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    /** An unmasked server text frame. */
    static byte[] frame(byte[] payload) {
        return RawWebSocket.frame(true, 0x1, payload, false);
    }

    /** The next text payload, answering pings; null at close. */
    private static byte[] readFrame(FrameReader in, Conn conn) throws IOException {
        while (in.next()) {
            int opcode = in.opcode();
            byte[] payload = Arrays.copyOf(in.payload(), in.length());
            if (opcode == 8) {
                return null;
            } else if (opcode == 9) {
                conn.send(RawWebSocket.frame(true, 0xA, payload, false));
            } else if (opcode == 1 || opcode == 2) {
                return payload;
            }
        }
        return null;
    }

    private static String readUpgrade(FrameReader in) throws IOException {
        for (String line : in.readHead().split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Sec-WebSocket-Key")) {
                return line.substring(colon + 1).trim();
            }
        }
        throw new IOException("not a websocket upgrade");
    }

    /** One connection's outbound side: a bounded queue, one writer coalescing up to 256 KiB per write. */
    private static final class Conn {
        final Socket socket;
        final OutputStream out;
        final LinkedBlockingQueue<byte[]> queue = new LinkedBlockingQueue<>(QUEUE_FRAMES);
        final List<String> rooms = new CopyOnWriteArrayList<>();
        volatile boolean closed;

        Conn(Socket socket, OutputStream out) {
            this.socket = socket;
            this.out = out;
        }

        void send(byte[] frame) {
            if (!closed && !queue.offer(frame)) {
                close(); // a reader too slow for its queue is dropped, never waited on
            }
        }

        void writeLoop() {
            List<byte[]> batch = new ArrayList<>();
            try {
                while (!closed) {
                    batch.add(queue.take());
                    queue.drainTo(batch, 4096);
                    if (batch.size() == 1) {
                        out.write(batch.get(0));
                    } else {
                        int total = 0;
                        for (byte[] f : batch) {
                            total += f.length;
                        }
                        // one buffer per batch (no idle per-connection buffer), at most 256 KiB per write
                        byte[] buf = new byte[Math.min(total, 256 * 1024)];
                        int at = 0;
                        for (byte[] f : batch) {
                            if (at + f.length > buf.length) {
                                out.write(buf, 0, at);
                                at = 0;
                            }
                            if (f.length > buf.length) {
                                out.write(f);
                            } else {
                                System.arraycopy(f, 0, buf, at, f.length);
                                at += f.length;
                            }
                        }
                        if (at > 0) {
                            out.write(buf, 0, at);
                        }
                    }
                    batch.clear();
                }
            } catch (IOException | InterruptedException e) {
                close();
            }
        }

        void close() {
            closed = true;
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
