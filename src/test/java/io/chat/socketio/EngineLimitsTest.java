package io.chat.socketio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.socketio.engine.EngineConfig;
import io.chat.testing.RawWebSocket;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What one client can make the engine hold: nothing beyond a small budget before it is in a namespace, a
 * packet's attachments within one message's size, a bounded number of sessions per address and in all, and
 * no handshake once the server is stopping. Also the size of a polling response in packets.
 */
class EngineLimitsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern SID = Pattern.compile("\"sid\":\"([^\"]+)\"");

    @Test
    void attachmentsForNoNamespaceCloseTheConnectionInsteadOfBeingBuffered() throws IOException {
        try (FixtureServer server = FixtureServer.start(EngineConfig.defaults("/socket.io/"));
                RawWebSocket ws = open(server)) {
            // no CONNECT: a binary event announcing an attachment, then the attachment itself
            ws.sendText("451-[\"upload\",{\"_placeholder\":true,\"num\":0}]");
            ws.sendFrame(true, 0x2, new byte[16 * 1024]);
            // at once, not at the connect timeout (5 s in the fixture)
            ws.timeout(2_000);
            RawWebSocket.Frame close = ws.readUntilClosed();
            assertTrue(close == null || close.opcode() == 0x8, "the server closed the connection");
        }
    }

    @Test
    void aBigMessageBeforeConnectingIsRefused() throws IOException {
        try (FixtureServer server = FixtureServer.start(EngineConfig.defaults("/socket.io/"));
                RawWebSocket ws = open(server)) {
            ws.sendText("4" + "x".repeat(SocketIoConfig.DEFAULT_MAX_BYTES_BEFORE_CONNECT + 1));
            RawWebSocket.Frame close = ws.readUntilClosed();
            assertTrue(close != null && close.closeCode() == 1009, "closed 1009 (too big) before CONNECT");
        }
    }

    @Test
    void aConnectedClientMaySendFullSizeMessagesButNotMoreAttachmentsThanOneMessage() throws IOException {
        try (FixtureServer server = FixtureServer.start(EngineConfig.defaults("/socket.io/"));
                RawWebSocket ws = connected(server)) {
            // once in a namespace, the full maxPayload applies again
            String big = "y".repeat(200_000);
            ws.sendText("42/test,5[\"echo\",\"" + big + "\"]");
            String ack = ws.readUntil(f -> f.opcode() == 1 && f.text().startsWith("43/test,5"))
                    .text();
            assertEquals("43/test,5[\"" + big + "\"]", ack);

            // two attachments of 600 kB: each fits in a message, together they do not
            ws.sendText("452-/test,6[\"echo\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
            ws.sendFrame(true, 0x2, new byte[600_000]);
            ws.sendFrame(true, 0x2, new byte[600_000]);
            assertClosed(ws);
        }
    }

    @Test
    void aPacketOfMoreJsonTokensThanTheLimitIsRefused() throws IOException {
        try (FixtureServer server = FixtureServer.start(EngineConfig.defaults("/socket.io/"));
                RawWebSocket ws = connected(server)) {
            // 1,000 empty objects (2,000 tokens) are answered
            ws.sendText("42/test,7[\"echo\",[" + emptyObjects(1_000) + "]]");
            assertTrue(ws.readUntil(f -> f.opcode() == 1 && f.text().startsWith("43/test,7"))
                    .text()
                    .startsWith("43/test,7[[{},{}"));
            // 6,000 (12,000 tokens, 36 kB of text that would be ~0.5 MB of tree) close the connection
            ws.sendText("42/test,8[\"echo\",[" + emptyObjects(6_000) + "]]");
            assertClosed(ws);
        }
    }

    @Test
    void aBinaryPacketWhoseAttachmentsDoNotAllComeIsClosedAndGivesItsBytesBack() throws Exception {
        SocketIoConfig config = SocketIoConfig.defaults()
                .withEngine(EngineConfig.defaults("/socket.io/"))
                .withAttachmentsTimeout(Duration.ofSeconds(1));
        try (FixtureServer server = FixtureServer.start(config);
                RawWebSocket ws = connected(server)) {
            // two attachments announced, one sent, and the connection kept open
            ws.sendText("452-/test,6[\"echo\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
            ws.sendFrame(true, 0x2, new byte[100_000]);
            long started = System.nanoTime();
            assertClosed(ws);
            assertTrue(System.nanoTime() - started < 3_500_000_000L, "closed at the 1 s timeout");
            awaitNothingHeld(server);
        }
    }

    /**
     * A stray attachment while the server disconnects the socket: the disconnect holds the socket's lock and waits for
     * the client's, and the stray frame's close, under the client's lock, waited for the socket's (a review: the
     * disconnect never returned, and with it the one thread that expires every session's token).
     */
    @Test
    void aStrayAttachmentDuringAServerDisconnectDoesNotDeadlock() throws Exception {
        try (FixtureServer server = FixtureServer.start(EngineConfig.defaults("/socket.io/"))) {
            java.util.concurrent.CompletableFuture<Socket> connected = new java.util.concurrent.CompletableFuture<>();
            server.io()
                    .of("/slow-goodbye")
                    .onConnection(connected::complete)
                    .onDisconnecting((socket, reason) -> sleep(500));
            try (RawWebSocket ws = open(server)) {
                ws.sendText("40/slow-goodbye,");
                ws.readUntil(f -> f.opcode() == 1 && f.text().startsWith("40/slow-goodbye,"));
                Socket socket = connected.get(5, java.util.concurrent.TimeUnit.SECONDS);
                Thread disconnecting = Thread.ofPlatform().start(() -> socket.disconnect(false));
                sleep(150);
                ws.sendFrame(true, 0x2, new byte[] {1, 2, 3}); // no binary packet announced it
                disconnecting.join(5_000);
                assertFalse(disconnecting.isAlive(), "the server's disconnect returned");
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aCompleteBinaryPacketGivesItsBytesBack() throws Exception {
        try (FixtureServer server = FixtureServer.start(EngineConfig.defaults("/socket.io/"));
                RawWebSocket ws = connected(server)) {
            ws.sendText("452-/test,6[\"echo\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
            ws.sendFrame(true, 0x2, new byte[] {1});
            ws.sendFrame(true, 0x2, new byte[] {2});
            ws.readUntil(f -> f.opcode() == 1 && f.text().startsWith("462-/test,6"));
            awaitNothingHeld(server);
        }
    }

    @Test
    void binaryPacketsWaitingForAttachmentsHoldNoMoreThanTheServersBudgetAllTogether() throws Exception {
        try (FixtureServer server = FixtureServer.start(EngineConfig.defaults("/socket.io/"))) {
            long capacity = server.io().attachmentBytes().capacity();
            // each: a ~900 kB text announcing two attachments (1.8 MB held), then the first of them; never the second
            String text = "452-/test,6[\"echo\",\"" + "z".repeat(900_000)
                    + "\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]";
            int needed = (int) (capacity / 1_900_000) + 2;
            List<RawWebSocket> sockets = new ArrayList<>();
            int closed = 0;
            try {
                for (int i = 0; i < needed + 3; i++) {
                    RawWebSocket ws = connected(server);
                    sockets.add(ws);
                    ws.sendText(text);
                    ws.sendFrame(true, 0x2, new byte[100_000]);
                }
                closed = closedOf(sockets).size();
                assertTrue(closed >= 3, "the connections past the budget were closed: " + closed);
                assertTrue(server.io().attachmentBudgetRefusals() >= 3);
            } finally {
                for (RawWebSocket ws : sockets) {
                    ws.close();
                }
            }
            awaitNothingHeld(server);
        }
    }

    @Test
    void aWaitingPacketOfManySmallNodesIsChargedForItsTreeNotItsText() throws Exception {
        try (FixtureServer server = FixtureServer.start(EngineConfig.defaults("/socket.io/"));
                RawWebSocket ws = connected(server)) {
            // 15 KB of text, ~465 KB of tree (a hostile review: charged 30 KB, so the budget admitted 15 times its
            // size)
            String text = "451-/test,6[\"echo\",{\"_placeholder\":true,\"num\":0},[" + emptyObjects(4_990) + "]]";
            ws.sendText(text);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (server.io().attachmentBytes().held() < 4_990L * 100 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            long held = server.io().attachmentBytes().held();
            assertTrue(held >= 4_990L * 100 && held < 4_990L * 100 + 3L * text.length(), "charged " + held);
            ws.sendFrame(true, 0x2, new byte[] {1});
            ws.readUntil(f -> f.opcode() == 1 && f.text().startsWith("461-/test,6"));
            awaitNothingHeld(server);
        }
    }

    @Test
    void oneNamespacesWaitingPacketsCannotTakeTheWholeBudgetFromAnother() throws Exception {
        try (FixtureServer server = FixtureServer.start(EngineConfig.defaults("/socket.io/"))) {
            long quarter = server.io().attachmentBytes().capacity() / 4;
            String big = "z".repeat(900_000);
            List<RawWebSocket> sockets = new ArrayList<>();
            int closed = 0;
            try {
                for (int i = 0; i < quarter / 1_800_000 + 3; i++) {
                    RawWebSocket ws = connected(server);
                    sockets.add(ws);
                    ws.sendText("451-/test,6[\"echo\",\"" + big + "\",{\"_placeholder\":true,\"num\":0}]");
                }
                closed = closedOf(sockets).size();
                assertTrue(closed >= 2, "past the namespace's quarter of the budget: closed " + closed);
                // another namespace's client still has the rest
                RawWebSocket other = RawWebSocket.connect(server.port(), "/socket.io/?EIO=4&transport=websocket");
                sockets.add(other);
                other.readFrame();
                other.sendText("40/dyn-other,");
                other.readUntil(f -> f.opcode() == 1 && f.text().startsWith("40/dyn-other,"));
                other.sendText("451-/dyn-other,6[\"echo\",\"" + big + "\",{\"_placeholder\":true,\"num\":0}]");
                other.sendFrame(true, 0x2, new byte[] {1});
                assertTrue(other.readUntil(f -> f.opcode() == 1 && f.text().startsWith("461-/dyn-other,6"))
                        .text()
                        .contains(big));
            } finally {
                for (RawWebSocket ws : sockets) {
                    ws.close();
                }
            }
            awaitNothingHeld(server);
        }
    }

    @Test
    void messagesConnectedClientsAreSendingHoldNoMoreThanTheirNamespacesPartOfTheServersBudget() throws Exception {
        try (FixtureServer server = FixtureServer.start(EngineConfig.defaults("/socket.io/"))) {
            long quarter = server.io().engine().unrestrictedMessageBytes().capacity() / 4;
            // each: a ~900 kB event (as the Socket.IO layer allows once connected) sent but for its last kilobyte
            byte[] whole = RawWebSocket.frame(
                    true, 0x1, ("42/test,[\"echo\",\"" + "w".repeat(900_000) + "\"]").getBytes(StandardCharsets.UTF_8));
            byte[] allButTheEnd = Arrays.copyOf(whole, whole.length - 1_000);
            int fit = (int) (quarter / (whole.length - 8 * 1024 - 14)); // past its 8 KiB free
            List<RawWebSocket> sockets = new ArrayList<>();
            int refused = 0;
            try {
                for (int i = 0; i < fit + 3; i++) {
                    RawWebSocket ws = connected(server);
                    sockets.add(ws);
                    ws.sendRaw(allButTheEnd);
                }
                List<RawWebSocket.Frame> closes = closedOf(sockets);
                for (RawWebSocket.Frame close : closes) {
                    assertTrue(close != null && close.closeCode() == 1013, "closed 1013 (try again later)");
                }
                refused = closes.size();
                assertTrue(refused >= 3, "the connections past the namespace's part were closed: " + refused);
                assertTrue(refused <= 4, "the connections within it were not: " + refused);
                assertTrue(server.io().engine().unrestrictedRefusals() >= 3);
                // another namespace's clients still have the rest of the budget
                assertTrue(eventuallyEchoed(server, "/dyn-other", "u".repeat(500_000)), "another namespace unhurt");
            } finally {
                for (RawWebSocket ws : sockets) {
                    ws.close();
                }
            }
            // what they took comes back as their connections end: a large message is answered again
            assertTrue(
                    eventuallyEchoed(server, "/test", "v".repeat(500_000)), "a large message answered once they ended");
        }
    }

    /**
     * A POST still arriving when its session ends is cut off, and gives back what it took (a review held one 420 s past
     * its session's end, with its bytes: with a few thousand, a heap ran out).
     */
    @Test
    void aPostStillArrivingWhenItsSessionEndsIsCutOffAndGivesItsBytesBack() throws Exception {
        try (FixtureServer server = FixtureServer.start(EngineConfig.defaults("/socket.io/"))) {
            var budget = server.io().engine().unrestrictedMessageBytes();
            String sid = sid(handshake(server).body());
            post(server, sid, "40/test,");
            assertTrue(poll(server, sid).stream().anyMatch(p -> p.startsWith("40/test,")));
            try (java.net.Socket lingering = new java.net.Socket("127.0.0.1", server.port())) {
                lingering
                        .getOutputStream()
                        .write(("POST /socket.io/?EIO=4&transport=polling&sid=" + sid + " HTTP/1.1\r\nHost: x\r\n"
                                        + "Content-Type: text/plain;charset=UTF-8\r\nContent-Length: 200000\r\n\r\n4"
                                        + "x".repeat(99))
                                .getBytes(StandardCharsets.US_ASCII));
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (budget.held() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertTrue(budget.held() > 0, "the POST took its declared bytes past the free ones");
                // a second POST while the first is under way: the protocol says the client is broken, the session ends
                HttpResponse<String> overlap = HTTP.send(
                        HttpRequest.newBuilder(
                                        URI.create(server.url() + "/socket.io/?EIO=4&transport=polling&sid=" + sid))
                                .POST(HttpRequest.BodyPublishers.ofString("4y"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(400, overlap.statusCode());
                lingering.setSoTimeout(5_000);
                try {
                    int read = lingering.getInputStream().read();
                    assertEquals(-1, read, "the connection ended without an answer");
                } catch (java.net.SocketException reset) {
                    // ended, as a reset
                }
                deadline = System.nanoTime() + 5_000_000_000L;
                while (budget.held() != 0 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertEquals(0, budget.held(), "its bytes given back");
            }
        }
    }

    /**
     * Whether a new client connected to {@code namespace} gets its echo of {@code text} answered within 5 s, trying again
     * while refused.
     */
    private static boolean eventuallyEchoed(FixtureServer server, String namespace, String text) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (RawWebSocket ws = open(server)) {
                ws.sendText("40" + namespace + ",");
                ws.readUntil(f -> f.opcode() == 1 && f.text().startsWith("40" + namespace + ","));
                ws.sendText("42" + namespace + ",9[\"echo\",\"" + text + "\"]");
                String ack = "43" + namespace + ",9";
                RawWebSocket.Frame answer =
                        ws.readUntil(f -> f.opcode() == 0x8 || f.text().startsWith(ack));
                if (answer.opcode() == 1) {
                    return answer.text().equals(ack + "[\"" + text + "\"]");
                }
            }
            Thread.sleep(100);
        }
        return false;
    }

    /**
     * How the server ended those of {@code sockets} it closed (a close frame, or null for the TCP connection's end),
     * each given 300 ms; the ones still open are within their budget.
     */
    private static List<RawWebSocket.Frame> closedOf(List<RawWebSocket> sockets) throws IOException {
        List<RawWebSocket.Frame> closes = new ArrayList<>();
        for (RawWebSocket ws : sockets) {
            ws.timeout(300);
            try {
                closes.add(ws.readUntilClosed());
            } catch (java.net.SocketTimeoutException stillOpen) {
                // within the budget
            }
        }
        return closes;
    }

    private static String emptyObjects(int count) {
        return String.join(",", java.util.Collections.nCopies(count, "{}"));
    }

    private static void awaitNothingHeld(FixtureServer server) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (server.io().attachmentBytes().held() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, server.io().attachmentBytes().held(), "every byte given back");
    }

    @Test
    void aConnectsAuthIsBoundedInEveryState() throws IOException {
        try (FixtureServer server = FixtureServer.start(EngineConfig.defaults("/socket.io/"));
                RawWebSocket ws = connected(server)) {
            // in /test the connection may send 1 MB messages; a CONNECT to another namespace still carries at most
            // 32 KiB of auth, since the socket would keep it for its life
            // (in bytes: a pad of many small objects is past the packet's token limit, a parse error of its own)
            String pad = "\"" + "p".repeat(40_000) + "\"";
            ws.sendText("40/private,{\"pad\":" + pad + "}");
            String refused = ws.readUntil(f -> f.opcode() == 1 && f.text().startsWith("44/private,"))
                    .text();
            assertEquals("44/private,{\"message\":\"auth too large\"}", refused);
            // the connection goes on
            ws.sendText("42/test,9[\"echo\",\"still here\"]");
            ws.readUntil(f -> f.opcode() == 1 && f.text().equals("43/test,9[\"still here\"]"));
        }
    }

    @Test
    void aConnectionThatKeepsGuessingIsClosed() throws IOException {
        try (FixtureServer server = FixtureServer.start(EngineConfig.defaults("/socket.io/"));
                RawWebSocket ws = open(server)) {
            for (int i = 0; i < 10; i++) {
                ws.sendText("40/private,{\"token\":\"guess-" + i + "\"}");
                assertTrue(ws.readUntil(f -> f.opcode() == 1 && f.text().startsWith("44/private,"))
                        .text()
                        .contains("unauthorized"));
            }
            ws.sendText("40/private,{\"token\":\"guess-10\"}");
            assertClosed(ws);
        }
    }

    @Test
    void sessionsPerAddressAndInAllAreCapped() throws Exception {
        try (FixtureServer server =
                FixtureServer.start(EngineConfig.defaults("/socket.io/").withMaxSessions(100, 2))) {
            String first = handshake(server).body();
            handshake(server);
            HttpResponse<String> third = handshake(server);
            assertEquals(503, third.statusCode(), third.body());
            assertEquals("1", third.headers().firstValue("Retry-After").orElse(""));
            try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/socket.io/?EIO=4&transport=websocket")) {
                assertFalse(ws.upgraded(), "refused before switching protocols");
                assertTrue(ws.statusLine().contains("503"), ws.statusLine());
            }
            // a session that ends gives its slot back
            post(server, sid(first), "1");
            assertEquals(200, handshake(server).statusCode());
        }
        try (FixtureServer server =
                FixtureServer.start(EngineConfig.defaults("/socket.io/").withMaxSessions(2, 100))) {
            handshake(server);
            try (RawWebSocket ws = open(server)) {
                assertEquals(503, handshake(server).statusCode());
            }
            assertEquals(200, eventually200(server));
        }
    }

    @Test
    void aStoppingServerRefusesHandshakesAndUpgradesBeforeSwitchingProtocols() throws Exception {
        try (FixtureServer server = FixtureServer.start(EngineConfig.defaults("/socket.io/"))) {
            String sid = sid(handshake(server).body());
            server.io().engine().stopAccepting();
            assertEquals(503, handshake(server).statusCode());
            try (RawWebSocket fresh = RawWebSocket.connect(server.port(), "/socket.io/?EIO=4&transport=websocket");
                    RawWebSocket upgrade =
                            RawWebSocket.connect(server.port(), "/socket.io/?EIO=4&transport=websocket&sid=" + sid)) {
                assertTrue(fresh.statusLine().contains("503"), fresh.statusLine());
                assertTrue(upgrade.statusLine().contains("503"), upgrade.statusLine());
            }
        }
    }

    @Test
    void aPollingResponseCarriesAtMostSixteenPackets() throws Exception {
        try (FixtureServer server = FixtureServer.start(EngineConfig.defaults("/socket.io/"))) {
            String sid = sid(handshake(server).body());
            post(server, sid, "40/test,");
            List<String> packets = new ArrayList<>(poll(server, sid));
            StringBuilder burst = new StringBuilder();
            for (int i = 1; i <= 40; i++) {
                burst.append(i == 1 ? "" : "\u001e")
                        .append("42/test,")
                        .append(i)
                        .append("[\"echo\",")
                        .append(i)
                        .append(']');
            }
            post(server, sid, burst.toString());
            int acks = 0;
            while (acks < 40) {
                List<String> response = poll(server, sid);
                assertTrue(response.size() <= EngineConfig.DEFAULT_MAX_PACKETS_PER_POLL, response.size() + " packets");
                acks += (int)
                        response.stream().filter(p -> p.startsWith("43/test,")).count();
            }
            assertEquals(40, acks);
            assertTrue(packets.stream().anyMatch(p -> p.startsWith("40/test,")), packets.toString());
        }
    }

    // --- helpers -------------------------------------------------------------------------------------------

    private static RawWebSocket open(FixtureServer server) throws IOException {
        RawWebSocket ws = RawWebSocket.connect(server.port(), "/socket.io/?EIO=4&transport=websocket");
        assertTrue(ws.upgraded(), ws.statusLine());
        assertTrue(ws.readFrame().text().startsWith("0{\"sid\":"));
        return ws;
    }

    private static RawWebSocket connected(FixtureServer server) throws IOException {
        RawWebSocket ws = open(server);
        ws.sendText("40/test,");
        ws.readUntil(f -> f.opcode() == 1 && f.text().startsWith("40/test,"));
        return ws;
    }

    /** Reads until the server ends the connection: a close frame or the end of the stream, never a timeout. */
    private static void assertClosed(RawWebSocket ws) throws IOException {
        ws.timeout(4_000);
        RawWebSocket.Frame close = ws.readUntilClosed();
        assertTrue(close == null || close.opcode() == 0x8, "the server closed the connection");
    }

    private static HttpResponse<String> handshake(FixtureServer server) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(server.url() + "/socket.io/?EIO=4&transport=polling"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int eventually200(FixtureServer server) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        int status;
        do {
            status = handshake(server).statusCode();
            if (status != 200) {
                Thread.sleep(50);
            }
        } while (status != 200 && System.nanoTime() < deadline);
        return status;
    }

    private static String sid(String openBody) {
        Matcher matcher = SID.matcher(openBody);
        assertTrue(matcher.find(), openBody);
        return matcher.group(1);
    }

    private static void post(FixtureServer server, String sid, String payload) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(server.url() + "/socket.io/?EIO=4&transport=polling&sid=" + sid))
                        .POST(HttpRequest.BodyPublishers.ofString(payload, StandardCharsets.UTF_8))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
    }

    private static List<String> poll(FixtureServer server, String sid) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(server.url() + "/socket.io/?EIO=4&transport=polling&sid=" + sid))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return List.of(response.body().split("\u001e"));
    }
}
