package io.chat.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.platform.PlatformServer;
import io.chat.platform.PlatformTest;
import io.chat.testing.ChildPlatform;
import io.chat.testing.LogCapture;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What happens to connections themselves: a request that says {@code Connection: close} has its connection closed
 * after the answer, any page may long-poll when no origin list is configured (as the README says), and a flood of
 * TCP connections past the process's file descriptors leaves the server listening.
 */
@PlatformTest
class ConnectionHygieneTest {
    private static PlatformServer server;

    @Test
    void connectionCloseEndsTheConnectionAfterTheResponse() throws IOException {
        for (String[] target :
                new String[][] {{"public", "/health"}, {"public", "/nothing-here"}, {"admin", "/admin/tenants"}}) {
            int port = target[0].equals("admin") ? server.adminPort() : server.port();
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(3_000);
                OutputStream out = socket.getOutputStream();
                out.write(("GET " + target[1] + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = socket.getInputStream();
                // everything up to the end of the stream, which must come now and not at an idle timeout
                String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(answer.startsWith("HTTP/1.1 "), target[1] + ": " + answer);
                assertTrue(answer.toLowerCase().contains("connection: close"), answer);
            }
        }
    }

    @Test
    void aRevalidatedStaticFileIsNotModifiedWithoutAnErrorLogged() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> first = http.send(
                HttpRequest.newBuilder(URI.create(server.url() + "/app.css")).build(),
                HttpResponse.BodyHandlers.ofString());
        String etag = first.headers().firstValue("ETag").orElse("");
        try (LogCapture log = LogCapture.start()) {
            HttpResponse<String> again = http.send(
                    HttpRequest.newBuilder(URI.create(server.url() + "/app.css"))
                            .header("If-None-Match", etag)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(304, again.statusCode());
            assertEquals("", again.body());
            assertEquals(
                    List.of(),
                    log.lines().stream().filter(l -> l.startsWith("SEVERE")).toList());
        }
    }

    @Test
    void anyOriginMayLongPollWhenNoOriginListIsConfigured() throws Exception {
        HttpResponse<String> handshake = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(server.url() + "/socket.io/?EIO=4&transport=polling"))
                                .header("Origin", "https://elsewhere.example")
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, handshake.statusCode());
        assertEquals(
                "https://elsewhere.example",
                handshake.headers().firstValue("Access-Control-Allow-Origin").orElse("(none)"));
    }

    @Test
    void aConnectionFloodPastTheDescriptorLimitLeavesTheServerListening() throws Exception {
        Path dir = Files.createTempDirectory("fd-flood");
        // 1024 descriptors: the JVM and its class path take a few hundred, the flood wants more than the rest
        ChildPlatform child = ChildPlatform.start(ChildPlatform.launch(
                dir.resolve("tenants"),
                dir.resolve("server.log"),
                "root",
                "admin-password-for-tests",
                List.of("prlimit", "--nofile=1024:1024"),
                Map.of()));
        List<Socket> flood = new ArrayList<>();
        try {
            for (int i = 0; i < 1_200; i++) {
                Socket socket = new Socket();
                socket.connect(new InetSocketAddress("127.0.0.1", child.port), 2_000);
                flood.add(socket);
            }
            Thread.sleep(500);
        } catch (IOException backlogFull) {
            // the listen backlog is full: the server stopped accepting, as it should, before running out
        } finally {
            for (Socket socket : flood) {
                socket.close();
            }
        }
        try {
            long deadline = System.nanoTime() + 20_000_000_000L;
            int status = 0;
            while (status != 200 && System.nanoTime() < deadline) {
                try {
                    status = child.get("/health").statusCode();
                } catch (RuntimeException e) {
                    Thread.sleep(200);
                }
            }
            assertEquals(200, status, "still listening after " + flood.size() + " connections: " + child.logTail());
        } finally {
            child.kill();
        }
    }
}
