package io.chat.socketio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.socketio.engine.EngineConfig;
import io.chat.testing.RawWebSocket;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The protocol on the wire, including what well-behaved clients never send: each offender is closed with
 * the right answer, and a witness connection keeps working throughout.
 */
@FixtureTest
class RawProtocolTest {
    private static FixtureServer server;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private RawWebSocket witness;

    @SetUpFixture
    static EngineConfig engine(EngineConfig defaults) {
        // heartbeats far apart, so that the witness need not answer pings while a test takes its time
        return EngineConfig.defaults("/socket.io/");
    }

    @BeforeEach
    void connectWitness() throws IOException {
        witness = connectToTest();
    }

    @AfterEach
    void witnessStillWorks() throws IOException {
        assertEcho(witness, 7);
        witness.close();
    }

    private static RawWebSocket connectToTest() throws IOException {
        return connectToTest(server);
    }

    private static RawWebSocket connectToTest(FixtureServer target) throws IOException {
        RawWebSocket ws = RawWebSocket.connect(target.port(), "/socket.io/?EIO=4&transport=websocket");
        assertTrue(ws.upgraded(), ws.statusLine());
        String open = ws.readFrame().text();
        assertTrue(open.startsWith("0{\"sid\":"), open);
        ws.sendText("40/test,");
        String connected = ws.readUntil(f -> true).text();
        assertTrue(connected.startsWith("40/test,{\"sid\":"), connected);
        String welcome = ws.readUntil(f -> true).text();
        assertTrue(welcome.startsWith("42/test,[\"welcome\""), welcome);
        return ws;
    }

    private static void assertEcho(RawWebSocket ws, int ackId) throws IOException {
        ws.sendText("42/test," + ackId + "[\"echo\",\"hi\",{\"n\":1}]");
        RawWebSocket.Frame answer = ws.readUntil(f -> f.text().startsWith("43/test,"));
        assertEquals("43/test," + ackId + "[\"hi\",{\"n\":1}]", answer.text());
    }

    private static HttpResponse<String> get(String query) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(server.url() + "/socket.io/?" + query))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> send(String method, String query, String body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(server.url() + "/socket.io/?" + query))
                        .method(method, HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String handshake() throws Exception {
        String open = get("EIO=4&transport=polling").body();
        return open.substring(open.indexOf("\"sid\":\"") + 7, open.indexOf("\",\"upgrades\""));
    }

    @Test
    void httpErrorsAnswer400WithTheProtocolsCodes() throws Exception {
        assertAnswer(get("EIO=3&transport=polling"), 400, "{\"code\":5,\"message\":\"Unsupported protocol version\"}");
        assertAnswer(get("EIO=4&transport=carrier-pigeon"), 400, "{\"code\":0,\"message\":\"Transport unknown\"}");
        assertAnswer(
                send("POST", "EIO=4&transport=polling", ""), 400, "{\"code\":2,\"message\":\"Bad handshake method\"}");
        assertAnswer(get("EIO=4&transport=polling&sid=nope"), 400, "{\"code\":1,\"message\":\"Session ID unknown\"}");
        String sid = handshake();
        assertAnswer(
                send("PUT", "EIO=4&transport=polling&sid=" + sid, "x"),
                400,
                "{\"code\":3,\"message\":\"Bad request\"}");
    }

    private static void assertAnswer(HttpResponse<String> response, int status, String body) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(body, response.body());
    }

    @Test
    void invalidSocketIoPacketsCloseTheOffenderOnly() throws Exception {
        for (String bad : new String[] {
            "42/test,{}",
            "9",
            "42/test,[\"connect\"]",
            "43/test,[]",
            "42/test,99999999999999999999[\"echo\"]",
            "42/test,[\"echo\"",
            "41/test,{}",
            "44/test,{}",
            "51-/test,[\"echo\"]"
        }) {
            try (RawWebSocket offender = connectToTest()) {
                offender.sendText(bad);
                RawWebSocket.Frame close = offender.readUntilClosed();
                assertTrue(close == null || close.opcode() == 0x8, "closed after " + bad);
            }
        }
    }

    @Test
    void invalidPacketOverPollingEndsTheSession() throws Exception {
        String sid = handshake();
        String query = "EIO=4&transport=polling&sid=" + sid;
        assertEquals("ok", send("POST", query, "40/test,").body());
        assertTrue(get(query).body().startsWith("40/test,{\"sid\":"));
        assertEquals("ok", send("POST", query, "42/test,{}").body());
        // what was queued before the close still comes, and the close packet last
        HttpResponse<String> after = get(query);
        assertEquals(200, after.statusCode());
        assertTrue(after.body().equals("1") || after.body().endsWith("\u001e1"), after.body());
        assertEquals(400, get(query).statusCode(), "the sid is gone after its close packet");
    }

    @Test
    void oversizePollingBodyIsRefused() throws Exception {
        String sid = handshake();
        String big = "4" + "x".repeat(1_000_001);
        assertEquals(
                413, send("POST", "EIO=4&transport=polling&sid=" + sid, big).statusCode());
    }

    @Test
    void oversizeWebSocketMessageCloses1009() throws Exception {
        try (RawWebSocket offender = connectToTest()) {
            offender.sendFrame(true, 0x1, ("4" + "x".repeat(1_000_001)).getBytes(StandardCharsets.UTF_8));
            RawWebSocket.Frame close = offender.readUntilClosed();
            assertTrue(close != null && close.closeCode() == 1009, "1009 expected");
        }
    }

    @Test
    void invalidUtf8Closes1007() throws Exception {
        try (RawWebSocket offender = connectToTest()) {
            offender.sendFrame(true, 0x1, new byte[] {'4', (byte) 0xC3, (byte) 0x28});
            RawWebSocket.Frame close = offender.readUntilClosed();
            assertTrue(close != null && close.closeCode() == 1007, "1007 expected");
        }
    }

    @Test
    void utf8SplitAcrossFragmentsRoundTripsByteExact() throws Exception {
        try (RawWebSocket client = connectToTest()) {
            byte[] message = "42/test,5[\"echo\",\"h\u00e9llo \ud83d\ude00\"]".getBytes(StandardCharsets.UTF_8);
            int split = message.length - 5; // inside the 4-byte emoji
            client.sendFrame(false, 0x1, Arrays.copyOfRange(message, 0, split));
            client.sendFrame(true, 0x0, Arrays.copyOfRange(message, split, message.length));
            RawWebSocket.Frame answer = client.readUntil(f -> f.text().startsWith("43/test,"));
            assertEquals("43/test,5[\"h\u00e9llo \ud83d\ude00\"]", answer.text());
        }
    }

    @Test
    void pingsAreAnsweredAndOversizePingsClose1002() throws Exception {
        try (RawWebSocket client = connectToTest()) {
            client.sendFrame(true, 0x9, "are you there".getBytes(StandardCharsets.UTF_8));
            RawWebSocket.Frame pong = client.readUntil(f -> f.opcode() == 0xA);
            assertEquals("are you there", pong.text());
            client.sendFrame(true, 0x9, new byte[126]);
            RawWebSocket.Frame close = client.readUntilClosed();
            assertTrue(close != null && close.closeCode() == 1002, "1002 expected");
        }
    }

    @Test
    void unmaskedFrameCloses1002() throws Exception {
        try (RawWebSocket offender = connectToTest()) {
            offender.sendFrame(true, 0x1, "42/test,[\"echo\"]".getBytes(StandardCharsets.UTF_8), false);
            RawWebSocket.Frame close = offender.readUntilClosed();
            assertTrue(close != null && close.closeCode() == 1002, "1002 expected");
        }
    }

    @Test
    void neverFinishedMessageIsClosedByTheHeartbeat() throws Exception {
        // a client in the middle of a fragmented message cannot send the Engine.IO pong: the heartbeat ends it
        try (FixtureServer quick = FixtureServer.start();
                RawWebSocket offender = connectToTest(quick)) {
            offender.sendFrame(false, 0x1, "42/test,[\"echo\",".getBytes(StandardCharsets.UTF_8));
            RawWebSocket.Frame close = offender.readUntilClosed();
            assertTrue(close == null || close.opcode() == 0x8);
        }
    }

    @Test
    void unknownUpgradeSessionIsRefused() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/socket.io/?EIO=4&transport=websocket&sid=nope")) {
            assertTrue(ws.statusLine().contains(" 400 "), ws.statusLine());
        }
    }
}
