package io.chat.socketio.engine;

import java.util.Optional;

/** The Engine.IO v4 packet types, each the character that starts a text packet on the wire. */
public enum EnginePacketType {
    OPEN('0'),
    CLOSE('1'),
    PING('2'),
    PONG('3'),
    MESSAGE('4'),
    UPGRADE('5'),
    NOOP('6');

    private static final EnginePacketType[] BY_DIGIT = values();

    private final char wire;

    EnginePacketType(char wire) {
        this.wire = wire;
    }

    /** The type character as it travels. */
    public char wire() {
        return wire;
    }

    /** The type character as a byte of a packet's UTF-8 encoding. */
    public byte wireByte() {
        return (byte) wire;
    }

    /** The type a text packet starts with, if it is one. */
    static Optional<EnginePacketType> of(char c) {
        int index = c - '0';
        return index >= 0 && index < BY_DIGIT.length ? Optional.of(BY_DIGIT[index]) : Optional.empty();
    }
}
