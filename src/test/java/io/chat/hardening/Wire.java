package io.chat.hardening;

import io.chat.testing.RawWebSocket;
import io.chat.testing.RawWebSocket.Frame;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The hostile tests' raw WebSocket: the shared {@link RawWebSocket}, checking what the server sends back: every
 * text frame must be valid UTF-8 and every close reason short, with no exception text.
 */
final class Wire {
    private Wire() {}

    /** Opens a WebSocket (or tries to: see {@link RawWebSocket#upgraded()}) with an optional Origin header. */
    static RawWebSocket connect(int port, String pathAndQuery, String origin) throws IOException {
        return RawWebSocket.connect(port, pathAndQuery, origin, Wire::check);
    }

    /** An Engine.IO WebSocket connected to the tenant namespace with the token; fails unless connected. */
    static RawWebSocket tenant(int port, String tenant, String token) throws IOException {
        return RawWebSocket.tenant(port, tenant, token, Wire::check);
    }

    /** Text frames must be valid UTF-8, close frames carry a clean reason. */
    private static void check(Frame frame) {
        byte[] payload = frame.payload();
        if (frame.opcode() == 0x1) {
            assertUtf8(payload);
            Hygiene.assertClean("text frame", frame.text());
        }
        if (frame.opcode() == 0x8 && payload.length > 2) {
            assertUtf8(Arrays.copyOfRange(payload, 2, payload.length));
            if (payload.length - 2 > 123) {
                throw new AssertionError("close reason over 123 bytes");
            }
            Hygiene.assertClean("close reason", frame.closeReason());
        }
    }

    static void assertUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
        } catch (CharacterCodingException e) {
            throw new AssertionError("the server sent invalid UTF-8");
        }
    }
}
