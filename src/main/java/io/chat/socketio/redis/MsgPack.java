package io.chat.socketio.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.core.buffer.ArrayBufferInput;

/**
 * MessagePack ⇄ JSON trees, the way {@code notepack.io} (the official adapter's codec) writes and reads it: integers in
 * their smallest form, every other number as float64, binary as {@code bin} (a {@link
 * com.fasterxml.jackson.databind.node.BinaryNode}); extensions are read as notepack reads them (see
 * {@link #extension}). Checked byte for byte against notepack.io 3.0.1 by {@code NotepackGoldenTest}.
 */
final class MsgPack {
    /** Deeper than this is refused: nothing of the protocol nests past a few levels of user data. */
    static final int MAX_DEPTH = 64;
    /**
     * More values than this in one message are refused: a value of one byte (an empty map, {@code 0x80}) becomes a
     * tree node of ~94 bytes, so 8 MiB of them held 753 MB of heap (a review). A million is ~94 MB at worst, on the
     * one inbox thread, and more than any answer within the inbound byte bound holds: a fetchSockets answer of
     * 1,260 sockets in 100 rooms each, 8 MiB, is ~130,000 values.
     */
    static final int MAX_VALUES = 1_000_000;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final DateTimeFormatter JS_DATE = DateTimeFormatter.ofPattern(
                    "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private MsgPack() {}

    static final class MalformedException extends RuntimeException {
        MalformedException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * A packer's first buffer, grown in parts of this size: the default, 8 KiB, was allocated for every message
     * published (a chat message packs in ~300 bytes), a quarter of the node's allocation in the durable benchmark.
     */
    private static final MessagePack.PackerConfig PACKER = new MessagePack.PackerConfig().withBufferSize(512);

    static byte[] encode(JsonNode node) {
        try (MessageBufferPacker packer = PACKER.newBufferPacker()) {
            write(packer, node);
            return packer.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(MessagePacker out, JsonNode node) throws IOException {
        switch (node.getNodeType()) {
            case NULL, MISSING -> out.packNil();
            case BOOLEAN -> out.packBoolean(node.booleanValue());
            case STRING -> out.packString(node.textValue());
            case BINARY -> {
                byte[] bytes = node.binaryValue();
                out.packBinaryHeader(bytes.length);
                out.writePayload(bytes);
            }
            case NUMBER -> writeNumber(out, node);
            case ARRAY -> {
                out.packArrayHeader(node.size());
                for (JsonNode element : node) {
                    write(out, element);
                }
            }
            case OBJECT -> {
                out.packMapHeader(node.size());
                Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
                while (fields.hasNext()) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    out.packString(field.getKey());
                    write(out, field.getValue());
                }
            }
            case POJO -> throw new IllegalArgumentException("not a JSON value: a POJO node");
        }
    }

    private static void writeNumber(MessagePacker out, JsonNode node) throws IOException {
        if (node.isIntegralNumber()) {
            if (node.canConvertToLong()) {
                out.packLong(node.longValue());
            } else {
                out.packBigInteger(node.bigIntegerValue());
            }
            return;
        }
        double value = node.doubleValue();
        // notepack writes a whole finite number as an integer, and anything else as float64
        if (value == Math.rint(value) && !Double.isInfinite(value) && Math.abs(value) < 0x1p63) {
            out.packLong((long) value);
        } else {
            out.packDouble(value);
        }
    }

    /**
     * The JSON tree of {@code bytes}; malformed input is refused ({@link MalformedException}) before anything is
     * allocated for it: a length or count prefix larger than the bytes left (each element takes at least one) is
     * refused as it is read, so a few crafted bytes never make it allocate more than about their own size; past
     * {@link #MAX_VALUES} values it is refused too, so that many bytes of tiny values cannot hold a heap of nodes.
     */
    static JsonNode decode(byte[] bytes) {
        try (MessageUnpacker in = MessagePack.newDefaultUnpacker(new ArrayBufferInput(bytes))) {
            JsonNode node = read(new Bounded(in, bytes.length), 0);
            if (in.hasNext()) {
                throw new MalformedException("trailing bytes");
            }
            return node;
        } catch (IOException | RuntimeException e) {
            if (e instanceof MalformedException malformed) {
                throw malformed;
            }
            throw new MalformedException("malformed MessagePack");
        }
    }

    /** The unpacker of a message of {@code size} bytes, and the values read from it so far. */
    private static final class Bounded {
        private final MessageUnpacker in;
        private final long size;
        private int values;

        Bounded(MessageUnpacker in, long size) {
            this.in = in;
            this.size = size;
        }

        MessageUnpacker in() {
            return in;
        }

        /** {@code length}, when at most the bytes left can hold it. */
        int within(long length) {
            if (length < 0 || length > size - in.getTotalReadBytes()) {
                throw new MalformedException("a length past the message's end");
            }
            return (int) length;
        }

        /** One more value, refused past {@link #MAX_VALUES}. */
        void counted() {
            if (++values > MAX_VALUES) {
                throw new MalformedException("too many values");
            }
        }
    }

    private static JsonNode read(Bounded bounded, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new MalformedException("nested too deep");
        }
        bounded.counted();
        MessageUnpacker in = bounded.in();
        MessageFormat format = in.getNextFormat();
        return switch (format.getValueType()) {
            case NIL -> {
                in.unpackNil();
                yield NODES.nullNode();
            }
            case BOOLEAN -> NODES.booleanNode(in.unpackBoolean());
            case INTEGER ->
                format == MessageFormat.UINT64 ? integer(in.unpackBigInteger()) : NODES.numberNode(in.unpackLong());
            case FLOAT -> NODES.numberNode(in.unpackDouble());
            case STRING ->
                NODES.textNode(
                        new String(in.readPayload(bounded.within(in.unpackRawStringHeader())), StandardCharsets.UTF_8));
            case BINARY -> NODES.binaryNode(in.readPayload(bounded.within(in.unpackBinaryHeader())));
            case ARRAY -> {
                int size = bounded.within(in.unpackArrayHeader());
                ArrayNode array = NODES.arrayNode(Math.min(size, 1024));
                for (int i = 0; i < size; i++) {
                    array.add(read(bounded, depth + 1));
                }
                yield array;
            }
            case MAP -> {
                int size = in.unpackMapHeader();
                bounded.within(2L * size);
                ObjectNode object = NODES.objectNode();
                for (int i = 0; i < size; i++) {
                    JsonNode key = read(bounded, depth + 1);
                    object.set(key.isTextual() ? key.textValue() : key.asText(), read(bounded, depth + 1));
                }
                yield object;
            }
            case EXTENSION -> extension(bounded, format);
        };
    }

    private static JsonNode integer(BigInteger value) {
        return value.bitLength() < 64 ? NODES.numberNode(value.longValue()) : NODES.numberNode(value);
    }

    /**
     * Extensions as notepack.io reads them, turned into what a Node server would then send its clients as JSON: the
     * timestamp extension (-1, how notepack 3 writes a Date) and notepack 2's fixext8 type 0 Date become the Date's
     * ISO string; notepack 2's {@code undefined} (fixext1 type 0) null; its ArrayBuffer (ext type 0) binary; any
     * other extension {@code [type, bytes]}, as notepack returns it.
     */
    private static JsonNode extension(Bounded bounded, MessageFormat format) throws IOException {
        var header = bounded.in().unpackExtensionTypeHeader();
        byte type = header.getType();
        byte[] payload = bounded.in().readPayload(bounded.within(Integer.toUnsignedLong(header.getLength())));
        ByteBuffer bytes = ByteBuffer.wrap(payload);
        if (type == -1) {
            return switch (payload.length) {
                case 4 -> date(Instant.ofEpochSecond(Integer.toUnsignedLong(bytes.getInt())));
                case 8 -> {
                    long word = bytes.getLong();
                    yield date(Instant.ofEpochSecond(word & 0x3_FFFF_FFFFL, word >>> 34));
                }
                case 12 -> {
                    long nanos = Integer.toUnsignedLong(bytes.getInt());
                    yield date(Instant.ofEpochSecond(bytes.getLong(), nanos));
                }
                default -> throw new MalformedException("bad timestamp");
            };
        }
        if (type == 0) {
            switch (format) {
                case FIXEXT1:
                    return NODES.nullNode();
                case FIXEXT8:
                    return date(Instant.ofEpochMilli(bytes.getLong()));
                case EXT8, EXT16, EXT32:
                    return NODES.binaryNode(payload);
                default:
                    break;
            }
        }
        return NODES.arrayNode(2).add(type).add(NODES.binaryNode(payload));
    }

    /** JavaScript's {@code Date.prototype.toJSON()}: ISO-8601 in UTC with milliseconds. */
    private static JsonNode date(Instant instant) {
        return NODES.textNode(JS_DATE.format(instant));
    }
}
