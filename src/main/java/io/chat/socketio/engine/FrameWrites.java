package io.chat.socketio.engine;

import io.helidon.common.buffers.BufferData;
import java.util.List;
import java.util.function.Consumer;

/**
 * Writes a batch of WebSocket frames to a socket in as few writes as fit a lent array. Helidon would copy a list of
 * buffers into one array anyway (a slower copy, through a composite buffer); a batch of one frame is written as it is.
 * Several frames were joined into a new array at every write (10.2% of a saturated node's allocation in W5's durable
 * row, by JFR's allocation samples): they are copied into one of a few lent arrays instead, written whenever it is
 * full, and the array is given back once the last write has returned (Helidon's {@code writeNow} writes to the socket
 * before it returns and keeps no reference to the bytes). A frame larger than the array is written as it is. When
 * every array is lent (writers held in slow sockets' writes), the batch is joined into its own array, as before.
 */
final class FrameWrites {
    /** A batch's usual size ({@link WebSocketConnection}'s batches stop at 64 KiB, plus one packet). */
    static final int JOIN_BYTES = 64 * 1024;

    /** Two carriers write at once on a two-core box; the rest cover writers held in a slow socket's write. */
    private static final Lender<byte[]> JOINS = new Lender<>(8, () -> new byte[JOIN_BYTES]);

    private FrameWrites() {}

    /** Writes {@code frames}, {@code bytes} in all, in order, through {@code writeNow}. */
    static void write(List<byte[]> frames, int bytes, Consumer<BufferData> writeNow) {
        write(frames, bytes, writeNow, JOINS);
    }

    static void write(List<byte[]> frames, int bytes, Consumer<BufferData> writeNow, Lender<byte[]> joins) {
        if (frames.size() == 1) {
            writeNow.accept(BufferData.create(frames.getFirst()));
            return;
        }
        byte[] lent = joins.borrow();
        // all lent: an array of the batch's size, which the loop below fills whole and writes once
        byte[] join = lent != null ? lent : new byte[bytes];
        try {
            int at = 0;
            for (byte[] frame : frames) {
                if (at + frame.length > join.length && at > 0) {
                    // always from offset 0: Helidon 4.2's array buffer writes [0, at) only when its start is 0
                    writeNow.accept(BufferData.create(join, 0, at));
                    at = 0;
                }
                if (frame.length > join.length) {
                    writeNow.accept(BufferData.create(frame));
                    continue;
                }
                System.arraycopy(frame, 0, join, at, frame.length);
                at += frame.length;
            }
            if (at > 0) {
                writeNow.accept(BufferData.create(join, 0, at));
            }
        } finally {
            if (lent != null) {
                joins.giveBack(lent);
            }
        }
    }
}
