package io.chat.socketio.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A session's outbound packets: any number of senders, one consumer at a time (Vyukov's linked queue). Adding is
 * one atomic swap; taking is no atomic operation at all, where {@code ConcurrentLinkedQueue} spends a
 * compare-and-set on each side for every packet, a broadcast's recipients each paying for both.
 * <p>
 * The consumer may change threads (a poll, then the upgraded WebSocket's writer) only with a happens-before edge
 * between the two (the polling transport's lock, which its retirement takes); two consumers at once break the
 * queue.
 * <p>
 * Emptiness is read from the tail, not from the head's link: the tail swap is a full fence (a volatile read-modify-
 * write), so a sender that swapped it and then reads its transport's writer flag, and a writer that cleared that
 * flag and then asks {@link #isEmpty}, cannot both miss each other (a release-stored link could still sit in the
 * sender's store buffer then, and the packet would wait with no writer: {@code OutboxWakeUpTest}). An add that has
 * swapped the tail but not linked its node yet (a sender descheduled between the two) makes the queue not empty, and
 * {@link #poll} waits the instant until it links, so that what was sent before a close is never taken for nothing
 * ({@code OutboxHalfAddTest}).
 * <p>
 * Unpadded on purpose: JCTools' equivalent pads each queue with 376 bytes against false sharing, paid by every
 * idle socket.
 */
final class Outbox {
    private static final VarHandle TAIL = VarHandles.field(MethodHandles.lookup(), "tail", Node.class);
    private static final VarHandle NEXT = VarHandles.field(MethodHandles.lookup(), Node.class, "next", Node.class);

    private static final class Node {
        private EnginePacket packet;

        @SuppressWarnings("unused") // through NEXT
        private Node next;

        Node(EnginePacket packet) {
            this.packet = packet;
        }
    }

    /** The last node added; senders swap it. */
    @SuppressWarnings("FieldMayBeFinal") // through TAIL
    private volatile Node tail;

    /** The consumer's: the node before the next packet to take (its own packet already taken). */
    private Node head;

    Outbox() {
        Node stub = new Node(null);
        head = stub;
        tail = stub;
    }

    /** Any thread. */
    void add(EnginePacket packet) {
        Node node = new Node(packet);
        Node previous = (Node) TAIL.getAndSet(this, node);
        // the release publishes the node's packet with the link
        NEXT.setRelease(previous, node);
    }

    /** The consumer only: the oldest packet, or null when none was added. */
    EnginePacket poll() {
        Node first = (Node) NEXT.getAcquire(head);
        if (first == null) {
            if (tail == head) {
                return null;
            }
            // swapped in but not linked yet: its sender is between two instructions
            while ((first = (Node) NEXT.getAcquire(head)) == null) {
                Thread.onSpinWait();
            }
        }
        EnginePacket packet = first.packet;
        first.packet = null;
        Node taken = head;
        head = first;
        // a taken node that reached the old generation must not keep the young ones after it alive
        NEXT.setOpaque(taken, taken);
        return packet;
    }

    /** The consumer only (another thread may ask, for a hint: it may read a stale head and say not empty). */
    boolean isEmpty() {
        return tail == head;
    }
}
