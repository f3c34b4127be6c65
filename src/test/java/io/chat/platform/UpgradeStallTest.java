package io.chat.platform;

import static io.chat.platform.PlatformServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The polling→WebSocket upgrade, packet by packet. Node's engine.io answers every poll that waits during an
 * upgrade with a noop (it checks every 100 ms until the upgrade completes), so that the client can pause polling
 * and send its upgrade packet; until then a client buffers every emit. This server releases polls with a noop
 * once, 100 ms after the probe: when a poll that carries data takes that release, a client that was still
 * polling (it had not yet handled the probe answer) waits for its next poll until the next ping (25 s), and its
 * emits with it.
 */
class UpgradeStallTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void everyPollDuringTheUpgradeIsReleasedEvenAfterOneThatCarriedData() throws Exception {
        try (PlatformServer server = PlatformServer.start()) {
            server.passwordTenant("upgrades", "alice");
            String token = server.login("upgrades", "alice");
            String base = server.url() + "/socket.io/?EIO=4&transport=polling";

            String open = poll(base, Duration.ofSeconds(10));
            assertTrue(open.startsWith("0{"), open);
            String sid = json(open.substring(1)).get("sid").asText();
            String session = base + "&sid=" + sid;

            // the client's CONNECT; its answer waits in the session's queue (no poll is pending)
            HttpResponse<String> post = http.send(
                    HttpRequest.newBuilder(URI.create(session))
                            .POST(HttpRequest.BodyPublishers.ofString("40/upgrades,{\"token\":\"" + token + "\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, post.statusCode());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (json(server.admin("GET", "/admin/tenants/upgrades", null).body())
                            .get("sockets")
                            .asInt()
                    < 1) {
                assertTrue(System.nanoTime() < deadline, "the namespace socket never connected");
                Thread.sleep(20);
            }

            // the upgrade probe: 2probe → 3probe
            LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();
            WebSocket ws = http.newWebSocketBuilder()
                    .buildAsync(
                            URI.create(server.url().replace("http:", "ws:")
                                    + "/socket.io/?EIO=4&transport=websocket&sid=" + sid),
                            new Collect(frames))
                    .get(10, TimeUnit.SECONDS);
            try {
                ws.sendText("2probe", true).get(10, TimeUnit.SECONDS);
                assertEquals("3probe", frames.poll(10, TimeUnit.SECONDS));

                // a client busy for a moment (2 cores, GC) polls before it handles the probe answer; by then the
                // server's one noop release is due, and this poll, which has data, takes it
                Thread.sleep(500);
                String connectAnswer = poll(session, Duration.ofSeconds(10));
                assertTrue(connectAnswer.startsWith("40/upgrades,"), connectAnswer);

                // the client polls again, and only then handles the probe answer and pauses polling: Node answers
                // this poll with a noop within 100 ms; here it waits for the next ping (pingInterval, 25 s)
                String next = poll(session, Duration.ofSeconds(5));
                assertEquals("6", next, "a poll during the upgrade is released with a noop");

                ws.sendText("5", true).get(10, TimeUnit.SECONDS);
            } finally {
                ws.abort();
            }
        }
    }

    private String poll(String url, Duration timeout) throws Exception {
        HttpResponse<String> response;
        try {
            response = http.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .timeout(timeout)
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (java.net.http.HttpTimeoutException e) {
            throw new AssertionError("the poll was not answered within " + timeout, e);
        }
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    private record Collect(LinkedBlockingQueue<String> frames) implements WebSocket.Listener {
        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            frames.add(data.toString());
            webSocket.request(1);
            return CompletableFuture.completedFuture(null);
        }
    }
}
