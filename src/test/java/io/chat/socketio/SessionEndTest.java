package io.chat.socketio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.socketio.engine.CloseReason;
import io.chat.socketio.engine.EngineConfig;
import io.chat.socketio.engine.EngineSession;
import io.chat.testing.RawWebSocket;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * When a session ends, what it held goes with it (its socket, its writer, its queue), and what it had queued
 * still reaches the client before the close. Each case was a hostile client's way to hold server sockets past
 * the session limits, or a real client's lost last packets.
 */
class SessionEndTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aWebSocketCannotCompleteItsUpgradeOntoAnEndedSession() throws Exception {
        EngineConfig oneEach = EngineConfig.defaults("/socket.io/").withMaxSessions(EngineConfig.UNLIMITED, 1);
        try (FixtureServer server = FixtureServer.start(oneEach)) {
            // a client of its own, closed before the count below: its kept-alive connection is not in question
            try (HttpClient polling = HttpClient.newHttpClient()) {
                String sid = sid(http(polling, server, "GET", "EIO=4&transport=polling", null)
                        .body());
                RawWebSocket ws =
                        RawWebSocket.connect(server.port(), "/socket.io/?EIO=4&transport=websocket&sid=" + sid);
                ws.sendText("2probe");
                assertEquals("3probe", ws.readFrame().text());
                // the client closes the session on polling while its WebSocket upgrades, then sends "5" there
                String query = "EIO=4&transport=polling&sid=" + sid;
                assertEquals(200, http(polling, server, "POST", query, "1").statusCode());
                ws.sendText("5");
                ws.timeout(5_000);
                RawWebSocket.Frame last = ws.readUntilClosed();
                assertTrue(last == null || last.opcode() == 8, "the candidate is closed, not left open: " + last);
            }
            awaitNoConnections(server);
            assertEquals(
                    200, http(server, "GET", "EIO=4&transport=polling", null).statusCode());
        }
    }

    @Test
    void aPeerThatStopsReadingLosesItsSocketSoonAfterItsSessionEnds() throws Exception {
        EngineConfig engine = EngineConfig.defaults("/socket.io/").withMaxQueueBytes(4 << 20);
        try (FixtureServer server = FixtureServer.start(engine)) {
            RawWebSocket ws = RawWebSocket.connect(server.port(), "/socket.io/?EIO=4&transport=websocket");
            ws.readFrame();
            ws.sendText("40/test,");
            ws.readUntil(f -> f.text().startsWith("40/test,"));
            // each ping makes the server queue a 30 kB pong this client never reads: the socket's buffers fill,
            // then its queue, and the session is closed
            String ping = "2" + "x".repeat(30_000);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (server.io().engine().queueOverflows() == 0 && System.nanoTime() < deadline) {
                try {
                    ws.sendText(ping);
                } catch (IOException reset) {
                    break; // closed already: an overflowed session's socket is cut off at once (Transport.abort)
                }
            }
            assertEquals(1, server.io().engine().queueOverflows());
            // what it had queued is dropped, not written to a reader that does not read
            awaitNoConnections(server);
        }
    }

    @Test
    void aServerCloseOnPollingDeliversWhatWasQueuedThenTheClosePacket() throws Exception {
        try (FixtureServer server = FixtureServer.start(EngineConfig.defaults("/socket.io/"))) {
            String sid =
                    sid(http(server, "GET", "EIO=4&transport=polling", null).body());
            String query = "EIO=4&transport=polling&sid=" + sid;
            http(server, "POST", query, "40/test,");
            String got = "";
            while (!got.contains("welcome")) {
                got += http(server, "GET", query, null).body();
            }
            // no GET waiting: an ack is queued, then the server closes the session (disconnect(true), a timeout)
            http(server, "POST", query, "42/test,7[\"echo\",\"last words\"]");
            EngineSession session = server.io().engine().sessions().iterator().next();
            session.close(CloseReason.FORCED_CLOSE);
            HttpResponse<String> next = http(server, "GET", query, null);
            assertEquals(200, next.statusCode());
            assertEquals("43/test,7[\"last words\"]\u001e1", next.body(), "the ack, then the close packet");
            assertEquals(400, http(server, "GET", query, null).statusCode(), "the sid is gone after its farewell");
        }
    }

    @Test
    void aQueueLongerThanOnePollEndsWithTheClosePacketInTheLastOne() throws Exception {
        try (FixtureServer server = FixtureServer.start(EngineConfig.defaults("/socket.io/"))) {
            String query = connectOnPolling(server);
            // 20 acks queued with no GET waiting: more than one poll carries (16), then the server closes
            StringBuilder events = new StringBuilder();
            for (int id = 1; id <= 20; id++) {
                events.append(id == 1 ? "" : "\u001e")
                        .append("42/test,")
                        .append(id)
                        .append("[\"echo\",")
                        .append(id)
                        .append(']');
            }
            http(server, "POST", query, events.toString());
            server.io().engine().sessions().iterator().next().close(CloseReason.FORCED_CLOSE);
            String first = http(server, "GET", query, null).body();
            String second = http(server, "GET", query, null).body();
            assertEquals(16, first.split("\u001e").length, first);
            assertTrue(first.startsWith("43/test,1[1]") && !first.endsWith("\u001e1"), first);
            assertTrue(second.startsWith("43/test,17[17]") && second.endsWith("43/test,20[20]\u001e1"), second);
            assertEquals(400, http(server, "GET", query, null).statusCode());
        }
    }

    @Test
    void aClosedPollingSessionThatIsNeverPolledAgainIsForgottenAfterThePingTimeout() throws Exception {
        EngineConfig quick =
                EngineConfig.defaults("/socket.io/").withHeartbeat(Duration.ofSeconds(25), Duration.ofMillis(500));
        try (FixtureServer server = FixtureServer.start(quick)) {
            String query = connectOnPolling(server);
            EngineSession session = server.io().engine().sessions().iterator().next();
            session.close(CloseReason.FORCED_CLOSE);
            assertEquals(0, server.io().engine().sessionCount(), "closed: no longer counted as open");
            Thread.sleep(1_500);
            assertEquals(400, http(server, "GET", query, null).statusCode(), "the sid is gone");
            assertTrue(server.io().engine().sessions().isEmpty());
        }
    }

    /** A polling session connected to the test namespace, its welcome taken; returns its query string. */
    private static String connectOnPolling(FixtureServer server) throws IOException, InterruptedException {
        String sid = sid(http(server, "GET", "EIO=4&transport=polling", null).body());
        String query = "EIO=4&transport=polling&sid=" + sid;
        http(server, "POST", query, "40/test,");
        String got = "";
        while (!got.contains("welcome")) {
            got += http(server, "GET", query, null).body();
        }
        return query;
    }

    private static HttpResponse<String> http(FixtureServer server, String method, String query, String body)
            throws IOException, InterruptedException {
        return http(HTTP, server, method, query, body);
    }

    private static HttpResponse<String> http(
            HttpClient client, FixtureServer server, String method, String query, String body)
            throws IOException, InterruptedException {
        HttpRequest.BodyPublisher publisher =
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body);
        return client.send(
                HttpRequest.newBuilder(URI.create(server.url() + "/socket.io/?" + query))
                        .method(method, publisher)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String sid(String open) {
        int at = open.indexOf("\"sid\":\"") + 7;
        return open.substring(at, open.indexOf('"', at));
    }

    /** Waits (10 s at most) until the server holds no established TCP connection on its port. */
    private static void awaitNoConnections(FixtureServer server) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int held = established(server.port());
        while (held > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            held = established(server.port());
        }
        assertEquals(0, held, "server-side connections still established");
    }

    private static int established(int port) throws Exception {
        Process ss = new ProcessBuilder("ss", "-Htn", "state", "established", "( sport = :" + port + " )")
                .redirectErrorStream(true)
                .start();
        int count = 0;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(ss.getInputStream()))) {
            while (lines.readLine() != null) {
                count++;
            }
        }
        ss.waitFor();
        return count;
    }
}
