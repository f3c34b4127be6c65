package io.chat.socketio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import io.chat.socketio.PacketCodec.ParseException;
import io.chat.socketio.engine.EnginePacket;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Socket.IO v5 packet codec: what socket.io-parser 4 accepts, what it refuses, and what the server sends. */
class PacketCodecTest {
    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Packet packet(PacketType type, String namespace, OptionalLong ackId, String data, int attachments) {
        return new Packet(type, namespace, ackId, Optional.ofNullable(data).map(PacketCodecTest::json), attachments);
    }

    // --- decoding what clients send ------------------------------------------------------------------------

    @Test
    void connect() {
        assertEquals(packet(PacketType.CONNECT, "/", OptionalLong.empty(), null, 0), PacketCodec.decode("0"));
        assertEquals(packet(PacketType.CONNECT, "/acme", OptionalLong.empty(), null, 0), PacketCodec.decode("0/acme,"));
        assertEquals(
                packet(PacketType.CONNECT, "/acme", OptionalLong.empty(), "{\"token\":\"t\"}", 0),
                PacketCodec.decode("0/acme,{\"token\":\"t\"}"));
        assertEquals(
                packet(PacketType.CONNECT, "/", OptionalLong.empty(), "{\"token\":1}", 0),
                PacketCodec.decode("0{\"token\":1}"));
    }

    @Test
    void aNamespaceWithoutACommaRunsToTheEnd() {
        assertEquals(packet(PacketType.CONNECT, "/acme", OptionalLong.empty(), null, 0), PacketCodec.decode("0/acme"));
    }

    @Test
    void disconnect() {
        assertEquals(
                packet(PacketType.DISCONNECT, "/acme", OptionalLong.empty(), null, 0), PacketCodec.decode("1/acme,"));
        assertEquals(packet(PacketType.DISCONNECT, "/", OptionalLong.empty(), null, 0), PacketCodec.decode("1"));
    }

    @Test
    void events() {
        assertEquals(
                packet(PacketType.EVENT, "/", OptionalLong.empty(), "[\"hello\",1]", 0),
                PacketCodec.decode("2[\"hello\",1]"));
        assertEquals(
                packet(PacketType.EVENT, "/acme", OptionalLong.of(12), "[\"room:join\",{\"room\":\"a\"}]", 0),
                PacketCodec.decode("2/acme,12[\"room:join\",{\"room\":\"a\"}]"));
        assertEquals(packet(PacketType.EVENT, "/", OptionalLong.of(0), "[\"x\"]", 0), PacketCodec.decode("20[\"x\"]"));
        // a number is a valid event name for the reference parser
        assertEquals(packet(PacketType.EVENT, "/", OptionalLong.empty(), "[1]", 0), PacketCodec.decode("2[1]"));
    }

    @Test
    void acks() {
        assertEquals(packet(PacketType.ACK, "/acme", OptionalLong.of(7), "[]", 0), PacketCodec.decode("3/acme,7[]"));
        assertEquals(
                packet(PacketType.ACK, "/", OptionalLong.of(7), "[{\"ok\":true}]", 0),
                PacketCodec.decode("37[{\"ok\":true}]"));
    }

    @Test
    void binaryPacketsCountTheirAttachments() {
        assertEquals(
                packet(
                        PacketType.BINARY_EVENT,
                        "/",
                        OptionalLong.empty(),
                        "[\"file\",{\"_placeholder\":true,\"num\":0}]",
                        1),
                PacketCodec.decode("51-[\"file\",{\"_placeholder\":true,\"num\":0}]"));
        assertEquals(
                packet(
                        PacketType.BINARY_ACK,
                        "/acme",
                        OptionalLong.of(5),
                        "[{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]",
                        2),
                PacketCodec.decode("62-/acme,5[{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]"));
        assertEquals(1000, PacketCodec.decode("51000-[\"x\"]").attachments());
    }

    @Test
    void theLargestAckIdIsTwoToThe53MinusOne() {
        assertEquals(
                OptionalLong.of(9007199254740991L),
                PacketCodec.decode("29007199254740991[\"x\"]").ackId());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "7",
                "9",
                "a",
                "/",
                " 2[\"x\"]",
                // only servers send CONNECT_ERROR
                "4{\"message\":\"no\"}",
                "4",
                // CONNECT data is an object, DISCONNECT has none
                "0[]",
                "0\"x\"",
                "1{}",
                "1/acme,[]",
                // an event is a non-empty array whose first element is a name
                "2",
                "2/acme,",
                "2[]",
                "2{}",
                "2\"x\"",
                "2[null]",
                "2[{}]",
                "2[[\"x\"]]",
                "2[true]",
                // names the protocol reserves
                "2[\"connect\"]",
                "2[\"connect_error\"]",
                "2[\"disconnect\"]",
                "2[\"disconnecting\"]",
                "2[\"newListener\"]",
                "2[\"removeListener\"]",
                // an ack has an id and an array
                "3[]",
                "3/acme,[]",
                "31{}",
                "31",
                // broken JSON, and JSON nested too deep
                "2[\"x\"",
                "2[\"x\",]",
                "2[\"x\",{]",
                // ack ids: at most 2^53 - 1, and at most 16 digits
                "29007199254740992[\"x\"]",
                "212345678901234567[\"x\"]",
                // attachments: a count of 1 to 4 digits, at most 1000, then a dash
                "5[\"x\"]",
                "5-[\"x\"]",
                "5a-[\"x\"]",
                "512345-[\"x\"]",
                "51001-[\"x\"]",
                "6-/acme,1[]",
                "51-",
                // digits that are not ASCII are no ack id, and no JSON either
                "2\u0661[\"x\"]"
            })
    void refused(String text) {
        assertThrows(ParseException.class, () -> PacketCodec.decode(text), text);
    }

    @Test
    void nestingIsLimited() {
        String deep = "2[\"x\"," + "[".repeat(Json.MAX_NESTING_DEPTH) + "]".repeat(Json.MAX_NESTING_DEPTH) + "]";
        assertThrows(ParseException.class, () -> PacketCodec.decode(deep));
        String fits =
                "2[\"x\"," + "[".repeat(Json.MAX_NESTING_DEPTH - 2) + "]".repeat(Json.MAX_NESTING_DEPTH - 2) + "]";
        assertEquals(PacketType.EVENT, PacketCodec.decode(fits).type());
    }

    // --- binary attachments put back --------------------------------------------------------------------------

    @Test
    void reconstructPutsAttachmentsInPlace() {
        Packet packet = PacketCodec.decode("52-[\"files\",{\"a\":{\"_placeholder\":true,\"num\":1},"
                + "\"list\":[{\"_placeholder\":true,\"num\":0}]}]");
        JsonNode data =
                PacketCodec.reconstruct(packet.data().orElseThrow(), List.of(new byte[] {1, 2}, new byte[] {3}));
        assertArrayEquals(new byte[] {3}, binary(data.get(1).get("a")));
        assertArrayEquals(new byte[] {1, 2}, binary(data.get(1).get("list").get(0)));
    }

    @Test
    void aPlaceholderOutsideTheAttachmentsIsRefused() {
        for (String num : List.of("1", "-1", "\"x\"")) {
            JsonNode data = json("[\"f\",{\"_placeholder\":true,\"num\":" + num + "}]");
            assertThrows(ParseException.class, () -> PacketCodec.reconstruct(data, List.of(new byte[] {1})), num);
        }
    }

    private static byte[] binary(JsonNode node) {
        assertTrue(node.isBinary(), node.toString());
        return ((BinaryNode) node).binaryValue();
    }

    // --- encoding what the server sends ---------------------------------------------------------------------

    private static List<String> encode(PacketType type, String namespace, OptionalLong ackId, JsonNode data) {
        return PacketCodec.encode(type, namespace, ackId, Optional.ofNullable(data)).stream()
                .map(EnginePacket::toString)
                .toList();
    }

    @Test
    void encodesAsOneEngineIoMessage() {
        assertEquals(
                List.of("42[\"hello\",1]"), encode(PacketType.EVENT, "/", OptionalLong.empty(), json("[\"hello\",1]")));
        assertEquals(
                List.of("42/acme,[\"m\"]"), encode(PacketType.EVENT, "/acme", OptionalLong.empty(), json("[\"m\"]")));
        assertEquals(
                List.of("42/acme,5[\"m\"]"), encode(PacketType.EVENT, "/acme", OptionalLong.of(5), json("[\"m\"]")));
        assertEquals(
                List.of("43/acme,5[{\"ok\":true}]"),
                encode(PacketType.ACK, "/acme", OptionalLong.of(5), json("[{\"ok\":true}]")));
        assertEquals(
                List.of("40/acme,{\"sid\":\"s\"}"),
                encode(PacketType.CONNECT, "/acme", OptionalLong.empty(), json("{\"sid\":\"s\"}")));
        assertEquals(List.of("41/acme,"), encode(PacketType.DISCONNECT, "/acme", OptionalLong.empty(), null));
        assertEquals(
                List.of("44/acme,{\"message\":\"unauthorized\"}"),
                encode(
                        PacketType.CONNECT_ERROR,
                        "/acme",
                        OptionalLong.empty(),
                        json("{\"message\":\"unauthorized\"}")));
    }

    @Test
    void charactersOutsideTheBmpTravelAsUtf8() {
        List<EnginePacket> packets = PacketCodec.encode(
                PacketType.EVENT, "/", OptionalLong.empty(), Optional.of(json("[\"m\",\"\uD83D\uDE00 é\"]")));
        assertEquals("42[\"m\",\"\uD83D\uDE00 é\"]", packets.getFirst().toString());
    }

    @Test
    void binaryDataBecomesAttachments() {
        ArrayNode data = Json.NODES.arrayNode();
        data.add("file");
        data.add(new byte[] {1, 2, 3});
        data.addObject().put("name", "x").put("bytes", new byte[] {4});
        assertEquals(
                List.of(
                        "452-[\"file\",{\"_placeholder\":true,\"num\":0},"
                                + "{\"name\":\"x\",\"bytes\":{\"_placeholder\":true,\"num\":1}}]",
                        "binary(3)",
                        "binary(1)"),
                encode(PacketType.EVENT, "/", OptionalLong.empty(), data));
        // the caller's data is left as it was
        assertTrue(data.get(1).isBinary());
        assertEquals(
                List.of("461-/acme,9[{\"_placeholder\":true,\"num\":0}]", "binary(1)"),
                encode(
                        PacketType.ACK,
                        "/acme",
                        OptionalLong.of(9),
                        Json.NODES.arrayNode().add(new byte[] {7})));
    }

    @Test
    void whatTheServerEncodesTheReferenceParserWouldDecode() {
        ArrayNode data = Json.NODES.arrayNode();
        data.add("file");
        data.add(new byte[] {9, 8});
        List<EnginePacket> packets =
                PacketCodec.encode(PacketType.EVENT, "/acme", OptionalLong.of(3), Optional.of(data));
        // the server never sends BINARY_EVENT to itself, but what it writes parses back (less the Engine.IO '4')
        Packet decoded = PacketCodec.decode(packets.getFirst().toString().substring(1));
        assertEquals(PacketType.BINARY_EVENT, decoded.type());
        assertEquals("/acme", decoded.namespace());
        assertEquals(OptionalLong.of(3), decoded.ackId());
        assertEquals(1, decoded.attachments());
        JsonNode back = PacketCodec.reconstruct(decoded.data().orElseThrow(), List.of(new byte[] {9, 8}));
        assertEquals(data, back);
    }
}
