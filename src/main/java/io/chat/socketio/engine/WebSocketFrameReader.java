package io.chat.socketio.engine;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Client→server frame decoding (RFC 6455), the counterpart of {@link WebSocketFrames}: reads frames, unmasks
 * them, assembles fragmented messages and validates everything a server must refuse, each refusal a
 * {@link Violation} that carries its close code. Pure over its {@link Input}: it does no I/O of its own,
 * writes nothing and answers nothing; the connection does that with what {@link #next()} returns.
 * <p>
 * Not thread-safe: one reader thread, as the connection has.
 */
final class WebSocketFrameReader {
    /** More fragments than this in one message is refused as too big, whatever their size. */
    static final int MAX_FRAGMENTS = 1024;
    /** The largest control frame payload (RFC 6455, 5.5). */
    static final int MAX_CONTROL_PAYLOAD = 125;
    /** The code a close frame without a payload stands for (RFC 6455, 7.1.5); never sent on the wire. */
    static final int NO_STATUS_CODE = 1005;

    private final Input in;
    private final IntSupplier maxMessageBytes;
    private final Supplier<ByteBudget> budget;
    private final BooleanSupplier restricted;
    /** What the message being read took from {@link #takenFrom}; given back once it was handed on. */
    private long taken;

    private ByteBudget takenFrom;
    /** The opcode of the message being assembled, or -1 between messages. */
    private int messageOpcode = -1;

    private byte[] assembled;
    private int assembledLength;
    private int fragments;

    /**
     * @param in              where the bytes come from
     * @param maxMessageBytes the largest message accepted, asked afresh for each frame (the session's limit
     *                        may change while it lives)
     */
    WebSocketFrameReader(Input in, IntSupplier maxMessageBytes) {
        this(in, maxMessageBytes, () -> MessageBudgets.UNBOUNDED, () -> false);
    }

    /**
     * @param budget     what the session's messages take their bytes from now, asked for each frame
     * @param restricted whether the session is restricted now, likewise
     */
    WebSocketFrameReader(
            Input in, IntSupplier maxMessageBytes, Supplier<ByteBudget> budget, BooleanSupplier restricted) {
        this.in = in;
        this.maxMessageBytes = maxMessageBytes;
        this.budget = budget;
        this.restricted = restricted;
        this.takenFrom = MessageBudgets.UNBOUNDED;
    }

    /** Gives back what the message being read took: the connection calls it once it stops reading. */
    void release() {
        if (taken != 0) { // most messages take nothing: no lock shared by every connection on their way
            takenFrom.give(taken);
            taken = 0;
        }
    }

    /** Bytes in order; blocks until they are there, and throws (unchecked) when the input ends. */
    interface Input {
        byte read();

        byte[] readBytes(int length);

        /** A frame's header was read: {@code bytes} more (mask and payload) follow. */
        default void frameAhead(long bytes) {}

        /** The last frame was read whole: the next read waits for a new frame, maybe for long. */
        default void frameDone() {}
    }

    /** What the reader hands on: a whole data message or a control frame the connection must answer. */
    sealed interface Frame {}

    /** A whole text message, valid UTF-8. */
    record Text(String text) implements Frame {}

    /** A whole binary message. */
    record Binary(byte[] data) implements Frame {}

    /** A ping, to be answered with a pong carrying the same payload. */
    record Ping(byte[] payload) implements Frame {}

    /** The peer's close frame: a valid code ({@link #NO_STATUS_CODE} when it had none) and its reason. */
    record Close(int code, String reason) implements Frame {}

    /** Input a server must refuse: close the connection with {@link #code()}, the message as the reason. */
    static final class Violation extends RuntimeException {
        private final int code;

        Violation(int code, String reason) {
            super(reason, null, false, false);
            this.code = code;
        }

        int code() {
            return code;
        }
    }

    /**
     * Reads frames until one whole data message or one control frame the connection must act on (pongs are
     * dropped: nothing here sends pings). A control frame may arrive between the fragments of a message; the
     * message goes on assembling across calls.
     */
    Frame next() {
        if (messageOpcode < 0) {
            release(); // the last message was handed on
        }
        while (true) {
            in.frameDone();
            int b0 = in.read() & 0xFF;
            int b1 = in.read() & 0xFF;
            boolean fin = (b0 & 0x80) != 0;
            int opcode = b0 & 0x0F;
            if ((b0 & 0x70) != 0) {
                throw new Violation(WebSocketFrames.CLOSE_PROTOCOL_ERROR, "reserved bits set");
            }
            if ((b1 & 0x80) == 0) {
                throw new Violation(WebSocketFrames.CLOSE_PROTOCOL_ERROR, "unmasked frame");
            }
            long length = b1 & 0x7F;
            if (length == 126) {
                length = ((in.read() & 0xFF) << 8) | (in.read() & 0xFF);
            } else if (length == 127) {
                length = 0;
                for (int i = 0; i < 8; i++) {
                    length = (length << 8) | (in.read() & 0xFF);
                }
                if (length < 0) {
                    throw new Violation(WebSocketFrames.CLOSE_PROTOCOL_ERROR, "bad length");
                }
            }
            boolean control = opcode >= 0x8;
            if (control && (!fin || length > MAX_CONTROL_PAYLOAD)) {
                throw new Violation(WebSocketFrames.CLOSE_PROTOCOL_ERROR, "bad control frame");
            }
            int maxPayload = maxMessageBytes.getAsInt();
            if (!control && assembledLength + length > maxPayload) {
                // before the payload is read: an oversize frame is never held in memory
                throw new Violation(WebSocketFrames.CLOSE_TOO_BIG, "message too big");
            }
            boolean stranger = restricted.getAsBoolean();
            if (!control) {
                take(assembledLength + length);
            }
            if (!stranger) {
                // a session not yet trusted reads in the idle buffer's steps: a buffer of its frame's size is not
                // counted in the strangers' byte budget
                in.frameAhead(4 + length);
            }
            byte[] mask = in.readBytes(4);
            byte[] payload = length == 0 ? new byte[0] : in.readBytes((int) length);
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i & 3];
            }
            switch (opcode) {
                case WebSocketFrames.OP_PING -> {
                    return new Ping(payload);
                }
                case WebSocketFrames.OP_PONG -> {
                    // unsolicited pong: nothing to do
                }
                case WebSocketFrames.OP_CLOSE -> {
                    return close(payload);
                }
                case WebSocketFrames.OP_TEXT, WebSocketFrames.OP_BINARY, WebSocketFrames.OP_CONTINUATION -> {
                    Frame message = fragment(opcode, fin, payload, maxPayload);
                    if (message != null) {
                        return message;
                    }
                }
                default -> throw new Violation(WebSocketFrames.CLOSE_PROTOCOL_ERROR, "unknown opcode");
            }
        }
    }

    /**
     * Takes from the session's budget what a message of {@code messageBytes} needs past its free bytes and what it took
     * already (a session whose budget changed halfway through a message takes afresh from its new one).
     */
    private void take(long messageBytes) {
        ByteBudget current = budget.get();
        if (current != takenFrom) {
            release();
            takenFrom = current;
        }
        long needed = messageBytes - current.freePerMessage() - taken;
        if (needed > 0) {
            if (!current.take(needed)) {
                throw new Violation(WebSocketFrames.CLOSE_TRY_AGAIN_LATER, "server busy");
            }
            taken += needed;
        }
    }

    /** Adds one data frame to the message being assembled; the message once it is whole, else null. */
    private Frame fragment(int opcode, boolean fin, byte[] payload, int maxPayload) {
        if (opcode == WebSocketFrames.OP_CONTINUATION) {
            if (messageOpcode < 0) {
                throw new Violation(WebSocketFrames.CLOSE_PROTOCOL_ERROR, "unexpected continuation");
            }
        } else {
            if (messageOpcode >= 0) {
                throw new Violation(WebSocketFrames.CLOSE_PROTOCOL_ERROR, "expected continuation");
            }
            messageOpcode = opcode;
        }
        if (++fragments > MAX_FRAGMENTS) {
            throw new Violation(WebSocketFrames.CLOSE_TOO_BIG, "too many fragments");
        }
        if (fin && assembled == null) {
            return message(payload);
        }
        if (assembled == null) {
            // room for the next fragment too, never past the largest message (a restricted session's 32 KiB)
            assembled = new byte[assemblyRoom(Math.max(payload.length * 2, 1024), maxPayload)];
        }
        if (assembledLength + payload.length > assembled.length) {
            assembled = Arrays.copyOf(
                    assembled,
                    assemblyRoom(Math.max(assembled.length * 2, assembledLength + payload.length), maxPayload));
        }
        System.arraycopy(payload, 0, assembled, assembledLength, payload.length);
        assembledLength += payload.length;
        return fin ? message(Arrays.copyOf(assembled, assembledLength)) : null;
    }

    /**
     * The size of the assembly buffer to make: {@code wanted}, at most the largest message; that much (past the free
     * bytes) is taken from the session's budget first: the buffer is what it holds.
     */
    private int assemblyRoom(int wanted, int maxPayload) {
        int room = Math.min(maxPayload, wanted);
        take(room);
        return room;
    }

    /** The whole message; the assembly starts afresh. */
    private Frame message(byte[] payload) {
        int opcode = messageOpcode;
        messageOpcode = -1;
        assembled = null;
        assembledLength = 0;
        fragments = 0;
        if (opcode == WebSocketFrames.OP_BINARY) {
            return new Binary(payload);
        }
        return new Text(utf8(payload, "invalid utf-8"));
    }

    private static Close close(byte[] payload) {
        if (payload.length == 0) {
            return new Close(NO_STATUS_CODE, "");
        }
        if (payload.length == 1) {
            throw new Violation(WebSocketFrames.CLOSE_PROTOCOL_ERROR, "bad close frame");
        }
        int code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        if (!validCloseCode(code)) {
            throw new Violation(WebSocketFrames.CLOSE_PROTOCOL_ERROR, "bad close code");
        }
        return new Close(code, utf8(Arrays.copyOfRange(payload, 2, payload.length), "invalid close reason"));
    }

    /**
     * The codes a peer may send (RFC 6455, 7.4 and the IANA registry): the defined ones, none of those reserved
     * for local use (1004, 1005, 1006, 1015), and the ranges for libraries and applications.
     */
    static boolean validCloseCode(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }

    private static String utf8(byte[] bytes, String failure) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new Violation(WebSocketFrames.CLOSE_INVALID_DATA, failure);
        }
    }
}
