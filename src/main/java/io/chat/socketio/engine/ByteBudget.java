package io.chat.socketio.engine;

/**
 * Bytes the server may hold at once for one purpose, all sessions together: a limit per session alone bounds each
 * client, not a crowd of them. A message takes its bytes from here before they are held, and gives them back once it
 * was handed on; when none are left its connection is closed at once, so a server full of half-sent messages refuses
 * more of them instead of running out of memory.
 *
 * <p>The engine has two ({@link MessageBudgets}): one for the messages of sessions still restricted ({@link
 * EngineSession#restrict}: not yet through the layer above's checks), one for the others. A message (a WebSocket
 * message, or a polling POST body) reads its first {@link #freePerMessage()} bytes without asking (a restricted
 * session's CONNECT with its token fits, and any chat event of a session in a namespace); past that, it takes from
 * its session's budget.
 */
public final class ByteBudget {
    private final long capacity;
    private final int freePerMessage;
    /** The budget this one is a part of (its takes come from both), or null. */
    private final ByteBudget whole;

    private long held; // guarded by this
    private long refusals; // guarded by this

    public ByteBudget(long capacity) {
        this(capacity, 0);
    }

    /** @param freePerMessage the bytes of each message read without taking from the budget */
    public ByteBudget(long capacity, int freePerMessage) {
        this(capacity, freePerMessage, null);
    }

    private ByteBudget(long capacity, int freePerMessage, ByteBudget whole) {
        if (capacity < 1 || freePerMessage < 0) {
            throw new IllegalArgumentException("capacity must be positive, free bytes not negative");
        }
        this.capacity = capacity;
        this.freePerMessage = freePerMessage;
        this.whole = whole;
    }

    /**
     * A part of this budget for one group of its users (a namespace's connections): its takes come from this budget
     * too, and it holds at most one {@code of}-th of it, so that one group cannot take the whole from the others. Its
     * refusals count here too.
     */
    public ByteBudget part(int of) {
        return new ByteBudget(Math.max(1, capacity / of), freePerMessage, this);
    }

    /** A sixteenth of the heap, between 4 and 64 MiB (2,048 messages of 32 KiB, the Socket.IO layer's limit before CONNECT). */
    public static ByteBudget forHeap(long maxHeapBytes) {
        return forHeap(maxHeapBytes, 0);
    }

    /** {@link #forHeap(long)}, each message reading its first {@code freePerMessage} bytes without asking. */
    static ByteBudget forHeap(long maxHeapBytes, int freePerMessage) {
        return new ByteBudget(Math.clamp(maxHeapBytes / 16, 4L << 20, 64L << 20), freePerMessage);
    }

    /** The bytes of each message read without taking from this budget. */
    int freePerMessage() {
        return freePerMessage;
    }

    /** Takes {@code bytes} if that many are left (here, and in the whole this is a part of): true when taken. */
    public boolean take(long bytes) {
        synchronized (this) {
            if (bytes > capacity - held) {
                refusals++;
                if (whole != null) {
                    whole.countRefusal();
                }
                return false;
            }
            held += bytes;
        }
        if (whole != null && !whole.take(bytes)) {
            synchronized (this) {
                held -= bytes;
            }
            return false;
        }
        return true;
    }

    public void give(long bytes) {
        synchronized (this) {
            held = Math.max(0, held - bytes);
        }
        if (whole != null) {
            whole.give(bytes);
        }
    }

    private synchronized void countRefusal() {
        refusals++;
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
