package io.chat.socketio.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chat.testing.ExternalProcess;
import io.chat.testing.TestMachine;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Our MessagePack against notepack.io itself (the version the official adapter and emitter install, pinned by
 * {@code src/test/node-redis/package-lock.json}): {@code notepack-fixtures.mjs} prints notepack's bytes for named
 * values; we write the same bytes for every value JSON can hold, and read each of notepack's as expected.
 */
class NotepackGoldenTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void ourBytesAreNotepacksAndWeReadWhatItWrites() throws Exception {
        Map<String, String> notepack = notepackEncodings();
        Map<String, JsonNode> written = new LinkedHashMap<>();
        written.put("ints", numbers(0, 127, 128, 255, 256, 65535, 65536, 4294967295L, 4294967296L, 9007199254740991L));
        written.put(
                "negatives",
                numbers(-1, -32, -33, -128, -129, -32768, -32769, -2147483648L, -2147483649L, -9007199254740991L));
        written.put("floats", NODES.arrayNode().add(1.5).add(-0.25).add(0.1));
        written.put("strings", strings());
        ObjectNode nested = NODES.objectNode();
        nested.putArray("a").add(1).addObject().putNull("b");
        nested.put("c", true).put("d", false).put("", "empty key");
        written.put("nested", nested);
        written.put("buffer", NODES.binaryNode(new byte[] {1, 2, 3}));
        byte[] sevens = new byte[256];
        Arrays.fill(sevens, (byte) 7);
        written.put("buffer16", NODES.binaryNode(sevens));
        ArrayNode broadcast = NODES.arrayNode().add("emitter");
        ObjectNode packet = broadcast.addObject().put("type", 2);
        packet.putArray("data").add("ev").add(1).add(NODES.binaryNode(new byte[] {9}));
        packet.put("nsp", "/acme");
        ObjectNode opts = broadcast.addObject();
        opts.putArray("rooms").add("r");
        opts.putObject("flags");
        opts.putArray("except");
        written.put("broadcast", broadcast);

        for (Map.Entry<String, JsonNode> value : written.entrySet()) {
            String name = value.getKey();
            assertEquals(notepack.get(name), HEX.formatHex(MsgPack.encode(value.getValue())), name + " written");
            assertEquals(value.getValue().toString(), read(notepack, name).toString(), name + " read");
        }
        // notepack takes any whole double for an integer and writes 1e300 as uint64 0; we write float64
        assertEquals("cf0000000000000000", notepack.get("hugeFloat"));
        assertEquals("cb7e37e43c8800759c", HEX.formatHex(MsgPack.encode(NODES.numberNode(1e300))));
        // values only JavaScript has: read as a Node server would pass them on in JSON
        assertEquals("[4,5]", bytesOf(read(notepack, "arrayBuffer")), "an ArrayBuffer is binary");
        assertEquals("[null,1]", read(notepack, "undefinedInArray").toString(), "undefined is null");
        assertEquals("\"2023-11-14T22:13:20.000Z\"", read(notepack, "date").toString(), "a Date is its ISO string");
    }

    private static JsonNode read(Map<String, String> notepack, String name) {
        return MsgPack.decode(HEX.parseHex(notepack.get(name)));
    }

    private static String bytesOf(JsonNode binary) throws Exception {
        return Arrays.toString(binary.binaryValue()).replace(" ", "");
    }

    private static ArrayNode numbers(long... values) {
        ArrayNode array = NODES.arrayNode();
        for (long value : values) {
            array.add(value);
        }
        return array;
    }

    private static ArrayNode strings() {
        ArrayNode array = NODES.arrayNode();
        for (int length : List.of(31, 32, 255, 256, 65535, 65536)) {
            array.add("a".repeat(length));
        }
        return array.add("é😀");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> notepackEncodings() throws Exception {
        Path dir = TestMachine.projectDir("src/test/node-redis", "package.json");
        TestMachine.npmInstalled("NotepackGoldenTest", dir, "notepack.io");
        String node = TestMachine.executable("node", "Node.js 20+ (apt-get install nodejs)");
        ExternalProcess.Result result =
                ExternalProcess.run("NotepackGoldenTest", List.of(node, "notepack-fixtures.mjs"), dir, Map.of(), 2);
        assertEquals(0, result.exitCode(), result::tail);
        String json = result.lines().stream()
                .filter(line -> line.startsWith("{"))
                .findFirst()
                .orElseThrow();
        return new ObjectMapper().readValue(json, Map.class);
    }
}
