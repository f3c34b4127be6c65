package io.chat.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.Settings;
import io.chat.platform.ChatClient;
import io.chat.platform.PlatformServer;
import io.chat.platform.PlatformTest;
import io.chat.platform.SetUpPlatform;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Slowloris: a client that trickles its headers a byte a second is closed once {@code chat.header-timeout} has
 * passed since its request line, while a WebSocket and a long poll that stay quiet for longer than that, and
 * plain requests, go on working.
 */
@PlatformTest
class HeaderTimeoutTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** The deadline is checked every timeout / 4; the rest is room for a loaded machine. */
    private static final Duration LATEST = TIMEOUT.plusSeconds(4);

    private static final int TRICKLERS = 20;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static PlatformServer server;

    @SetUpPlatform
    static Settings settings(Settings defaults) {
        return defaults.toBuilder().headerTimeout(TIMEOUT).build();
    }

    @BeforeAll
    static void provision() {
        server.passwordTenant("web", "alice", "bob");
    }

    /** A raw connection sending its request line and then one header byte a second, never ending its headers. */
    private static final class Trickler implements AutoCloseable {
        final Socket socket;
        final long startNanos = System.nanoTime();
        final CompletableFuture<Long> closedAfterNanos = new CompletableFuture<>();
        volatile int bytesTrickled;

        Trickler() throws IOException {
            socket = new Socket("localhost", server.port());
            socket.setSoTimeout((int) LATEST.plusSeconds(30).toMillis());
            OutputStream out = socket.getOutputStream();
            out.write("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.ofVirtual().start(this::awaitClose);
            Thread.ofVirtual().start(this::trickle);
        }

        private void awaitClose() {
            try {
                InputStream in = socket.getInputStream();
                int read = in.read();
                if (read >= 0) {
                    closedAfterNanos.completeExceptionally(new AssertionError("the server answered: " + (char) read));
                    return;
                }
            } catch (java.net.SocketTimeoutException e) {
                closedAfterNanos.completeExceptionally(new AssertionError("the server kept the connection open", e));
                return;
            } catch (IOException reset) {
                // a reset is a close too
            }
            closedAfterNanos.complete(System.nanoTime() - startNanos);
        }

        private void trickle() {
            try {
                OutputStream out = socket.getOutputStream();
                while (!closedAfterNanos.isDone()) {
                    Thread.sleep(1_000);
                    out.write('a');
                    out.flush();
                    bytesTrickled++;
                }
            } catch (IOException | InterruptedException closed) {
                // the server closed it, or the test did
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void connectionsTricklingTheirHeadersAreClosedAndQuietOnesAreNot() throws Exception {
        // A WebSocket and a long poll, both opened before the tricklers and quiet for longer than the timeout.
        ChatClient alice = ChatClient.connect(server.url(), "/web", server.login("web", "alice"));
        ChatClient bob = ChatClient.connect(server.url(), "/web", server.login("web", "bob"));
        alice.join("general");
        bob.join("general");
        String handshake = get("/socket.io/?EIO=4&transport=polling").body();
        assertTrue(handshake.startsWith("0{"), handshake);
        String sid = PlatformServer.json(handshake.substring(1)).get("sid").asText();
        CompletableFuture<HttpResponse<String>> longPoll = HTTP.sendAsync(
                HttpRequest.newBuilder(URI.create(server.url() + "/socket.io/?EIO=4&transport=polling&sid=" + sid))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        List<Trickler> tricklers = new ArrayList<>();
        try {
            for (int i = 0; i < TRICKLERS; i++) {
                tricklers.add(new Trickler());
            }
            // Others are served all along.
            long end = System.nanoTime() + LATEST.toNanos();
            int served = 0;
            while (System.nanoTime() < end && !tricklers.stream().allMatch(t -> t.closedAfterNanos.isDone())) {
                assertEquals(200, get("/health").statusCode());
                served++;
                Thread.sleep(200);
            }
            long earliest = Long.MAX_VALUE;
            long latest = 0;
            int minBytes = Integer.MAX_VALUE;
            for (Trickler trickler : tricklers) {
                long nanos = trickler.closedAfterNanos.get(LATEST.toSeconds() + 30, TimeUnit.SECONDS);
                earliest = Math.min(earliest, nanos);
                latest = Math.max(latest, nanos);
                minBytes = Math.min(minBytes, trickler.bytesTrickled);
            }
            System.out.printf(
                    "header timeout %s: %d trickling connections closed after %d..%d ms (each had trickled"
                            + " at least %d bytes); %d /health requests served meanwhile%n",
                    TIMEOUT,
                    TRICKLERS,
                    TimeUnit.NANOSECONDS.toMillis(earliest),
                    TimeUnit.NANOSECONDS.toMillis(latest),
                    minBytes,
                    served);
            assertTrue(earliest >= TIMEOUT.minusMillis(100).toNanos(), "closed before the timeout: " + earliest);
            assertTrue(latest <= LATEST.toNanos(), "closed too late: " + latest);
            assertTrue(minBytes >= 1, "each trickled bytes (so trickling does not keep a connection)");
        } finally {
            for (Trickler trickler : tricklers) {
                trickler.close();
            }
        }

        // The quiet WebSocket still works, both ways.
        assertTrue(alice.connected() && bob.connected());
        alice.send("general", "after the tricklers");
        assertEquals(
                "after the tricklers", bob.awaitEvent("message").get("text").asText());
        // The long poll is still waiting, past the timeout, and gets the answer to a packet sent now.
        assertTrue(
                !longPoll.isDone(),
                "the long poll ended early: "
                        + (longPoll.isDone() ? longPoll.join().body() : ""));
        HttpResponse<String> posted = HTTP.send(
                HttpRequest.newBuilder(URI.create(server.url() + "/socket.io/?EIO=4&transport=polling&sid=" + sid))
                        .POST(HttpRequest.BodyPublishers.ofString("40/web,{\"token\":\"not-a-token\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, posted.statusCode());
        HttpResponse<String> polled = longPoll.get(10, TimeUnit.SECONDS);
        assertEquals(200, polled.statusCode());
        assertTrue(polled.body().startsWith("44/web,"), polled.body());
        alice.close();
        bob.close();
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(server.url() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
