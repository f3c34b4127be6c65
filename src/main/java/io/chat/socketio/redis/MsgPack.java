package io.chat.socketio.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.Iterator;
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
 * com.fasterxml.jackson.databind.node.BinaryNode}); on reading, notepack's extension 0 values come back as what
 * notepack makes of them (an ArrayBuffer's bytes as binary, {@code undefined} as null, a Date as its milliseconds).
 */
final class MsgPack {
    /** Deeper than this is refused: nothing of the protocol nests past a few levels of user data. */
    static final int MAX_DEPTH = 64;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private MsgPack() {}

    static final class MalformedException extends RuntimeException {
        MalformedException(String message) {
            super(message, null, false, false);
        }
    }

    static byte[] encode(JsonNode node) {
        try (MessageBufferPacker packer = MessagePack.newDefaultBufferPacker()) {
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

    static JsonNode decode(byte[] bytes) {
        try (MessageUnpacker in = MessagePack.newDefaultUnpacker(new ArrayBufferInput(bytes))) {
            JsonNode node = read(in, 0);
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

    private static JsonNode read(MessageUnpacker in, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new MalformedException("nested too deep");
        }
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
            case STRING -> NODES.textNode(in.unpackString());
            case BINARY -> NODES.binaryNode(in.readPayload(in.unpackBinaryHeader()));
            case ARRAY -> {
                int size = in.unpackArrayHeader();
                ArrayNode array = NODES.arrayNode(Math.min(size, 1024));
                for (int i = 0; i < size; i++) {
                    array.add(read(in, depth + 1));
                }
                yield array;
            }
            case MAP -> {
                int size = in.unpackMapHeader();
                ObjectNode object = NODES.objectNode();
                for (int i = 0; i < size; i++) {
                    JsonNode key = read(in, depth + 1);
                    object.set(key.isTextual() ? key.textValue() : key.asText(), read(in, depth + 1));
                }
                yield object;
            }
            case EXTENSION -> extension(in, format);
        };
    }

    private static JsonNode integer(BigInteger value) {
        return value.bitLength() < 64 ? NODES.numberNode(value.longValue()) : NODES.numberNode(value);
    }

    /**
     * notepack's extension type 0: {@code undefined} as fixext1, a Date as fixext8 (milliseconds, int64), an
     * ArrayBuffer or typed array as ext8/16/32 (its bytes).
     */
    private static JsonNode extension(MessageUnpacker in, MessageFormat format) throws IOException {
        var header = in.unpackExtensionTypeHeader();
        byte[] payload = in.readPayload(header.getLength());
        if (header.getType() != 0) {
            throw new MalformedException("unknown extension type");
        }
        return switch (format) {
            case FIXEXT1 -> NODES.nullNode();
            case FIXEXT8 -> NODES.numberNode(java.nio.ByteBuffer.wrap(payload).getLong());
            case EXT8, EXT16, EXT32 -> NODES.binaryNode(payload);
            default -> throw new MalformedException("unknown extension form");
        };
    }
}
