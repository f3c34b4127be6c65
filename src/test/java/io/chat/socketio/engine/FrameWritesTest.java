package io.chat.socketio.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.helidon.common.buffers.BufferData;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class FrameWritesTest {
    private final Lender<byte[]> joins = new Lender<>(1, () -> new byte[FrameWrites.JOIN_BYTES]);
    private final ByteArrayOutputStream socket = new ByteArrayOutputStream();
    private final List<Integer> writes = new ArrayList<>();
    /** A socket's write: takes the bytes before it returns, as Helidon's writeNow does. */
    private final Consumer<BufferData> writeNow = data -> {
        byte[] bytes = new byte[data.available()];
        data.read(bytes);
        socket.writeBytes(bytes);
        writes.add(bytes.length);
    };

    @Test
    void aFullBatchOfSmallFramesIsWrittenWholeAndInOrderInWritesThatFitTheArray() {
        // a full batch overshoots 64 KiB by its last packet and the frames' headers: ~657 frames of 102 bytes
        List<byte[]> frames = frames(new Random(1), 657, 102, 102);
        write(frames);
        assertArrayEquals(concatenated(frames), socket.toByteArray());
        assertEquals(2, writes.size(), "one full array, then the rest: " + writes);
        writes.forEach(bytes -> assertEquals(true, bytes <= FrameWrites.JOIN_BYTES));
        assertNotNull(joins.borrow(), "the array is given back");
    }

    @Test
    void framesOfEverySizeArriveWholeAndInOrder() {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            socket.reset();
            writes.clear();
            // some larger than the array: written as they are, between the arrays' writes
            List<byte[]> frames = frames(random, 1 + random.nextInt(40), 1, 2 * FrameWrites.JOIN_BYTES / 3);
            if (random.nextInt(10) == 0) {
                frames.add(random.nextInt(frames.size()), new byte[FrameWrites.JOIN_BYTES + 1 + random.nextInt(5000)]);
            }
            write(frames);
            assertArrayEquals(concatenated(frames), socket.toByteArray(), "round " + round);
        }
    }

    @Test
    void withEveryArrayLentTheBatchIsJoinedIntoItsOwn() {
        byte[] held = joins.borrow();
        assertNotNull(held);
        List<byte[]> frames = frames(new Random(3), 700, 100, 100);
        write(frames);
        assertArrayEquals(concatenated(frames), socket.toByteArray());
        assertEquals(List.of(70_000), writes, "one write of its own array");
        joins.giveBack(held);
    }

    @Test
    void aFailedWriteGivesTheArrayBack() {
        List<byte[]> frames = frames(new Random(5), 3, 10, 10);
        assertThrows(
                IllegalStateException.class,
                () -> FrameWrites.write(
                        frames,
                        30,
                        data -> {
                            throw new IllegalStateException("socket closed");
                        },
                        joins));
        assertNotNull(joins.borrow());
        assertNull(joins.borrow());
    }

    private void write(List<byte[]> frames) {
        FrameWrites.write(
                frames, frames.stream().mapToInt(frame -> frame.length).sum(), writeNow, joins);
    }

    private static List<byte[]> frames(Random random, int count, int minBytes, int maxBytes) {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] frame = new byte[minBytes + random.nextInt(maxBytes - minBytes + 1)];
            random.nextBytes(frame);
            frames.add(frame);
        }
        return frames;
    }

    private static byte[] concatenated(List<byte[]> frames) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        frames.forEach(all::writeBytes);
        return all.toByteArray();
    }
}
