package io.chat.socketio.engine;

/**
 * What the messages being read (WebSocket messages, polling POST bodies) take their bytes from, all connections
 * together: sessions still restricted from one budget, a small message each free; the others from a second one, a
 * larger message each free (most chat events), so that a crowd of signed-in connections each holding a half-sent
 * message of the largest size cannot run the heap out either, and strangers cannot take what members need. The layer
 * above gives each group of unrestricted sessions a part of the second ({@link EngineSession#unrestrict}).
 */
record MessageBudgets(ByteBudget restricted, ByteBudget unrestricted) {
    /** The bytes of a message a restricted session reads without taking from its budget (a CONNECT with its token). */
    static final int RESTRICTED_FREE_BYTES = 4 * 1024;
    /**
     * The bytes of a message any other session reads without taking from its budget: most chat events fit (a larger
     * one takes from it and gives back at once). Not more: nothing bounds how many connections hold this much of a
     * half-sent message each besides the connection cap, which allows 48 KiB of heap a connection (a review: 64 KiB
     * free, 2,500 signed-in connections each holding a POST of 64 KiB one byte short ran a 256 MiB heap out).
     */
    static final int UNRESTRICTED_FREE_BYTES = 8 * 1024;

    /** Each a sixteenth of the heap, between 4 and 64 MiB. */
    static MessageBudgets forHeap(long maxHeapBytes) {
        return new MessageBudgets(
                ByteBudget.forHeap(maxHeapBytes, RESTRICTED_FREE_BYTES),
                ByteBudget.forHeap(maxHeapBytes, UNRESTRICTED_FREE_BYTES));
    }

    /** No bound: for readers outside a server. */
    static final ByteBudget UNBOUNDED = new ByteBudget(Long.MAX_VALUE);
}
