package io.chat.socketio;

/** Socket.IO v5 packet types, by their wire digit. */
public enum PacketType {
    CONNECT,
    DISCONNECT,
    EVENT,
    ACK,
    CONNECT_ERROR,
    BINARY_EVENT,
    BINARY_ACK;

    private static final PacketType[] BY_DIGIT = values();

    static java.util.Optional<PacketType> of(char digit) {
        int index = digit - '0';
        return index >= 0 && index < BY_DIGIT.length
                ? java.util.Optional.of(BY_DIGIT[index])
                : java.util.Optional.empty();
    }

    char digit() {
        return (char) ('0' + ordinal());
    }

    boolean isBinary() {
        return this == BINARY_EVENT || this == BINARY_ACK;
    }
}
