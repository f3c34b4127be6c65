package io.chat.socketio.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.socketio.engine.WebSocketFrameReader.Binary;
import io.chat.socketio.engine.WebSocketFrameReader.Close;
import io.chat.socketio.engine.WebSocketFrameReader.Frame;
import io.chat.socketio.engine.WebSocketFrameReader.Ping;
import io.chat.socketio.engine.WebSocketFrameReader.Text;
import io.chat.socketio.engine.WebSocketFrameReader.Violation;
import io.helidon.common.buffers.DataReader;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The frame reader byte by byte: what it assembles, and every refusal with its RFC 6455 close code. */
class WebSocketFrameReaderTest {
    private static final byte[] MASK = {0x37, (byte) 0xfa, 0x21, 0x3d};
    private static final int FIN = 0x80;
    private static final int LIMIT = 100_000;

    // --- building client frames ---------------------------------------------------------------------------

    /** A frame as a client sends it: masked, the shortest length form. */
    private static byte[] frame(int finAndRsv, int opcode, byte[] payload) {
        return frame(finAndRsv, opcode, payload, true, minimalForm(payload.length));
    }

    private static int minimalForm(int length) {
        return length < 126 ? 7 : length < 65536 ? 16 : 64;
    }

    /** A frame with the given length form (7, 16 or 64 bits), masked or not. */
    private static byte[] frame(int finAndRsv, int opcode, byte[] payload, boolean masked, int lengthBits) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(finAndRsv | opcode);
        int maskBit = masked ? 0x80 : 0;
        switch (lengthBits) {
            case 7 -> out.write(maskBit | payload.length);
            case 16 -> {
                out.write(maskBit | 126);
                out.write(payload.length >>> 8);
                out.write(payload.length);
            }
            default -> {
                out.write(maskBit | 127);
                long length = payload.length;
                for (int i = 7; i >= 0; i--) {
                    out.write((int) (length >>> (8 * i)));
                }
            }
        }
        if (masked) {
            out.writeBytes(MASK);
            for (int i = 0; i < payload.length; i++) {
                out.write(payload[i] ^ MASK[i & 3]);
            }
        } else {
            out.writeBytes(payload);
        }
        return out.toByteArray();
    }

    private static byte[] text(String text) {
        return frame(FIN, WebSocketFrames.OP_TEXT, utf8(text));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static byte[] closePayload(int code, byte[] reason) {
        return concat(new byte[] {(byte) (code >>> 8), (byte) code}, reason);
    }

    private static byte[] repeat(char c, int count) {
        byte[] bytes = new byte[count];
        Arrays.fill(bytes, (byte) c);
        return bytes;
    }

    // --- reading ------------------------------------------------------------------------------------------

    /** An input over bytes in memory; the end of the bytes is the end of the input, as the peer closing. */
    private static final class BytesInput implements WebSocketFrameReader.Input {
        private final byte[] bytes;
        private int position;

        BytesInput(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public byte read() {
            if (position >= bytes.length) {
                throw new DataReader.InsufficientDataAvailableException();
            }
            return bytes[position++];
        }

        @Override
        public byte[] readBytes(int length) {
            if (position + length > bytes.length) {
                throw new DataReader.InsufficientDataAvailableException();
            }
            byte[] taken = Arrays.copyOfRange(bytes, position, position + length);
            position += length;
            return taken;
        }
    }

    private static WebSocketFrameReader reader(byte[] bytes) {
        return new WebSocketFrameReader(new BytesInput(bytes), () -> LIMIT);
    }

    /** Helidon's own reader over the given chunks, as the socket would deliver them. */
    private static WebSocketFrameReader chunked(List<byte[]> chunks) {
        ArrayDeque<byte[]> queue = new ArrayDeque<>(chunks);
        DataReader dataReader = new DataReader(() -> {
            byte[] next = queue.poll();
            if (next == null) {
                throw new DataReader.InsufficientDataAvailableException();
            }
            return next;
        });
        return new WebSocketFrameReader(input(dataReader), () -> LIMIT);
    }

    private static Frame only(byte[] bytes) {
        WebSocketFrameReader reader = reader(bytes);
        Frame frame = reader.next();
        assertThrows(DataReader.InsufficientDataAvailableException.class, reader::next, "nothing after the frame");
        return frame;
    }

    private static void assertRefused(int code, byte[] bytes) {
        WebSocketFrameReader reader = reader(bytes);
        Violation violation = assertThrows(Violation.class, () -> {
            while (true) {
                reader.next();
            }
        });
        assertEquals(code, violation.code(), violation.getMessage());
    }

    private static String textOf(Frame frame) {
        return assertInstanceOf(Text.class, frame).text();
    }

    // --- data messages ------------------------------------------------------------------------------------

    @Test
    void maskedTextIsUnmasked() {
        assertEquals("4hello", textOf(only(text("4hello"))));
    }

    @Test
    void binaryMessage() {
        byte[] data = {0, 1, 2, (byte) 0xff, (byte) 0x80};
        assertArrayEquals(
                data,
                assertInstanceOf(Binary.class, only(frame(FIN, WebSocketFrames.OP_BINARY, data)))
                        .data());
    }

    @Test
    void emptyMessages() {
        assertEquals("", textOf(only(text(""))));
        assertArrayEquals(
                new byte[0],
                assertInstanceOf(Binary.class, only(frame(FIN, WebSocketFrames.OP_BINARY, new byte[0])))
                        .data());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 125, 126, 127, 65535, 65536, 70000})
    void everyLengthInItsShortestForm(int length) {
        byte[] payload = repeat('x', length);
        assertEquals(
                length,
                textOf(only(frame(FIN, WebSocketFrames.OP_TEXT, payload))).length());
    }

    @ParameterizedTest
    @ValueSource(ints = {7, 16, 64})
    void longerLengthFormsAreAccepted(int lengthBits) {
        assertEquals("abc", textOf(only(frame(FIN, WebSocketFrames.OP_TEXT, utf8("abc"), true, lengthBits))));
    }

    @Test
    void sixtyFourBitLengthWithTheTopBitSetIsRefused() {
        byte[] bytes = {(byte) (FIN | WebSocketFrames.OP_TEXT), (byte) (0x80 | 127), (byte) 0x80, 0, 0, 0, 0, 0, 0, 1};
        assertRefused(WebSocketFrames.CLOSE_PROTOCOL_ERROR, bytes);
    }

    @Test
    void messagesFollowOneAnother() {
        WebSocketFrameReader reader =
                reader(concat(text("one"), frame(FIN, WebSocketFrames.OP_BINARY, new byte[] {9}), text("three")));
        assertEquals("one", textOf(reader.next()));
        assertArrayEquals(
                new byte[] {9}, assertInstanceOf(Binary.class, reader.next()).data());
        assertEquals("three", textOf(reader.next()));
    }

    @Test
    void unmaskedFramesAreRefused() {
        assertRefused(WebSocketFrames.CLOSE_PROTOCOL_ERROR, frame(FIN, WebSocketFrames.OP_TEXT, utf8("hi"), false, 7));
        assertRefused(WebSocketFrames.CLOSE_PROTOCOL_ERROR, frame(FIN, WebSocketFrames.OP_PING, new byte[0], false, 7));
    }

    @Test
    void theServersOwnFramesAreUnmaskedSoRefused() {
        assertRefused(
                WebSocketFrames.CLOSE_PROTOCOL_ERROR, EnginePacket.message("x").wsFrame());
    }

    @Test
    void endOfInputInsideAFrameIsTheEndOfTheConnection() {
        byte[] whole = text("hello");
        for (int cut = 0; cut < whole.length; cut++) {
            WebSocketFrameReader reader = reader(Arrays.copyOf(whole, cut));
            assertThrows(DataReader.InsufficientDataAvailableException.class, reader::next, "cut at " + cut);
        }
    }

    // --- fragments ----------------------------------------------------------------------------------------

    @Test
    void aMessageSplitIntoTwoFragmentsAtEveryByteBoundary() {
        byte[] payload = utf8("4[\"chat\",\"héllo wörld €\"]");
        for (int split = 0; split <= payload.length; split++) {
            byte[] bytes = concat(
                    frame(0, WebSocketFrames.OP_TEXT, Arrays.copyOf(payload, split)),
                    frame(FIN, WebSocketFrames.OP_CONTINUATION, Arrays.copyOfRange(payload, split, payload.length)));
            // a split inside a multi-byte character is fine: UTF-8 is checked on the whole message
            assertEquals("4[\"chat\",\"héllo wörld €\"]", textOf(only(bytes)), "split at " + split);
        }
    }

    @Test
    void aMessageInOneByteFragments() {
        byte[] payload = utf8("ab€");
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < payload.length; i++) {
            int opcode = i == 0 ? WebSocketFrames.OP_BINARY : WebSocketFrames.OP_CONTINUATION;
            frames.add(frame(i == payload.length - 1 ? FIN : 0, opcode, new byte[] {payload[i]}));
        }
        assertArrayEquals(
                payload,
                assertInstanceOf(Binary.class, only(concat(frames.toArray(byte[][]::new))))
                        .data());
    }

    @Test
    void controlFramesBetweenFragments() {
        WebSocketFrameReader reader = reader(concat(
                frame(0, WebSocketFrames.OP_TEXT, utf8("hel")),
                frame(FIN, WebSocketFrames.OP_PING, utf8("p")),
                frame(FIN, WebSocketFrames.OP_PONG, utf8("q")),
                frame(0, WebSocketFrames.OP_CONTINUATION, utf8("lo ")),
                frame(FIN, WebSocketFrames.OP_CONTINUATION, utf8("you")),
                text("next")));
        assertArrayEquals(utf8("p"), assertInstanceOf(Ping.class, reader.next()).payload());
        assertEquals("hello you", textOf(reader.next()));
        assertEquals("next", textOf(reader.next()));
    }

    @Test
    void aContinuationWithNothingToContinueIsRefused() {
        assertRefused(WebSocketFrames.CLOSE_PROTOCOL_ERROR, frame(FIN, WebSocketFrames.OP_CONTINUATION, utf8("x")));
        // nor after a whole message
        assertRefused(
                WebSocketFrames.CLOSE_PROTOCOL_ERROR,
                concat(text("a"), frame(FIN, WebSocketFrames.OP_CONTINUATION, utf8("x"))));
    }

    @Test
    void aNewMessageBeforeTheLastFragmentIsRefused() {
        assertRefused(
                WebSocketFrames.CLOSE_PROTOCOL_ERROR, concat(frame(0, WebSocketFrames.OP_TEXT, utf8("a")), text("b")));
        assertRefused(
                WebSocketFrames.CLOSE_PROTOCOL_ERROR,
                concat(frame(0, WebSocketFrames.OP_TEXT, utf8("a")), frame(FIN, WebSocketFrames.OP_BINARY, utf8("b"))));
    }

    @Test
    void fragmentCountIsLimited() {
        List<byte[]> frames = new ArrayList<>();
        frames.add(frame(0, WebSocketFrames.OP_TEXT, utf8("x")));
        for (int i = 1; i < WebSocketFrameReader.MAX_FRAGMENTS - 1; i++) {
            frames.add(frame(0, WebSocketFrames.OP_CONTINUATION, utf8("x")));
        }
        byte[] last = frame(FIN, WebSocketFrames.OP_CONTINUATION, utf8("x"));
        byte[] oneMore = frame(0, WebSocketFrames.OP_CONTINUATION, utf8("x"));
        byte[] upToLimit = concat(concat(frames.toArray(byte[][]::new)), last);
        assertEquals(WebSocketFrameReader.MAX_FRAGMENTS, textOf(only(upToLimit)).length());
        assertRefused(WebSocketFrames.CLOSE_TOO_BIG, concat(concat(frames.toArray(byte[][]::new)), oneMore, last));
    }

    // --- input arriving in pieces ---------------------------------------------------------------------------

    @Test
    void inputSplitAtEveryByteBoundary() {
        byte[] stream = concat(
                frame(0, WebSocketFrames.OP_TEXT, utf8("4fr")),
                frame(FIN, WebSocketFrames.OP_PING, utf8("ping")),
                frame(FIN, WebSocketFrames.OP_CONTINUATION, utf8("ag €")),
                frame(FIN, WebSocketFrames.OP_BINARY, repeat('b', 300)),
                frame(FIN, WebSocketFrames.OP_CLOSE, closePayload(1000, utf8("bye"))));
        for (int split = 0; split <= stream.length; split++) {
            WebSocketFrameReader reader =
                    chunked(List.of(Arrays.copyOf(stream, split), Arrays.copyOfRange(stream, split, stream.length)));
            assertArrayEquals(
                    utf8("ping"), assertInstanceOf(Ping.class, reader.next()).payload(), "split " + split);
            assertEquals("4frag €", textOf(reader.next()), "split " + split);
            assertEquals(300, assertInstanceOf(Binary.class, reader.next()).data().length, "split " + split);
            assertEquals(new Close(1000, "bye"), reader.next(), "split " + split);
        }
    }

    @Test
    void inputOneByteAtATime() {
        byte[] stream = concat(text("4one"), frame(FIN, WebSocketFrames.OP_TEXT, repeat('z', 70000)));
        List<byte[]> chunks = new ArrayList<>();
        for (byte b : stream) {
            chunks.add(new byte[] {b});
        }
        WebSocketFrameReader reader = chunked(chunks);
        assertEquals("4one", textOf(reader.next()));
        assertEquals(70000, textOf(reader.next()).length());
    }

    // --- the message size limit ----------------------------------------------------------------------------

    @Test
    void aMessageOfExactlyTheLimitIsAccepted() {
        WebSocketFrameReader reader = new WebSocketFrameReader(new BytesInput(text("12345")), () -> 5);
        assertEquals("12345", textOf(reader.next()));
    }

    @Test
    void aFrameOverTheLimitIsRefusedBeforeItsPayloadIsRead() {
        // only the header: the reader must refuse without waiting for (or holding) the payload
        byte[] header = Arrays.copyOf(frame(FIN, WebSocketFrames.OP_TEXT, repeat('x', 1000)), 4);
        Violation violation =
                assertThrows(Violation.class, () -> new WebSocketFrameReader(new BytesInput(header), () -> 999).next());
        assertEquals(WebSocketFrames.CLOSE_TOO_BIG, violation.code());
    }

    @Test
    void hugeDeclaredLengthsAreRefusedAsTooBig() {
        byte[] bytes = {(byte) (FIN | WebSocketFrames.OP_BINARY), (byte) (0x80 | 127), 0, 0, 0, 1, 0, 0, 0, 0};
        assertRefused(WebSocketFrames.CLOSE_TOO_BIG, bytes);
    }

    @Test
    void fragmentsTogetherOverTheLimitAreRefused() {
        byte[] bytes = concat(
                frame(0, WebSocketFrames.OP_TEXT, repeat('a', 3)),
                frame(FIN, WebSocketFrames.OP_CONTINUATION, repeat('a', 3)));
        Violation violation =
                assertThrows(Violation.class, () -> new WebSocketFrameReader(new BytesInput(bytes), () -> 5).next());
        assertEquals(WebSocketFrames.CLOSE_TOO_BIG, violation.code());
    }

    @Test
    void controlFramesDoNotCountAgainstTheLimit() {
        byte[] bytes = frame(FIN, WebSocketFrames.OP_PING, repeat('p', 125));
        assertInstanceOf(Ping.class, new WebSocketFrameReader(new BytesInput(bytes), () -> 1).next());
    }

    @Test
    void theLimitIsAskedAfreshForEachFrame() {
        AtomicInteger limit = new AtomicInteger(3);
        byte[] bytes = concat(text("abc"), text("abcd"));
        WebSocketFrameReader reader = new WebSocketFrameReader(new BytesInput(bytes), limit::get);
        assertEquals("abc", textOf(reader.next()));
        Violation violation = assertThrows(Violation.class, reader::next);
        assertEquals(WebSocketFrames.CLOSE_TOO_BIG, violation.code());
        limit.set(4);
        assertEquals("abcd", textOf(new WebSocketFrameReader(new BytesInput(text("abcd")), limit::get).next()));
    }

    // --- header rules -------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(ints = {0x40, 0x20, 0x10, 0x70})
    void reservedBitsAreRefused(int rsv) {
        assertRefused(WebSocketFrames.CLOSE_PROTOCOL_ERROR, frame(FIN | rsv, WebSocketFrames.OP_TEXT, utf8("x")));
        assertRefused(WebSocketFrames.CLOSE_PROTOCOL_ERROR, frame(FIN | rsv, WebSocketFrames.OP_PING, utf8("x")));
    }

    @ParameterizedTest
    @ValueSource(ints = {0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF})
    void reservedOpcodesAreRefused(int opcode) {
        assertRefused(WebSocketFrames.CLOSE_PROTOCOL_ERROR, frame(FIN, opcode, new byte[0]));
    }

    @ParameterizedTest
    @ValueSource(ints = {WebSocketFrames.OP_PING, WebSocketFrames.OP_PONG, WebSocketFrames.OP_CLOSE})
    void controlFramesMayNotBeFragmented(int opcode) {
        assertRefused(WebSocketFrames.CLOSE_PROTOCOL_ERROR, frame(0, opcode, new byte[0]));
    }

    @ParameterizedTest
    @ValueSource(ints = {WebSocketFrames.OP_PING, WebSocketFrames.OP_PONG, WebSocketFrames.OP_CLOSE})
    void controlFramesCarryAtMost125Bytes(int opcode) {
        byte[] payload = opcode == WebSocketFrames.OP_CLOSE ? closePayload(1000, repeat('r', 124)) : repeat('p', 126);
        assertRefused(WebSocketFrames.CLOSE_PROTOCOL_ERROR, frame(FIN, opcode, payload));
        assertRefused(WebSocketFrames.CLOSE_PROTOCOL_ERROR, frame(FIN, opcode, repeat('p', 70000)));
    }

    @Test
    void aPingOf125BytesIsHandedOn() {
        assertArrayEquals(
                repeat('p', 125),
                assertInstanceOf(Ping.class, only(frame(FIN, WebSocketFrames.OP_PING, repeat('p', 125))))
                        .payload());
    }

    @Test
    void pongsAreDropped() {
        assertEquals("after", textOf(only(concat(frame(FIN, WebSocketFrames.OP_PONG, utf8("x")), text("after")))));
    }

    // --- UTF-8 --------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"ff", "c0af", "e080af", "eda080", "f4908080", "ce", "e282", "80"})
    void invalidUtf8TextIsRefused(String hex) {
        assertRefused(WebSocketFrames.CLOSE_INVALID_DATA, frame(FIN, WebSocketFrames.OP_TEXT, hex(hex)));
    }

    @Test
    void invalidUtf8AcrossFragmentsIsRefused() {
        assertRefused(
                WebSocketFrames.CLOSE_INVALID_DATA,
                concat(
                        frame(0, WebSocketFrames.OP_TEXT, utf8("ok")),
                        frame(FIN, WebSocketFrames.OP_CONTINUATION, hex("eda080"))));
    }

    @Test
    void binaryIsNotCheckedAsUtf8() {
        assertArrayEquals(
                hex("eda080ff"),
                assertInstanceOf(Binary.class, only(frame(FIN, WebSocketFrames.OP_BINARY, hex("eda080ff"))))
                        .data());
    }

    @Test
    void fourByteCharactersAreValid() {
        assertEquals("😀", textOf(only(frame(FIN, WebSocketFrames.OP_TEXT, hex("f09f9880")))));
    }

    private static byte[] hex(String hex) {
        byte[] bytes = new byte[hex.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return bytes;
    }

    // --- close frames -------------------------------------------------------------------------------------

    @Test
    void anEmptyCloseHasNoStatusCode() {
        assertEquals(
                new Close(WebSocketFrameReader.NO_STATUS_CODE, ""),
                only(frame(FIN, WebSocketFrames.OP_CLOSE, new byte[0])));
    }

    @Test
    void aCloseWithCodeAndReason() {
        assertEquals(
                new Close(1001, "gone ✓"),
                only(frame(FIN, WebSocketFrames.OP_CLOSE, closePayload(1001, utf8("gone ✓")))));
    }

    @Test
    void aCloseOfOneByteIsRefused() {
        assertRefused(WebSocketFrames.CLOSE_PROTOCOL_ERROR, frame(FIN, WebSocketFrames.OP_CLOSE, new byte[] {3}));
    }

    @ParameterizedTest
    @ValueSource(
            ints = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999})
    void validCloseCodes(int code) {
        assertEquals(new Close(code, ""), only(frame(FIN, WebSocketFrames.OP_CLOSE, closePayload(code, new byte[0]))));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535})
    void invalidCloseCodesAreRefused(int code) {
        assertRefused(
                WebSocketFrames.CLOSE_PROTOCOL_ERROR,
                frame(FIN, WebSocketFrames.OP_CLOSE, closePayload(code, new byte[0])));
    }

    @Test
    void aCloseReasonThatIsNotUtf8IsRefused() {
        assertRefused(
                WebSocketFrames.CLOSE_INVALID_DATA,
                frame(FIN, WebSocketFrames.OP_CLOSE, closePayload(1000, hex("cebae1bdb9cf83ceb5eda080"))));
    }

    @Test
    void aCloseBetweenFragmentsIsHandedOn() {
        WebSocketFrameReader reader = reader(concat(
                frame(0, WebSocketFrames.OP_TEXT, utf8("par")),
                frame(FIN, WebSocketFrames.OP_CLOSE, closePayload(1000, new byte[0]))));
        assertEquals(new Close(1000, ""), reader.next());
    }

    // --- the server's side: WebSocketFrames encodes what the reader decodes ----------------------------------

    @ParameterizedTest
    @ValueSource(ints = {0, 125, 126, 65535, 65536})
    void serverFramesUseTheShortestLengthForm(int length) {
        byte[] frame = WebSocketFrames.dataFrame(false, repeat('s', length));
        int header = length < 126 ? 2 : length < 65536 ? 4 : 10;
        assertEquals(header + length, frame.length);
        assertEquals(FIN | WebSocketFrames.OP_TEXT, frame[0] & 0xFF);
        int declared = frame[1] & 0x7F;
        assertEquals(length < 126 ? length : length < 65536 ? 126 : 127, declared);
        // a client would mask what it sends; masked the same way, the reader takes it back
        byte[] payload = Arrays.copyOfRange(frame, header, frame.length);
        assertEquals(
                length,
                textOf(only(frame(FIN, WebSocketFrames.OP_TEXT, payload))).length());
    }

    @Test
    void closeFramesCarryCodeAndReason() {
        byte[] frame = WebSocketFrames.closeFrame(WebSocketFrames.CLOSE_POLICY, "upgrade timeout");
        byte[] payload = Arrays.copyOfRange(frame, 2, frame.length);
        assertEquals(
                new Close(WebSocketFrames.CLOSE_POLICY, "upgrade timeout"),
                only(frame(FIN, WebSocketFrames.OP_CLOSE, payload)));
    }

    // --- what restricted sessions may hold together ----------------------------------------------------------

    @Test
    void aRestrictedMessagePastTheFreeBytesTakesThemFromTheBudgetAndGivesThemBackOnceHandedOn() {
        ByteBudget budget = new ByteBudget(20_000, MessageBudgets.RESTRICTED_FREE_BYTES);
        int size = MessageBudgets.RESTRICTED_FREE_BYTES + 10_000;
        byte[] two = concat(frame(FIN, WebSocketFrames.OP_TEXT, repeat('a', size)), text("small"));
        WebSocketFrameReader reader =
                new WebSocketFrameReader(new BytesInput(two), () -> LIMIT, () -> budget, () -> true);
        assertEquals(size, textOf(reader.next()).length());
        assertEquals(10_000, budget.held(), "the message's bytes past the free ones, until it is handed on");
        assertEquals("small", textOf(reader.next()));
        assertEquals(0, budget.held());
    }

    @Test
    void aRestrictedMessageThatFindsTheBudgetTakenIsRefusedBeforeItsPayloadIsRead() {
        ByteBudget budget = new ByteBudget(20_000, MessageBudgets.RESTRICTED_FREE_BYTES);
        assertTrue(budget.take(15_000)); // other strangers' half-sent messages
        byte[] header = Arrays.copyOf(frame(FIN, WebSocketFrames.OP_TEXT, repeat('a', 30_000)), 8); // no payload
        WebSocketFrameReader reader =
                new WebSocketFrameReader(new BytesInput(header), () -> LIMIT, () -> budget, () -> true);
        Violation refused = assertThrows(Violation.class, reader::next);
        assertEquals(WebSocketFrames.CLOSE_TRY_AGAIN_LATER, refused.code());
        assertEquals(15_000, budget.held());
        assertEquals(1, budget.refusals());
    }

    @Test
    void anUnfinishedFragmentedMessageHoldsWhatItTookUntilTheConnectionReleasesIt() {
        ByteBudget budget = new ByteBudget(100_000, MessageBudgets.RESTRICTED_FREE_BYTES);
        byte[] first = frame(0, WebSocketFrames.OP_TEXT, repeat('a', 10_000));
        byte[] second = frame(0, WebSocketFrames.OP_CONTINUATION, repeat('b', 10_000));
        WebSocketFrameReader reader =
                new WebSocketFrameReader(new BytesInput(concat(first, second)), () -> LIMIT, () -> budget, () -> true);
        assertThrows(DataReader.InsufficientDataAvailableException.class, reader::next); // the peer stops sending
        assertEquals(20_000 - MessageBudgets.RESTRICTED_FREE_BYTES, budget.held());
        reader.release();
        assertEquals(0, budget.held());
    }

    @Test
    void anUnrestrictedSessionTakesFromItsOwnBudgetOnlyPastItsLargerFreeBytes() {
        ByteBudget strangers = new ByteBudget(1, MessageBudgets.RESTRICTED_FREE_BYTES);
        ByteBudget members = new ByteBudget(200_000, MessageBudgets.UNRESTRICTED_FREE_BYTES);
        int small = MessageBudgets.UNRESTRICTED_FREE_BYTES; // a chat event of the most characters fits
        int large = MessageBudgets.UNRESTRICTED_FREE_BYTES + 30_000;
        byte[] frames = concat(
                frame(FIN, WebSocketFrames.OP_TEXT, repeat('a', small)),
                frame(FIN, WebSocketFrames.OP_TEXT, repeat('b', large)),
                text("small"));
        WebSocketFrameReader reader =
                new WebSocketFrameReader(new BytesInput(frames), () -> LIMIT, () -> members, () -> false);
        assertEquals(small, textOf(reader.next()).length());
        assertEquals(0, members.held());
        assertEquals(large, textOf(reader.next()).length());
        assertEquals(30_000, members.held(), "the message's bytes past the free ones, until it is handed on");
        assertEquals("small", textOf(reader.next()));
        assertEquals(0, members.held());
        assertEquals(0, strangers.held());
    }

    @Test
    void anUnrestrictedMessageThatFindsItsBudgetTakenIsRefusedBeforeItsPayloadIsRead() {
        ByteBudget members = new ByteBudget(100_000, MessageBudgets.UNRESTRICTED_FREE_BYTES);
        assertTrue(members.take(80_000)); // other members' half-sent messages
        byte[] header = Arrays.copyOf(frame(FIN, WebSocketFrames.OP_TEXT, repeat('a', 90_000)), 14); // no payload
        WebSocketFrameReader reader =
                new WebSocketFrameReader(new BytesInput(header), () -> LIMIT, () -> members, () -> false);
        Violation refused = assertThrows(Violation.class, reader::next);
        assertEquals(WebSocketFrames.CLOSE_TRY_AGAIN_LATER, refused.code());
        assertEquals(80_000, members.held());
        assertEquals(1, members.refusals());
    }

    @Test
    void aSessionTrustedBetweenTwoMessagesGivesBackToTheBudgetItTookFrom() {
        ByteBudget strangers = new ByteBudget(100_000, MessageBudgets.RESTRICTED_FREE_BYTES);
        ByteBudget members = new ByteBudget(200_000, MessageBudgets.UNRESTRICTED_FREE_BYTES);
        int size = MessageBudgets.RESTRICTED_FREE_BYTES + 10_000;
        boolean[] restricted = {true};
        byte[] frames = concat(frame(FIN, WebSocketFrames.OP_TEXT, repeat('a', size)), text("after"));
        WebSocketFrameReader reader = new WebSocketFrameReader(
                new BytesInput(frames), () -> LIMIT, () -> restricted[0] ? strangers : members, () -> restricted[0]);
        assertEquals(size, textOf(reader.next()).length());
        assertEquals(10_000, strangers.held());
        restricted[0] = false; // the CONNECT went through
        assertEquals("after", textOf(reader.next()));
        assertEquals(0, strangers.held());
        assertEquals(0, members.held());
    }

    @Test
    void theBudgetIsASixteenthOfTheHeapBetweenFourAndSixtyFourMiB() {
        assertEquals(4L << 20, ByteBudget.forHeap(32L << 20).capacity());
        assertEquals(32L << 20, ByteBudget.forHeap(512L << 20).capacity());
        assertEquals(64L << 20, ByteBudget.forHeap(8L << 30).capacity());
    }

    /** Helidon's reader as the frame reader's input, as the connection hands it on (without its buffer sizing). */
    private static WebSocketFrameReader.Input input(DataReader reader) {
        return new WebSocketFrameReader.Input() {
            @Override
            public byte read() {
                return reader.read();
            }

            @Override
            public byte[] readBytes(int length) {
                return reader.readBytes(length);
            }
        };
    }
}
