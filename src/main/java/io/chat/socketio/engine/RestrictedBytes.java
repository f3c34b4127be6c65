package io.chat.socketio.engine;

/**
 * The bytes the engine may hold at once, all sessions together, for the messages of sessions still restricted
 * ({@link EngineSession#restrict}: not yet through the layer above's checks): a limit per session alone bounds each
 * stranger, not a crowd of them. Each session reads its first {@link #FREE_BYTES} of a message without asking (a
 * CONNECT with its token fits); past that, a message (a WebSocket message, or a polling POST body) takes its bytes from
 * here before they are read, and gives them back once it was handed on. When none are left the connection is refused
 * at once: a server full of strangers' half-sent messages refuses more of them instead of running out of memory.
 */
final class RestrictedBytes {
    /** The bytes of a message a restricted session reads without taking from the budget. */
    static final int FREE_BYTES = 4 * 1024;

    private final long capacity;
    private long held; // guarded by this
    private long refusals; // guarded by this

    RestrictedBytes(long capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
    }

    /** A sixteenth of the heap, between 4 and 64 MiB (2,048 messages of 32 KiB, the Socket.IO layer's limit). */
    static RestrictedBytes forHeap(long maxHeapBytes) {
        return new RestrictedBytes(Math.clamp(maxHeapBytes / 16, 4L << 20, 64L << 20));
    }

    /** Takes {@code bytes} if that many are left: true when taken. */
    synchronized boolean take(long bytes) {
        if (bytes > capacity - held) {
            refusals++;
            return false;
        }
        held += bytes;
        return true;
    }

    synchronized void give(long bytes) {
        held = Math.max(0, held - bytes);
    }

    synchronized long held() {
        return held;
    }

    /** The takes refused since the start. */
    synchronized long refusals() {
        return refusals;
    }

    long capacity() {
        return capacity;
    }
}
