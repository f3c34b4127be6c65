package io.chat.socketio.engine;

import java.nio.charset.StandardCharsets;

/** Server→client frame encoding (RFC 6455, never masked). */
final class WebSocketFrames {
    static final int OP_CONTINUATION = 0x0;
    static final int OP_TEXT = 0x1;
    static final int OP_BINARY = 0x2;
    static final int OP_CLOSE = 0x8;
    static final int OP_PING = 0x9;
    static final int OP_PONG = 0xA;

    static final int CLOSE_NORMAL = 1000;
    static final int CLOSE_GOING_AWAY = 1001;
    static final int CLOSE_PROTOCOL_ERROR = 1002;
    static final int CLOSE_INVALID_DATA = 1007;
    static final int CLOSE_POLICY = 1008;
    static final int CLOSE_TOO_BIG = 1009;
    static final int CLOSE_INTERNAL = 1011;
    static final int CLOSE_TRY_AGAIN_LATER = 1013;

    private WebSocketFrames() {}

    static byte[] dataFrame(boolean binary, byte[] payload) {
        return frame(binary ? OP_BINARY : OP_TEXT, payload);
    }

    static byte[] frame(int opcode, byte[] payload) {
        int length = payload.length;
        int headerLength = length < 126 ? 2 : (length < 65536 ? 4 : 10);
        byte[] frame = new byte[headerLength + length];
        frame[0] = (byte) (0x80 | opcode);
        if (length < 126) {
            frame[1] = (byte) length;
        } else if (length < 65536) {
            frame[1] = 126;
            frame[2] = (byte) (length >>> 8);
            frame[3] = (byte) length;
        } else {
            frame[1] = 127;
            long len = length;
            for (int i = 0; i < 8; i++) {
                frame[2 + i] = (byte) (len >>> (56 - 8 * i));
            }
        }
        System.arraycopy(payload, 0, frame, headerLength, length);
        return frame;
    }

    /** A close frame; the reason is short and fixed by the caller, so it always fits the 123-byte limit. */
    static byte[] closeFrame(int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(text.length, 123);
        byte[] payload = new byte[2 + length];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, length);
        return frame(OP_CLOSE, payload);
    }
}
