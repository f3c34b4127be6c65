package io.chat.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.Launch;
import io.chat.Running;
import io.chat.json.Json;
import io.chat.platform.PlatformServer;
import io.chat.platform.PlatformTest;
import io.chat.socketio.SocketIoConfig;
import io.chat.socketio.SocketIoServer;
import io.chat.socketio.engine.EngineConfig;
import io.chat.testing.RawWebSocket;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile frames and packets against the platform: each offender gets a clean close (the right code, a short
 * fixed reason, valid UTF-8), the process stays up and a witness socket of the same tenant keeps answering.
 * Timings of the rejections are measured by {@code scripts/hardening}, not asserted here.
 */
@PlatformTest
class BadInputTest {
    static final String TENANT = "probe";
    private static PlatformServer server;
    private static String token;
    private RawWebSocket witness;
    private int witnessAcks;

    @BeforeAll
    static void provision() throws Exception {
        server.passwordTenant(TENANT, "alice", "bob");
        token = server.login(TENANT, "alice");
    }

    @BeforeEach
    void connectWitness() throws IOException {
        witness = Wire.tenant(server.port(), TENANT, token);
    }

    @AfterEach
    void witnessStillAnswers() throws IOException {
        String ack = witness.call(TENANT, ++witnessAcks, "rooms:list", "{}");
        assertTrue(ack.contains("\"ok\":true"), ack);
        witness.close();
        assertEquals(200, server.call("GET", "/health", null, null).statusCode());
    }

    private static RawWebSocket offender() throws IOException {
        return Wire.tenant(server.port(), TENANT, token);
    }

    /** The close code the server ends with (1006 when it only dropped TCP). */
    private static int closedWith(RawWebSocket ws) throws IOException {
        RawWebSocket.Frame close = ws.readUntilClosed();
        return close == null ? 1006 : close.closeCode();
    }

    // --- WebSocket frames ----------------------------------------------------------------------------------

    @Test
    void pingsArePongedAndAnOversizePingIsAProtocolError() throws IOException {
        try (RawWebSocket ws = offender()) {
            byte[] payload = "x".repeat(125).getBytes(StandardCharsets.US_ASCII);
            ws.sendFrame(true, 0x9, payload);
            RawWebSocket.Frame pong = ws.readUntil(f -> f.opcode() == 0xA);
            assertTrue(Arrays.equals(payload, pong.payload()));
            ws.sendFrame(true, 0x9, "x".repeat(126).getBytes(StandardCharsets.US_ASCII));
            assertEquals(1002, closedWith(ws));
        }
    }

    @Test
    void framesNoClientSendsAreProtocolErrors() throws IOException {
        Map<String, byte[]> cases = new LinkedHashMap<>();
        byte[] unmasked = {(byte) 0x81, 0x01, '4'};
        cases.put("unmasked", unmasked);
        byte[] reserved = RawWebSocket.frame(true, 0x1, "4".getBytes(StandardCharsets.US_ASCII));
        reserved[0] |= 0x40;
        cases.put("reserved bit", reserved);
        cases.put("stray continuation", RawWebSocket.frame(true, 0x0, "4".getBytes(StandardCharsets.US_ASCII)));
        cases.put("fragmented ping", RawWebSocket.frame(false, 0x9, new byte[1]));
        cases.put("unknown opcode", RawWebSocket.frame(true, 0x3, new byte[1]));
        cases.put("one-byte close", RawWebSocket.frame(true, 0x8, new byte[1]));
        byte[] negative = {(byte) 0x81, (byte) 0xFF, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4};
        cases.put("negative 64-bit length", negative);
        for (Map.Entry<String, byte[]> c : cases.entrySet()) {
            try (RawWebSocket ws = offender()) {
                ws.sendRaw(c.getValue());
                assertEquals(1002, closedWith(ws), c.getKey());
            }
        }
    }

    @Test
    void tooManyFragmentsOrTooBigIsClosed1009() throws IOException {
        try (RawWebSocket ws = offender()) {
            ws.sendFrame(false, 0x1, "42".getBytes(StandardCharsets.US_ASCII));
            try {
                for (int i = 0; i < 1100; i++) {
                    ws.sendFrame(false, 0x0, new byte[0]);
                }
            } catch (IOException closedWhileWriting) {
                // the server may close before the last fragment
            }
            assertEquals(1009, closedWith(ws));
        }
        try (RawWebSocket ws = offender()) {
            try {
                ws.sendFrame(true, 0x1, new byte[1_000_001]);
            } catch (IOException closedWhileWriting) {
                // expected: refused on the header
            }
            assertEquals(1009, closedWith(ws));
        }
        try (RawWebSocket ws = offender()) {
            // ten megabytes of string in one event: over the payload limit, in fragments
            byte[] chunk = new byte[256 * 1024];
            Arrays.fill(chunk, (byte) 'a');
            try {
                ws.sendFrame(
                        false,
                        0x1,
                        ("42/" + TENANT + ",[\"message:send\",{\"room\":\"r\",\"text\":\"")
                                .getBytes(StandardCharsets.US_ASCII));
                for (int i = 0; i < 40; i++) {
                    ws.sendFrame(false, 0x0, chunk);
                }
            } catch (IOException closedWhileWriting) {
                // expected
            }
            assertEquals(1009, closedWith(ws));
        }
    }

    @Test
    void invalidUtf8SplitAcrossFragmentsIs1007() throws IOException {
        List<byte[][]> cases = List.of(
                new byte[][] {{'4', '2', '[', '"', (byte) 0xE2, (byte) 0x82}, {(byte) 0x28, '"', ']'}},
                new byte[][] {{'4', '2', '[', '"', (byte) 0xF0}, {(byte) 0x9F, (byte) 0x98}, {'"', ']'}},
                new byte[][] {{'4', '2', '[', '"', (byte) 0xED, (byte) 0xA0}, {(byte) 0x80, '"', ']'}}, // surrogate
                new byte[][] {{'4', '2', '[', '"', (byte) 0xC0}, {(byte) 0xAF, '"', ']'}}, // overlong
                new byte[][] {{'4', '2', '[', '"', 'a'}, {(byte) 0xFF, '"', ']'}});
        for (byte[][] fragments : cases) {
            try (RawWebSocket ws = offender()) {
                for (int i = 0; i < fragments.length; i++) {
                    ws.sendFrame(i == fragments.length - 1, i == 0 ? 0x1 : 0x0, fragments[i]);
                }
                assertEquals(1007, closedWith(ws), Arrays.deepToString(fragments));
            }
        }
    }

    @Test
    void validUtf8SplitInsideCharactersRoundTripsByteExact() throws IOException {
        String text = "h\u00e9llo \u20ac \ud83d\ude00 \u4e2d\u6587 \u0928\u092e\u0938\u094d\u0924\u0947";
        try (RawWebSocket ws = offender()) {
            ws.call(TENANT, 1, "room:join", "{\"room\":\"utf8\"}");
            byte[] whole = ("42/" + TENANT + ",2[\"message:send\",{\"room\":\"utf8\",\"text\":\"" + text + "\"}]")
                    .getBytes(StandardCharsets.UTF_8);
            // one byte per fragment: every multi-byte character is split
            for (int i = 0; i < whole.length; i++) {
                ws.sendFrame(i == whole.length - 1, i == 0 ? 0x1 : 0x0, new byte[] {whole[i]});
            }
            String ack = ws.readUntil(f -> f.opcode() == 0x1 && f.text().startsWith("43/" + TENANT + ",2["))
                    .text();
            String stored = Json.mapper()
                    .readTree(ack.substring(ack.indexOf('[')))
                    .get(0)
                    .get("message")
                    .get("text")
                    .asText();
            assertTrue(
                    Arrays.equals(text.getBytes(StandardCharsets.UTF_8), stored.getBytes(StandardCharsets.UTF_8)),
                    "stored " + stored);
            String history = ws.call(TENANT, 3, "history:fetch", "{\"room\":\"utf8\"}");
            assertTrue(history.contains(text), history);
        }
    }

    // --- Engine.IO / Socket.IO packets ------------------------------------------------------------------------

    /** Packets the reference parser refuses: the connection is closed. */
    private static final List<String> CLOSING = List.of(
            "42/" + TENANT + ",",
            "42/" + TENANT + ",[",
            "42/" + TENANT + ",[\"rooms:list\",{}",
            "42/" + TENANT + ",{}",
            "42/" + TENANT + ",[]",
            "42/" + TENANT + ",[null]",
            "42/" + TENANT + ",\"rooms:list\"",
            "42/" + TENANT + ",99999999999999999999999999[\"rooms:list\",{}]",
            "42/" + TENANT + ",9007199254740992[\"rooms:list\",{}]",
            "42/" + TENANT + ",-1[\"rooms:list\",{}]",
            "42/" + TENANT + ",[\"connect\",{}]",
            "42/" + TENANT + ",[\"disconnect\",{}]",
            "42/" + TENANT + ",[\"connect_error\",{}]",
            "42/" + TENANT + ",[\"disconnecting\",{}]",
            "42/" + TENANT + ",[\"newListener\",{}]",
            "42/" + TENANT + ",[\"removeListener\",{}]",
            "42/" + TENANT + ",[\"x\"," + "[".repeat(65) + "]".repeat(65) + "]",
            "42/" + TENANT + ",[\"x\"," + "{\"a\":".repeat(100) + "1" + "}".repeat(100) + "]",
            "45999999999-/" + TENANT + ",[\"x\",{\"_placeholder\":true,\"num\":0}]",
            "4-1-/" + TENANT + ",[\"x\"]",
            "45-/" + TENANT + ",[\"x\",{\"_placeholder\":true,\"num\":99}]",
            "47/" + TENANT + ",[\"x\"]",
            "4x",
            "4",
            "9",
            "",
            "x42");

    /** Odd but valid packets (Node accepts numeric event names): dropped or answered, the offender stays. */
    private static final List<String> TOLERATED = List.of(
            "42/" + TENANT + ",[1,2]",
            "42/" + TENANT + ",[\"x\",\"\\ud800\"]",
            "42/" + TENANT + ",7[\"message:send\",{\"room\":\"r\",\"text\":\"\\ud800\\udfff\\ud800\"}]",
            "42/" + TENANT + ",8[\"room:join\",{\"room\":\"\\u0000\"}]",
            "42/" + TENANT + ",9[\"room:join\",{\"room\":\"" + "r".repeat(100_000) + "\"}]",
            "42/" + TENANT + ",10[\"history:fetch\",{\"room\":\"r\",\"before\":1e308,\"limit\":-5}]",
            "42/" + TENANT + ",11[\"no:such:event\"]",
            "42/" + TENANT + ",12[\"message:send\",\"not an object\",{}]",
            "42/" + TENANT + ",13[\"room:join\",{\"room\":[\"a\"],\"since\":\"x\"}]",
            "43/" + TENANT + ",424242[{\"ok\":true}]",
            "42/" + TENANT + ",[\"typing\"," + "{\"room\":\"r\"},".repeat(1000) + "1]");

    @Test
    void malformedPacketsCloseTheOffenderOnly() throws IOException {
        for (String packet : CLOSING) {
            try (RawWebSocket ws = offender()) {
                ws.sendText(packet);
                ws.timeout(5_000);
                int code = closedWith(ws);
                assertTrue(code == 1000 || code == 1006, code + " <- " + packet);
            }
        }
    }

    @Test
    void oddButValidPacketsAreAnsweredOrDroppedAndTheOffenderCarriesOn() throws IOException {
        try (RawWebSocket ws = offender()) {
            int ack = 100;
            for (String packet : TOLERATED) {
                ws.sendText(packet);
                // every answer so far is read (and checked: valid UTF-8, no internals) before the next packet
                String answer = ws.call(TENANT, ++ack, "rooms:list", "{}");
                assertTrue(answer.contains("\"ok\":true"), packet + " -> " + answer);
            }
        }
    }

    @Test
    void binaryAttachmentsThatLieAreHandled() throws IOException {
        // announced two attachments, sent one and then a text packet: closed, not left waiting forever
        try (RawWebSocket ws = offender()) {
            ws.sendText("452-/" + TENANT + ",[\"message:send\",{\"_placeholder\":true,\"num\":0},"
                    + "{\"_placeholder\":true,\"num\":1}]");
            ws.sendFrame(true, 0x2, new byte[] {1, 2, 3});
            ws.sendText("42/" + TENANT + ",[\"rooms:list\",{}]");
            int code = closedWith(ws); // a read timeout here (10 s) would mean it was left waiting
            assertTrue(code == 1000 || code == 1006, "closed with " + code);
        }
        // a binary frame nobody announced
        try (RawWebSocket ws = offender()) {
            ws.sendFrame(true, 0x2, new byte[] {4, 1, 2});
            int code = closedWith(ws);
            assertTrue(code == 1000 || code == 1006, "closed with " + code);
        }
        // announced zero attachments but placeholders inside: an ordinary event with odd data, answered
        try (RawWebSocket ws = offender()) {
            String ack = ws.call(TENANT, 5, "message:send", "{\"_placeholder\":true,\"num\":0}");
            assertTrue(ack.contains("\"ok\":false"), ack);
        }
    }

    @Test
    void aMessageNeverFinishedIsClosedByTheHeartbeat() throws Exception {
        SocketIoServer io = SocketIoServer.create(SocketIoConfig.defaults()
                .withEngine(EngineConfig.defaults("/socket.io/")
                        .withHeartbeat(Duration.ofMillis(300), Duration.ofMillis(300))));
        io.of("/");
        Running running = Launch.of(io).start();
        try (RawWebSocket ws = Wire.connect(running.port(), "/socket.io/?EIO=4&transport=websocket", null)) {
            assertTrue(ws.readFrame().text().startsWith("0{"));
            ws.sendFrame(false, 0x1, "42[\"never\",\"".getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            RawWebSocket.Frame closed = ws.readUntilClosed(); // the client cannot pong in the middle of a message
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.println("never-finished message closed after " + millis + " ms ("
                    + (closed == null ? "TCP end" : "close " + closed.closeCode()) + ")");
        } finally {
            running.stop();
        }
    }
}
