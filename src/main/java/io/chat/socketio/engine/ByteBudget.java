package io.chat.socketio.engine;

/**
 * Bytes the server may hold at once for one purpose, all sessions together: a limit per session alone bounds each
 * client, not a crowd of them. A message takes its bytes from here before they are held, and gives them back once it
 * was handed on; when none are left its connection is closed at once, so a server full of half-sent messages refuses
 * more of them instead of running out of memory.
 *
 * <p>The engine's own ({@link EngineServer}) is for the messages of sessions still restricted ({@link
 * EngineSession#restrict}: not yet through the layer above's checks). Each such session reads its first {@link
 * #FREE_BYTES} of a message without asking (a CONNECT with its token fits); past that, a message (a WebSocket message,
 * or a polling POST body) takes from it.
 */
public final class ByteBudget {
    /** The bytes of a message a restricted session reads without taking from the budget. */
    static final int FREE_BYTES = 4 * 1024;

    private final long capacity;
    private long held; // guarded by this
    private long refusals; // guarded by this

    public ByteBudget(long capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
    }

    /** A sixteenth of the heap, between 4 and 64 MiB (2,048 messages of 32 KiB, the Socket.IO layer's limit before CONNECT). */
    public static ByteBudget forHeap(long maxHeapBytes) {
        return new ByteBudget(Math.clamp(maxHeapBytes / 16, 4L << 20, 64L << 20));
    }

    /** Takes {@code bytes} if that many are left: true when taken. */
    public synchronized boolean take(long bytes) {
        if (bytes > capacity - held) {
            refusals++;
            return false;
        }
        held += bytes;
        return true;
    }

    public synchronized void give(long bytes) {
        held = Math.max(0, held - bytes);
    }

    public synchronized long held() {
        return held;
    }

    /** The takes refused since the start. */
    public synchronized long refusals() {
        return refusals;
    }

    public long capacity() {
        return capacity;
    }
}
