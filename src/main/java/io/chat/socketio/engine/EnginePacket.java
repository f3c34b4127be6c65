package io.chat.socketio.engine;

import java.nio.charset.StandardCharsets;

/**
 * One encoded Engine.IO packet, immutable, so one instance can be queued to many sessions: a broadcast
 * encodes once and every recipient shares the bytes, including the WebSocket frame built on first use.
 */
public final class EnginePacket {
    static final EnginePacket PING_PACKET = of(EnginePacketType.PING, "");
    static final EnginePacket NOOP_PACKET = of(EnginePacketType.NOOP, "");
    static final EnginePacket CLOSE_PACKET = of(EnginePacketType.CLOSE, "");
    /** The data of the ping and pong that probe a new transport. */
    static final String PROBE = "probe";

    static final EnginePacket PROBE_REPLY = of(EnginePacketType.PONG, PROBE);

    private final byte[] payload;
    private final boolean binary;
    private final boolean flushAfter;
    private volatile byte[] wsFrame;

    private EnginePacket(byte[] payload, boolean binary) {
        this(payload, binary, false);
    }

    private EnginePacket(byte[] payload, boolean binary, boolean flushAfter) {
        this.payload = payload;
        this.binary = binary;
        this.flushAfter = flushAfter;
    }

    /**
     * The same packet, but the transport writes it without anything queued after it: the client gets it in a
     * read of its own. Clients that miss a second message delivered in the same read (the reply to CONNECT
     * followed at once by an event) need that; it costs one write.
     */
    public EnginePacket flushedAlone() {
        return new EnginePacket(payload, binary, true);
    }

    boolean flushAfter() {
        return flushAfter;
    }

    /** A text packet of the given type and data. */
    static EnginePacket of(EnginePacketType type, String data) {
        byte[] body = data.getBytes(StandardCharsets.UTF_8);
        byte[] typed = new byte[body.length + 1];
        typed[0] = type.wireByte();
        System.arraycopy(body, 0, typed, 1, body.length);
        return new EnginePacket(typed, false);
    }

    /** A message packet ({@code 4} + text). */
    public static EnginePacket message(String text) {
        return of(EnginePacketType.MESSAGE, text);
    }

    /**
     * A message packet from bytes already starting with {@code '4'}; saves a copy on the broadcast path.
     * The array is taken over, not copied.
     */
    public static EnginePacket messageFromTypedUtf8(byte[] typedUtf8) {
        if (typedUtf8.length == 0 || typedUtf8[0] != EnginePacketType.MESSAGE.wireByte()) {
            throw new IllegalArgumentException("not a message packet");
        }
        return new EnginePacket(typedUtf8, false);
    }

    /** A binary message. The array is taken over, not copied. */
    public static EnginePacket binary(byte[] data) {
        return new EnginePacket(data, true);
    }

    boolean isBinary() {
        return binary;
    }

    /** The bytes as they travel in a polling payload's slot (text with type digit; raw binary). */
    byte[] payload() {
        return payload;
    }

    int size() {
        return payload.length;
    }

    /** The whole server→client WebSocket frame, built once and shared. */
    byte[] wsFrame() {
        byte[] frame = wsFrame;
        if (frame == null) {
            frame = WebSocketFrames.dataFrame(binary, payload);
            wsFrame = frame;
        }
        return frame;
    }

    @Override
    public String toString() {
        return binary ? "binary(" + payload.length + ")" : new String(payload, StandardCharsets.UTF_8);
    }
}
