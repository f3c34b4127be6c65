package io.chat.socketio.engine;

import java.io.ByteArrayOutputStream;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * HTTP long-polling: a GET waits until the session has packets and takes them all, joined by {@code \x1e};
 * a POST carries client packets the same way. One GET and one POST at a time, as the protocol says.
 */
final class PollingTransport implements Transport {
    static final byte SEPARATOR = 0x1e;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private EngineSession session;
    private boolean pollPending;
    private boolean postPending;
    /** The thread reading a POST's body, while it reads (guarded by {@link #lock}); interrupted to end the read. */
    private Thread bodyReader;

    private boolean finished;
    private boolean noopRequested;
    private EnginePacket farewell = EnginePacket.CLOSE_PACKET;
    private boolean superseded;

    /** What a GET poll comes to. */
    sealed interface PollResult {
        /**
         * The payload to answer with 200; {@code held}: the session's queued bytes it carries, given back ({@link
         * EngineSession#sent}) once it is written.
         */
        record Payload(byte[] bytes, long held) implements PollResult {}

        /** Another GET was already waiting: the protocol says the client is broken. */
        record Overlap() implements PollResult {}

        /** The session moved to WebSocket while this GET waited: it belongs to the old transport. */
        record Superseded() implements PollResult {}
    }

    @Override
    public void attach(EngineSession owner) {
        this.session = owner;
    }

    @Override
    public String name() {
        return "polling";
    }

    @Override
    public void wake() {
        signal();
    }

    @Override
    public void closeFromServer() {
        lock.lock();
        try {
            finished = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        abortBodyRead(); // a POST still arriving for a session that ended would hold its bytes for as long as it liked
    }

    /**
     * The session moves to WebSocket, unless a POST is still delivering packets (false: a client pauses polling,
     * its POST answered, before it completes an upgrade, so one that did not is broken). A client pauses polling
     * too, so a GET still waiting now came late for the old transport and is refused like any later one. Polls
     * drain under the lock: once this returns true, no poll takes from the session's queue any more.
     */
    boolean retire() {
        lock.lock();
        try {
            if (postPending) {
                return false;
            }
            superseded = true;
            finished = true;
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The client closed the session: the poll in flight (or the next one) gets a noop, then the sid is gone. */
    void releaseAfterClientClose() {
        lock.lock();
        try {
            farewell = EnginePacket.NOOP_PACKET;
            finished = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * An upgrade probe succeeded: until the upgrade ends, every poll that finds nothing to send returns a noop
     * at once, so the client can pause polling whenever it gets to it. The noop never enters the outbox, so
     * it cannot reach the new transport.
     */
    void releaseWithNoop() {
        lock.lock();
        try {
            noopRequested = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void signal() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for packets and encodes them as one polling payload. Once the transport is finished, the poll that
     * takes the last queued packets ends with the farewell (the close packet, or a noop after the client's close).
     */
    PollResult poll() throws InterruptedException {
        List<EnginePacket> packets;
        long held;
        boolean last;
        lock.lock();
        try {
            if (pollPending) {
                return new PollResult.Overlap();
            }
            pollPending = true;
            try {
                while (!finished && !noopRequested && !session.hasQueued()) {
                    changed.await();
                }
            } finally {
                pollPending = false;
            }
            if (superseded) {
                return new PollResult.Superseded();
            }
            // under the lock, so that retire() cannot hand the queue to a WebSocket while a poll takes from it
            packets = session.drain(Long.MAX_VALUE, session.maxPacketsPerPoll());
            held = packets.stream().mapToLong(EnginePacket::size).sum();
            last = finished && !session.hasQueued();
            if (last) {
                packets.add(farewell);
            }
        } finally {
            lock.unlock();
        }
        if (packets.isEmpty()) {
            return new PollResult.Payload(EnginePacket.NOOP_PACKET.payload(), 0);
        }
        if (last && !session.isOpen()) {
            session.unregister();
        }
        return new PollResult.Payload(encode(packets), held);
    }

    /** The upgrade failed: polls wait for packets again. */
    void upgradeAborted() {
        lock.lock();
        try {
            noopRequested = false;
        } finally {
            lock.unlock();
        }
    }

    /** Whether a POST may deliver its packets. */
    enum PostStart {
        STARTED,
        /** Another POST of the session is under way: the protocol says the client is broken. */
        OVERLAP,
        /** The session moved to WebSocket: the POST came late for this transport. */
        SUPERSEDED
    }

    /** Marks a POST in progress, unless one already is or the transport was retired. */
    PostStart startPost() {
        lock.lock();
        try {
            if (superseded) {
                return PostStart.SUPERSEDED;
            }
            if (postPending) {
                return PostStart.OVERLAP;
            }
            postPending = true;
            return PostStart.STARTED;
        } finally {
            lock.unlock();
        }
    }

    void endPost() {
        lock.lock();
        try {
            postPending = false;
        } finally {
            lock.unlock();
        }
    }

    /** The calling thread starts reading a POST's body, until {@link #bodyRead}. */
    void readingBody() {
        lock.lock();
        try {
            bodyReader = Thread.currentThread();
        } finally {
            lock.unlock();
        }
    }

    /** The body's read ended (whole or not): from now on {@link #abortBodyRead} leaves the thread alone. */
    void bodyRead() {
        lock.lock();
        try {
            bodyReader = null;
            Thread.interrupted(); // an abort that came as the read ended: nothing left for it to stop
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends the body's read under way, if any: its thread is interrupted, which on a virtual thread blocked on a socket
     * closes the socket, so the read fails and the connection ends (Helidon gives a request's body no deadline of its
     * own, and a session's end did not reach it: a review held one 420 s past its session, with its bytes).
     */
    void abortBodyRead() {
        lock.lock();
        try {
            if (bodyReader != null) {
                bodyReader.interrupt();
                bodyReader = null;
            }
        } finally {
            lock.unlock();
        }
    }

    static byte[] encode(List<EnginePacket> packets) {
        if (packets.size() == 1 && !packets.getFirst().isBinary()) {
            return packets.getFirst().payload();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean first = true;
        for (EnginePacket packet : packets) {
            if (!first) {
                out.write(SEPARATOR);
            }
            first = false;
            if (packet.isBinary()) {
                out.write('b');
                out.writeBytes(Base64.getEncoder().encode(packet.payload()));
            } else {
                out.writeBytes(packet.payload());
            }
        }
        return out.toByteArray();
    }
}
