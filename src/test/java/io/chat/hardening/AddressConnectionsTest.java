package io.chat.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.Settings;
import io.chat.http.ConnectionGate;
import io.chat.platform.ChatClient;
import io.chat.platform.PlatformServer;
import io.socket.client.IO;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One client address cannot take the public port for itself: it holds at most its cap of TCP connections (the next
 * is answered 503 and closed while other addresses are served), and a connection that never sends a request line is
 * closed after the header timeout. A keep-alive connection quiet between requests is not cut, and every way a
 * connection ends gives its place back.
 */
class AddressConnectionsTest {
    private static final int CAP = 20;
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** The deadline is checked every timeout / 4; the rest is room for a loaded machine. */
    private static final Duration LATEST = TIMEOUT.plusSeconds(4);

    private static PlatformServer server;

    @BeforeAll
    static void start() throws IOException {
        Settings settings = Settings.forTests(
                        Files.createTempDirectory("tenants"), PlatformServer.ADMIN_USER, PlatformServer.ADMIN_PASSWORD)
                .toBuilder()
                .headerTimeout(TIMEOUT)
                .connections(new Settings.ConnectionCaps(0, 1_000, CAP))
                .build();
        server = PlatformServer.start(settings);
        server.passwordTenant("nat", "alice", "bob");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Socket open(String from) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 2_000);
        socket.setSoTimeout((int) LATEST.plusSeconds(10).toMillis());
        return socket;
    }

    /** One request on an open connection; the answer's head and body as text ("" when the server closed at once). */
    private static String request(Socket socket, String path) throws IOException {
        socket.getOutputStream()
                .write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        try {
            int n;
            while ((n = in.read(buffer)) > 0) {
                answer.write(buffer, 0, n);
                String text = answer.toString(StandardCharsets.ISO_8859_1);
                int headEnd = text.indexOf("\r\n\r\n");
                var length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)")
                        .matcher(text);
                if (headEnd > 0 && length.find() && answer.size() >= headEnd + 4 + Integer.parseInt(length.group(1))) {
                    break;
                }
            }
        } catch (IOException reset) {
            // what came before the reset is the answer
        }
        return answer.toString(StandardCharsets.ISO_8859_1);
    }

    private static String get(String from, String path) throws IOException {
        try (Socket socket = open(from)) {
            return request(socket, path);
        }
    }

    /** Whether the server has closed the socket (it sends nothing to a silent connection before closing it). */
    private static boolean closedWithin(Socket socket, int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            return socket.getInputStream().read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    /** How long after {@code since} the server closed the socket; fails if it answered or kept it open. */
    private static long closedAfterMillis(Socket socket, long since) throws IOException {
        try {
            int read = socket.getInputStream().read();
            assertEquals(-1, read, "the server sent something");
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server kept the connection open", e);
        } catch (IOException reset) {
            // a reset is a close too
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
    }

    /**
     * Each refusal waits a moment for its request (to answer 503): past a bound of such waiting refusals an address's
     * next connections are closed at once, or refusals alone would hold the listener's places (the reviewer starved
     * another address with about 115 silent connections a second against a cap of 4).
     */
    @Test
    void refusalsOfOneAddressWaitingForTheirRequestAreBounded() throws Exception {
        int extra = 10;
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < CAP; i++) {
                held.add(open("127.0.0.7"));
            }
            Thread.sleep(300); // the server counts each on its own thread
            List<Socket> refused = new ArrayList<>();
            for (int i = 0; i < ConnectionGate.REFUSING_PER_ADDRESS + extra; i++) {
                refused.add(open("127.0.0.7"));
            }
            held.addAll(refused);
            // a waiting refusal is closed after its 1 s wait at the earliest; those past the bound at once
            Thread.sleep(400);
            int closedAtOnce = 0;
            for (Socket socket : refused) {
                closedAtOnce += closedWithin(socket, 20) ? 1 : 0;
            }
            assertTrue(closedAtOnce >= extra, closedAtOnce + " of " + refused.size() + " closed at once");
            String served = get("127.0.0.2", "/health");
            assertTrue(served.startsWith("HTTP/1.1 200 "), served);
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    @Test
    void oneAddressHoldsAtMostItsCapAndItsSilentConnectionsAreClosed() throws Exception {
        List<Socket> silent = new ArrayList<>();
        long opened = System.nanoTime();
        try {
            for (int i = 0; i < CAP; i++) {
                silent.add(open("127.0.0.6"));
            }
            Thread.sleep(300); // the server counts each on its own thread

            // one more from that address: told at once, and closed
            long asked = System.nanoTime();
            String refused = get("127.0.0.6", "/health");
            long refusedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked);
            assertTrue(refused.startsWith("HTTP/1.1 503 "), refused);
            assertTrue(refused.contains("Retry-After: 1"), refused);
            assertTrue(refused.contains("X-Content-Type-Options: nosniff"), refused);
            assertTrue(refusedMillis < 1_000, "answered after " + refusedMillis + " ms");
            // another address is served meanwhile
            String served = get("127.0.0.2", "/health");
            assertTrue(served.startsWith("HTTP/1.1 200 "), served);

            long earliest = Long.MAX_VALUE;
            long latest = 0;
            for (Socket socket : silent) {
                long after = closedAfterMillis(socket, opened);
                earliest = Math.min(earliest, after);
                latest = Math.max(latest, after);
            }
            System.out.printf(
                    "%d silent connections of one address (cap %d) closed after %d..%d ms (header timeout"
                            + " %s); the next one was answered 503 in %d ms%n",
                    CAP, CAP, earliest, latest, TIMEOUT, refusedMillis);
            assertTrue(earliest >= TIMEOUT.minusMillis(100).toMillis(), "closed before the timeout: " + earliest);
            assertTrue(latest <= LATEST.toMillis(), "closed too late: " + latest);
        } finally {
            for (Socket socket : silent) {
                socket.close();
            }
        }
        // their places are given back
        assertServedUpToTheCap("127.0.0.6");
    }

    @Test
    void aKeepAliveConnectionQuietBetweenRequestsIsNotCut() throws Exception {
        try (Socket socket = open("127.0.0.3")) {
            assertTrue(request(socket, "/health").startsWith("HTTP/1.1 200 "));
            Thread.sleep(TIMEOUT.plusMillis(1_500).toMillis());
            String again = request(socket, "/health");
            assertTrue(again.startsWith("HTTP/1.1 200 "), "after a quiet spell: " + again);
        }
    }

    @Test
    void everyWayAConnectionEndsGivesItsPlaceBack() throws Exception {
        String token = server.login("nat", "alice");
        for (int i = 0; i < CAP + 5; i++) {
            // the official client's way, from an address of its own: polling requests, then the upgrade to a
            // WebSocket; an HTTP client of its own, whose pooled connections are closed after it
            OkHttpClient http = new OkHttpClient.Builder()
                    .socketFactory(boundTo("127.0.0.5"))
                    .build();
            IO.Options options = ChatClient.defaultOptions(token);
            options.callFactory = http;
            options.webSocketFactory = http;
            try (ChatClient alice = ChatClient.open(server.url(), "/nat", options)) {
                alice.awaitConnected();
                alice.join("general");
                Thread.sleep(200); // the upgrade to WebSocket done, rather than a poll cut off in its middle
            }
            // a poll the client left running, and the pooled connections, are the client's to close
            http.dispatcher().cancelAll();
            http.connectionPool().evictAll();
            http.dispatcher().executorService().shutdown();
            // a refused upgrade, a request the server cannot parse, an answered request
            get("127.0.0.7", "/socket.io/?EIO=3&transport=websocket");
            try (Socket socket = open("127.0.0.7")) {
                socket.getOutputStream().write("NOT HTTP\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                socket.getInputStream().readAllBytes();
            } catch (IOException reset) {
                // closed with a reset: fine
            }
            get("127.0.0.7", "/health");
        }
        assertServedUpToTheCap("127.0.0.5");
        assertServedUpToTheCap("127.0.0.7");
    }

    /** Unconnected sockets bound to {@code source}, so that a client library's connections come from it. */
    private static SocketFactory boundTo(String source) {
        return new SocketFactory() {
            @Override
            public Socket createSocket() throws IOException {
                Socket socket = new Socket();
                socket.bind(new InetSocketAddress(source, 0));
                return socket;
            }

            @Override
            public Socket createSocket(String host, int port) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Socket createSocket(String host, int port, InetAddress local, int localPort) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Socket createSocket(InetAddress host, int port) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Socket createSocket(InetAddress host, int port, InetAddress local, int localPort) {
                throw new UnsupportedOperationException();
            }
        };
    }

    /**
     * CAP connections of {@code from} held at once are all served, once closes have settled: a long poll whose client
     * went away holds its connection until it is answered, at worst when its session times out (ping interval and
     * timeout, 45 s); the server reads the connection's end only then.
     */
    private static void assertServedUpToTheCap(String from) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(50);
        while (true) {
            List<Socket> held = new ArrayList<>();
            int ok = 0;
            try {
                for (int i = 0; i < CAP; i++) {
                    held.add(open(from));
                }
                for (Socket socket : held) {
                    if (request(socket, "/health").startsWith("HTTP/1.1 200 ")) {
                        ok++;
                    }
                }
            } finally {
                for (Socket socket : held) {
                    socket.close();
                }
            }
            if (ok == CAP || System.nanoTime() > deadline) {
                assertEquals(
                        CAP,
                        ok,
                        "connections of one address served while holding " + CAP + "; open now:\n"
                                + openConnections(from));
                return;
            }
            Thread.sleep(500);
        }
    }

    /** The TCP connections of {@code from} as {@code ss} lists them (which side holds one open), for a failure. */
    private static String openConnections(String from) {
        try {
            Process ss =
                    new ProcessBuilder("ss", "-tanp").redirectErrorStream(true).start();
            String all = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return String.join(
                    "\n",
                    all.lines()
                            .filter(l -> l.contains(from) && !l.startsWith("TIME-WAIT"))
                            .toList());
        } catch (IOException e) {
            return "(no ss: " + e.getMessage() + ")";
        }
    }
}
