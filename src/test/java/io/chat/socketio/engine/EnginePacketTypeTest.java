package io.chat.socketio.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The Engine.IO packet types and the packets built from them. */
class EnginePacketTypeTest {
    @Test
    void theWireCharactersOfEngineIoV4() {
        assertEquals(
                List.of('0', '1', '2', '3', '4', '5', '6'),
                java.util.Arrays.stream(EnginePacketType.values())
                        .map(EnginePacketType::wire)
                        .toList());
        assertEquals(
                List.of("OPEN", "CLOSE", "PING", "PONG", "MESSAGE", "UPGRADE", "NOOP"),
                java.util.Arrays.stream(EnginePacketType.values())
                        .map(Enum::name)
                        .toList());
    }

    @Test
    void parsedFromTheirCharacter() {
        for (EnginePacketType type : EnginePacketType.values()) {
            assertSame(type, EnginePacketType.of(type.wire()).orElseThrow());
            assertEquals(type.wire(), (char) type.wireByte());
        }
        for (char c : new char[] {'7', '9', '/', 'b', ' ', '\u0000', '\u0664'}) {
            assertEquals(Optional.empty(), EnginePacketType.of(c), "char " + (int) c);
        }
    }

    @Test
    void packetsStartWithTheirType() {
        assertEquals("2", text(EnginePacket.PING_PACKET));
        assertEquals("6", text(EnginePacket.NOOP_PACKET));
        assertEquals("1", text(EnginePacket.CLOSE_PACKET));
        assertEquals("3probe", text(EnginePacket.PROBE_REPLY));
        assertEquals("4héllo", text(EnginePacket.message("héllo")));
        assertEquals("0{}", text(EnginePacket.of(EnginePacketType.OPEN, "{}")));
    }

    @Test
    void aTypedMessageIsTakenAsIs() {
        byte[] typed = "4x".getBytes(StandardCharsets.UTF_8);
        assertSame(typed, EnginePacket.messageFromTypedUtf8(typed).payload());
        assertThrows(
                IllegalArgumentException.class,
                () -> EnginePacket.messageFromTypedUtf8("2x".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalArgumentException.class, () -> EnginePacket.messageFromTypedUtf8(new byte[0]));
    }

    @Test
    void theWebSocketFrameIsBuiltOnceAndShared() {
        EnginePacket packet = EnginePacket.message("shared");
        byte[] frame = packet.wsFrame();
        assertSame(frame, packet.wsFrame());
        assertArrayEquals(WebSocketFrames.dataFrame(false, packet.payload()), frame);
    }

    private static String text(EnginePacket packet) {
        return new String(packet.payload(), StandardCharsets.UTF_8);
    }
}
