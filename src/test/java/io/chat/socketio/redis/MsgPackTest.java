package io.chat.socketio.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The MessagePack forms notepack.io writes (its encode.js) and the ones it may send us (decode.js). */
class MsgPackTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final HexFormat HEX = HexFormat.of();

    private static String hex(JsonNode node) {
        return HEX.formatHex(MsgPack.encode(node));
    }

    private static JsonNode decode(String hex) {
        return MsgPack.decode(HEX.parseHex(hex));
    }

    @Test
    void integersTakeTheirSmallestForm() {
        assertEquals("00", hex(NODES.numberNode(0)));
        assertEquals("7f", hex(NODES.numberNode(127)));
        assertEquals("cc80", hex(NODES.numberNode(128)));
        assertEquals("cd0100", hex(NODES.numberNode(256)));
        assertEquals("ce00010000", hex(NODES.numberNode(65536)));
        assertEquals("cf0000000100000000", hex(NODES.numberNode(1L << 32)));
        assertEquals("ff", hex(NODES.numberNode(-1)));
        assertEquals("e0", hex(NODES.numberNode(-32)));
        assertEquals("d0df", hex(NODES.numberNode(-33)));
        assertEquals("d1ff7f", hex(NODES.numberNode(-129)));
    }

    @Test
    void otherNumbersAreFloat64AndWholeDoublesIntegers() {
        assertEquals("cb3ff8000000000000", hex(NODES.numberNode(1.5)));
        assertEquals("02", hex(NODES.numberNode(2.0)));
        assertEquals("cb7ff8000000000000", hex(NODES.numberNode(Double.NaN)));
    }

    @Test
    void stringsBinaryAndContainers() {
        assertEquals("a161", hex(NODES.textNode("a")));
        assertEquals("d920" + "61".repeat(32), hex(NODES.textNode("a".repeat(32))));
        assertEquals("c4020102", hex(NODES.binaryNode(new byte[] {1, 2})));
        ObjectNode map = NODES.objectNode().put("type", 2);
        map.putArray("data").add("e").add(NODES.binaryNode(new byte[] {9}));
        assertEquals("82a474797065 02 a464617461 92 a165 c40109".replace(" ", ""), hex(map));
        assertEquals("c0", hex(NODES.nullNode()));
        assertEquals("c3", hex(NODES.booleanNode(true)));
    }

    @Test
    void decodesWhatNotepackMakesOfJavaScriptValues() throws Exception {
        assertTrue(decode("d40000").isNull(), "undefined");
        assertArrayEquals(
                new byte[] {1, 2}, decode("c7020001 02".replace(" ", "")).binaryValue());
        assertEquals(
                "2023-11-14T22:13:20.000Z", decode("d700" + "0000018bcfe56800").asText(), "notepack 2's Date");
        assertEquals("2023-11-14T22:13:20.000Z", decode("d6ff6553f100").asText(), "timestamp 32");
        assertEquals(
                "2023-11-14T22:13:20.123Z", decode("d7ff1d535300" + "6553f100").asText(), "timestamp 64");
        assertEquals(
                "1969-12-31T23:59:59.000Z",
                decode("c70cff00000000ffffffffffffffff").asText(),
                "timestamp 96");
        assertEquals("[1,\"AQI=\"]", decode("d5010102").toString(), "another extension: [type, bytes]");
        assertEquals(1.5, decode("ca3fc00000").doubleValue(), "float32");
        assertEquals("x", decode("81 01 a178".replace(" ", "")).get("1").asText(), "a number as a map key");
        assertEquals(Long.MAX_VALUE, decode("cf7fffffffffffffff").longValue());
        assertEquals(
                "18446744073709551615",
                decode("cfffffffffffffffff").bigIntegerValue().toString());
    }

    @Test
    void roundTripsAndRefusesMalformedInput() {
        ArrayNode message = NODES.arrayNode().add("uid");
        message.addObject()
                .put("type", 2)
                .put("nsp", "/acme")
                .putArray("data")
                .add("ev")
                .add(-5)
                .add(1e300);
        message.addObject().putArray("rooms").add("r");
        assertEquals(message.toString(), MsgPack.decode(MsgPack.encode(message)).toString());
        assertThrows(MsgPack.MalformedException.class, () -> decode("92a1"));
        assertThrows(MsgPack.MalformedException.class, () -> decode("c1"));
        assertThrows(MsgPack.MalformedException.class, () -> decode("d5ff0000"), "a timestamp of 2 bytes");
        assertThrows(MsgPack.MalformedException.class, () -> decode("91".repeat(100) + "c0"), "too deep");
        assertThrows(MsgPack.MalformedException.class, () -> decode("c0c0"), "trailing bytes");
    }

    @Test
    void messagesLargerThanThePackersBufferRoundTrip() {
        ArrayNode message = NODES.arrayNode().add("uid");
        ArrayNode data = message.addObject().put("type", 2).put("nsp", "/acme").putArray("data");
        data.add("message")
                .add("é😀".repeat(3_000))
                .add("x".repeat(511))
                .add("y".repeat(512))
                .add(new byte[2_000]);
        for (int i = 0; i < 300; i++) {
            data.addObject().put("n", i).put("text", "word " + i);
        }
        assertEquals(message.toString(), MsgPack.decode(MsgPack.encode(message)).toString());
    }

    /**
     * A length or count prefix larger than the bytes that follow is refused before anything is allocated for it: a
     * few bytes published on a channel made the decoder allocate what their prefix claimed (256 MiB here, up to 2 GiB).
     */
    /** A million empty maps (a byte each) held 96 MB of heap as tree nodes: past {@link MsgPack#MAX_VALUES}, refused. */
    @Test
    void manyTinyValuesAreRefusedPastTheLimit() {
        assertEquals(
                MsgPack.MAX_VALUES - 1,
                MsgPack.decode(emptyMaps(MsgPack.MAX_VALUES - 1)).size());
        MsgPack.MalformedException refused =
                assertThrows(MsgPack.MalformedException.class, () -> MsgPack.decode(emptyMaps(MsgPack.MAX_VALUES)));
        assertEquals("too many values", refused.getMessage());
        StringBuilder json = new StringBuilder("{\"a\":[");
        json.append("{},".repeat(MsgPack.MAX_VALUES)).append("{}]}");
        assertThrows(
                MsgPack.MalformedException.class,
                () -> Messages.decode(json.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    }

    /** An array 32 of {@code count} empty maps: {@code count + 1} values. */
    private static byte[] emptyMaps(int count) {
        byte[] bytes = new byte[5 + count];
        java.nio.ByteBuffer.wrap(bytes).put((byte) 0xdd).putInt(count);
        java.util.Arrays.fill(bytes, 5, bytes.length, (byte) 0x80);
        return bytes;
    }

    @Test
    void aLengthPastTheMessagesEndIsRefusedWithoutAllocatingIt() {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().threadId();
        for (String hex : new String[] {
            "c60fffffff00", // bin 32 of 256 MiB
            "db0fffffff41", // str 32
            "c90fffffff0100", // ext 32
            "dd0fffffffc0", // array 32 of 268 million elements
            "df0fffffffc0c0", // map 32
            "c67fffffff00", // bin 32 of 2 GiB
            "92c40541", // bin 8 of 5 bytes with one there, in an array
        }) {
            long before = threads.getThreadAllocatedBytes(thread);
            assertThrows(MsgPack.MalformedException.class, () -> decode(hex), hex);
            long allocated = threads.getThreadAllocatedBytes(thread) - before;
            assertTrue(allocated < 1 << 20, hex + " made the decoder allocate " + allocated + " bytes");
        }
    }

    @Test
    void channelsAreTheAdaptersAndExactWhateverTheNamespaceName() {
        Channels channels = Channels.of("socket.io", "/acme", "u1");
        assertEquals("socket.io#/acme#", channels.broadcast());
        assertEquals("socket.io#/acme#r#", channels.broadcastTo(java.util.Set.of("r")));
        assertEquals("socket.io#/acme#", channels.broadcastTo(java.util.Set.of("r", "s")));
        assertEquals("socket.io-request#/acme#", channels.request());
        assertEquals("socket.io-response#/acme#", channels.response());
        assertEquals("socket.io-response#/acme#u1#", channels.specificResponse());
        assertEquals("socket.io#/acme#r#", channels.room("r"));
        // subscribed exactly (SUBSCRIBE, not PSUBSCRIBE): glob characters of a namespace name mean nothing
        assertEquals(
                "socket.io#/a*?[b]#r#", Channels.of("socket.io", "/a*?[b]", "u").room("r"));
        assertEquals("", channels.roomOf("socket.io#/acme#"));
        assertEquals("r#x", channels.roomOf("socket.io#/acme#r#x#"));
        assertEquals(null, channels.roomOf("socket.io#/other#r#"));
    }
}
