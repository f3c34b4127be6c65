package io.chat.socketio.engine;

import io.chat.socketio.engine.WebSocketFrameReader.Frame;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The WebSocket transport, owning the connection after the HTTP upgrade: I/O and dispatch only. The
 * {@link WebSocketFrameReader} decodes and validates what comes in, the session's {@link Upgrade} decides what
 * an upgrading connection's packets mean, {@link WebSocketFrames} encodes what goes out.
 * <p>
 * Helidon gives this connection one virtual thread, which alone reads frames. Writes never happen on a
 * caller's thread: senders queue, and one writer task at a time drains everything queued into a single
 * socket write, so a broadcast to a busy socket costs the sender nothing and many frames share one syscall.
 */
final class WebSocketConnection
        implements ServerConnection,
                Transport,
                IntSupplier,
                BooleanSupplier,
                Supplier<ByteBudget>,
                WebSocketFrameReader.Input {
    private static final System.Logger LOGGER = System.getLogger(WebSocketConnection.class.getName());
    /**
     * A write's bytes at most (one larger packet goes alone): a write that ends is how a session shows it is not
     * stalled ({@link OutboundBacklog}), and 64 KiB take half a second at 1 Mbit/s.
     */
    private static final long MAX_BATCH_BYTES = 64 * 1024;

    private static final Duration CLOSE_GRACE = Duration.ofSeconds(1);
    /**
     * A closing connection still writes what was queued before its close frame, but is cut off when its writer
     * moves nothing for this long, or when the whole takes longer than {@link #CLOSE_LIMIT}: a peer that stops
     * reading (or reads a trickle) would otherwise hold the socket, its writer and its queue after its session
     * has ended and given back its place under the session limits.
     */
    private static final Duration CLOSE_STALL = Duration.ofSeconds(5);

    private static final Duration CLOSE_LIMIT = Duration.ofSeconds(60);
    /**
     * After a packet that must reach the client in a read of its own, what follows waits this long. With
     * TCP_NODELAY two writes microseconds apart can still land in one read of the client; a millisecond keeps
     * them apart (as Nagle's algorithm used to), and it is paid once per namespace connection.
     */
    private static final long ALONE_PAUSE_MICROS = 1_000;

    private static final VarHandle PROBE_REPLY = VarHandles.field(MethodHandles.lookup(), "probeReply", byte[].class);
    private static final VarHandle PONG = VarHandles.field(MethodHandles.lookup(), "pong", byte[].class);
    private static final VarHandle WRITE_SCHEDULED =
            VarHandles.field(MethodHandles.lookup(), "writeScheduled", boolean.class);
    private static final VarHandle CLOSE_REQUESTED =
            VarHandles.field(MethodHandles.lookup(), "closeRequested", boolean.class);
    private static final VarHandle CLOSE_WRITTEN =
            VarHandles.field(MethodHandles.lookup(), "closeWritten", CompletableFuture.class);

    private final ConnectionContext ctx;
    private final EngineServer server;
    /**
     * The request of the session this connection opens, until it is opened; null for an upgrade, whose session has
     * its own: an upgrading client's headers (cookies included) are not kept twice for the socket's life.
     */
    private HandshakeRequest opening;

    private final Optional<EngineSession> upgradeOf;
    private final DataReader reader;
    private final WebSocketFrameReader frames;
    /** Whether the socket's read buffer can be resized ({@link SocketReadBuffer}); fixed at the upgrade. */
    private final boolean resizable;
    /** The read buffer is sized for a long frame being read; only the reader thread touches it. */
    private boolean busy;
    /**
     * Frames the connection itself answers with (the probe reply, a pong), outside the session's queue. One of each
     * at most: a peer that pings (or probes) without reading cannot make them pile up; as RFC 6455 allows, only the
     * latest ping is answered.
     */
    private volatile byte[] probeReply; // taken through PROBE_REPLY

    private volatile byte[] pong; // taken through PONG
    // plain fields updated through VarHandles, not atomics: an idle connection pays for every object it holds (W3)
    private volatile boolean writeScheduled; // through WRITE_SCHEDULED
    private volatile boolean closeRequested; // set once, through CLOSE_REQUESTED
    private volatile EngineSession session;
    private volatile boolean attached;
    private volatile byte[] pendingClose;
    private volatile boolean closeSent;
    private volatile boolean running = true;
    /** Set by collect() when the batch ends with a packet flushed alone; only the writer task touches it. */
    private boolean pauseAfterBatch;

    private volatile Thread readerThread;
    /** The timer that cuts a closing connection off; cancelled when the connection ends, so it holds nothing. */
    private volatile ScheduledFuture<?> closeDeadline;
    /** Writes done, by the one writer at a time; the close deadline reads it to tell a stalled writer. */
    private volatile int writes;

    private volatile boolean ended;
    /** Completed once the close frame is written; made by the first to ask (an idle socket never closes, W3). */
    private volatile CompletableFuture<Void> closeWritten; // through CLOSE_WRITTEN

    WebSocketConnection(
            ConnectionContext ctx, EngineServer server, HandshakeRequest request, Optional<EngineSession> upgradeOf) {
        this.ctx = ctx;
        this.server = server;
        this.opening = upgradeOf.isEmpty() ? request : null;
        this.upgradeOf = upgradeOf;
        // on the connection's thread, before its first WebSocket read: an idle socket keeps this buffer for its life
        this.resizable = SocketReadBuffer.shrink(ctx.serverSocket());
        this.reader = ctx.dataReader();
        this.frames = new WebSocketFrameReader(this, this, this, this);
    }

    @Override
    public String name() {
        return "websocket";
    }

    @Override
    public void attach(EngineSession owner) {
        session = owner;
        attached = true;
    }

    @Override
    public void handle(Limit limit) {
        readerThread = Thread.currentThread();
        CloseReason endReason = CloseReason.TRANSPORT_CLOSE;
        try {
            if (upgradeOf.isEmpty()) {
                HandshakeRequest request = opening;
                opening = null;
                server.openSession(request, this);
            }
            while (running && dispatch(frames.next())) {
                // one frame at a time
            }
        } catch (WebSocketFrameReader.Violation violation) {
            endReason = CloseReason.TRANSPORT_ERROR;
            closeAndWait(violation.code(), violation.getMessage());
            discardUntilClosed();
        } catch (DataReader.InsufficientDataAvailableException e) {
            endReason = CloseReason.TRANSPORT_CLOSE;
        } catch (RuntimeException e) {
            // socket closed under us (shutdown, forced close) or a read failed
            endReason = closeRequested ? CloseReason.FORCED_CLOSE : CloseReason.TRANSPORT_ERROR;
            if (!(e.getCause() instanceof java.io.IOException) && !closeRequested) {
                LOGGER.log(System.Logger.Level.DEBUG, "websocket read failed", e);
            }
        } finally {
            running = false;
            ended = true;
            ScheduledFuture<?> deadline = closeDeadline;
            if (deadline != null) {
                deadline.cancel(false);
            }
            frames.release();
            EngineSession current = session;
            if (attached && current != null) {
                current.transportClosed(this, endReason);
            } else {
                upgradeOf.ifPresent(upgrading -> upgrading.abortUpgrade(this));
            }
        }
    }

    /** Acts on one frame from the reader; false once the peer's close frame ends the reading. */
    private boolean dispatch(Frame frame) {
        switch (frame) {
            case WebSocketFrameReader.Text text -> receive(text.text(), null);
            case WebSocketFrameReader.Binary binary -> receive(null, binary.data());
            case WebSocketFrameReader.Ping ping -> {
                pong = WebSocketFrames.frame(WebSocketFrames.OP_PONG, ping.payload());
                wake();
            }
            case WebSocketFrameReader.Close close -> {
                if (!closeSent) {
                    requestClose(WebSocketFrames.CLOSE_NORMAL, "");
                    awaitFlush();
                }
                return false;
            }
        }
        return true;
    }

    private void receive(String text, byte[] binary) {
        if (attached) {
            if (text != null) {
                session.receiveText(text);
            } else {
                session.receiveBinary(binary);
            }
            return;
        }
        // the upgrade handshake, which the session's upgrade runs: "2probe" → "3probe", then "5"
        if (text == null || !upgradeOf.orElseThrow().receiveUpgrade(this, text)) {
            throw new WebSocketFrameReader.Violation(WebSocketFrames.CLOSE_POLICY, "upgrade failed");
        }
    }

    /** On the reader thread: the probe's reply, written before anything else is read. */
    void answerProbe() {
        probeReply = EnginePacket.PROBE_REPLY.wsFrame();
        // nothing else writes to this socket before the upgrade completes, and a client may act on the reply
        // at once
        if (WRITE_SCHEDULED.compareAndSet(this, false, true)) {
            writeLoop();
        }
    }

    /** The upgrade did not complete in time. */
    void upgradeTimedOut() {
        requestClose(WebSocketFrames.CLOSE_POLICY, "upgrade timeout");
    }

    /**
     * For the frame reader, which asks before each frame (the connection itself, not a lambda of it: 16 bytes each per
     * idle socket, W3): {@link #maxMessageBytes()}.
     */
    @Override
    public int getAsInt() {
        return maxMessageBytes();
    }

    /** For the frame reader, likewise: {@link #restricted()}. */
    @Override
    public boolean getAsBoolean() {
        return restricted();
    }

    /** For the frame reader, likewise: what the session's messages take their bytes from now. */
    @Override
    public ByteBudget get() {
        EngineSession current = currentSession();
        return current == null ? server.unrestrictedMessageBytes() : current.messageBytes();
    }

    /** The session's current limit: before an upgrade completes, the limit of the session being upgraded. */
    private int maxMessageBytes() {
        EngineSession current = currentSession();
        return current == null ? server.config().maxPayload() : current.maxMessageBytes();
    }

    /** Whether the session (or, before an upgrade completes, the session being upgraded) is restricted. */
    private boolean restricted() {
        EngineSession current = currentSession();
        return current != null && current.restricted();
    }

    /** The session this connection carries, or before an upgrade completes the session being upgraded; else null. */
    private EngineSession currentSession() {
        EngineSession current = session;
        return current != null ? current : upgradeOf.orElse(null);
    }

    // --- writing -----------------------------------------------------------------------------------------

    @Override
    public void wake() {
        // a broadcast wakes every recipient: while a writer is scheduled already, a read is all it costs (a failed
        // compare-and-set still takes the cache line)
        if (!writeScheduled && WRITE_SCHEDULED.compareAndSet(this, false, true)) {
            server.executor().execute(this::writeLoop);
        }
    }

    private void writeLoop() {
        try {
            while (true) {
                Frames batch = collect();
                if (batch.isEmpty()) {
                    writeScheduled = false;
                    if (!somethingToWrite() || !WRITE_SCHEDULED.compareAndSet(this, false, true)) {
                        return;
                    }
                    continue;
                }
                try {
                    FrameWrites.write(batch.frames, batch.bytes, ctx.dataWriter()::writeNow);
                } finally {
                    batch.sent();
                }
                writes++;
                if (closeSent && !closeWritten().isDone()) {
                    closeWritten().complete(null);
                    afterCloseSent();
                }
                if (pauseAfterBatch) {
                    pauseAfterBatch = false;
                    // still the one writer: writeScheduled stays set, so nobody else writes in the pause
                    later(() -> server.executor().execute(this::writeLoop), ALONE_PAUSE_MICROS, TimeUnit.MICROSECONDS);
                    return;
                }
            }
        } catch (RuntimeException e) {
            writeScheduled = false;
            LOGGER.log(System.Logger.Level.DEBUG, "websocket write failed", e);
            forceClose();
        }
    }

    private boolean somethingToWrite() {
        return probeReply != null
                || pong != null
                || (attached && session.hasQueued() && !closeSent)
                || (pendingClose != null && !closeSent);
    }

    private Frames collect() {
        Frames batch = new Frames();
        if (closeSent) {
            probeReply = null;
            pong = null;
            return batch;
        }
        batch.addIfSet((byte[]) PROBE_REPLY.getAndSet(this, (byte[]) null));
        batch.addIfSet((byte[]) PONG.getAndSet(this, (byte[]) null));
        EngineSession current = session;
        if (attached && current != null) {
            batch.heldFor(current);
            current.drain(MAX_BATCH_BYTES, Integer.MAX_VALUE, packet -> {
                batch.add(packet);
                pauseAfterBatch = packet.flushAfter();
            });
        }
        byte[] close = pendingClose;
        if (close != null && (current == null || !attached || !current.hasQueued())) {
            batch.add(close);
            closeSent = true;
        }
        return batch;
    }

    /** The frames of one write ({@link FrameWrites} writes them), and the session bytes they hold until written. */
    private static final class Frames {
        private final List<byte[]> frames = new ArrayList<>();
        private int bytes;
        /** The session whose queued bytes this batch holds until it is written, and how many. */
        private EngineSession heldFor;

        private long held;

        void heldFor(EngineSession session) {
            heldFor = session;
        }

        /** A packet of {@link #heldFor}'s queue. */
        void add(EnginePacket packet) {
            add(packet.wsFrame());
            held += packet.size();
        }

        /** The write is over: the session's bytes are not held any more. */
        void sent() {
            if (heldFor != null) {
                heldFor.sent(held);
            }
        }

        void add(byte[] frame) {
            frames.add(frame);
            bytes += frame.length;
        }

        void addIfSet(byte[] frame) {
            if (frame != null) {
                add(frame);
            }
        }

        boolean isEmpty() {
            return frames.isEmpty();
        }
    }

    @Override
    public void closeFromServer() {
        if (!ended) {
            requestClose(WebSocketFrames.CLOSE_NORMAL, "");
        }
    }

    @Override
    public void abort() {
        forceClose();
    }

    /** Queues a close frame after everything already queued; the connection ends once it is written. */
    private void requestClose(int code, String reason) {
        if (CLOSE_REQUESTED.compareAndSet(this, false, true)) {
            pendingClose = WebSocketFrames.closeFrame(code, reason);
            wake();
            watchClosing(System.nanoTime() + CLOSE_LIMIT.toNanos(), writes);
        }
    }

    /** Cuts the closing connection off unless its writer moves on within {@link #CLOSE_STALL}, and by the limit. */
    private void watchClosing(long limitNanos, int writesBefore) {
        later(
                        () -> {
                            int now = writes;
                            if (now == writesBefore || System.nanoTime() - limitNanos >= 0) {
                                forceClose();
                            } else if (!ended) {
                                watchClosing(limitNanos, now);
                            }
                        },
                        CLOSE_STALL.toMillis(),
                        TimeUnit.MILLISECONDS)
                .ifPresent(deadline -> {
                    closeDeadline = deadline;
                    if (ended) {
                        deadline.cancel(false);
                    }
                });
    }

    private void afterCloseSent() {
        // the peer should answer with its close frame; if it does not, do not wait for it forever
        later(this::forceClose, CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs a task on the engine's timer; empty once the timer has stopped (the server is shutting down). */
    private Optional<ScheduledFuture<?>> later(Runnable task, long delay, TimeUnit unit) {
        try {
            return Optional.of(server.scheduler().schedule(task, delay, unit));
        } catch (RejectedExecutionException e) {
            return Optional.empty();
        }
    }

    /** On the reader thread: send a close frame now and stop reading. */
    private void closeAndWait(int code, String reason) {
        requestClose(code, reason);
        awaitFlush();
        running = false;
    }

    /**
     * After a close for bad input, reads and drops what the peer still sends (the rest of an oversize frame,
     * say) until it closes or the grace period ends: closing a socket with unread data resets it, and the
     * peer could lose the close frame that says why.
     */
    private void discardUntilClosed() {
        long budget = 16L * 1024 * 1024;
        try {
            while (budget > 0) {
                reader.ensureAvailable();
                int available = reader.available();
                reader.skip(available);
                budget -= available;
            }
        } catch (RuntimeException e) {
            // the peer closed, or the grace period closed the socket: either way we are done
        }
    }

    private void awaitFlush() {
        try {
            closeWritten().get(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // the peer is gone or not reading; the connection ends anyway
        }
    }

    private CompletableFuture<Void> closeWritten() {
        CompletableFuture<Void> written = closeWritten;
        if (written == null) {
            CompletableFuture<Void> fresh = new CompletableFuture<>();
            @SuppressWarnings("unchecked")
            CompletableFuture<Void> raced =
                    (CompletableFuture<Void>) CLOSE_WRITTEN.compareAndExchange(this, null, fresh);
            written = raced == null ? fresh : raced;
        }
        return written;
    }

    private void forceClose() {
        running = false;
        closeRequested = true;
        try {
            ctx.serverSocket().close();
        } catch (RuntimeException e) {
            LOGGER.log(System.Logger.Level.TRACE, "closing socket", e);
        }
    }

    @Override
    public Duration idleTime() {
        // liveness is the Engine.IO heartbeat's job; Helidon's idle timer must not close a quiet chat socket
        return Duration.ZERO;
    }

    @Override
    public void close(boolean interrupt) {
        // the server is stopping
        EngineSession current = session;
        if (current != null && attached) {
            current.close(CloseReason.SERVER_SHUTDOWN);
        } else {
            requestClose(WebSocketFrames.CLOSE_GOING_AWAY, "server shutting down");
        }
        Thread thread = readerThread;
        if (interrupt && thread != null) {
            forceClose();
        }
    }

    // --- the frame reader's input: the connection itself, not two wrappers of its reader (48 bytes and a stack frame
    // per idle socket, W3). It keeps the socket's read buffer at SocketReadBuffer.BYTES while it waits for a frame (an
    // idle socket waits for minutes), and gives it one the size of a longer frame's rest (at most
    // SocketReadBuffer.BUSY_BYTES) while that frame is read, dropped once it is whole.

    @Override
    public byte read() {
        return reader.read();
    }

    @Override
    public byte[] readBytes(int length) {
        return reader.readBytes(length);
    }

    @Override
    public void frameAhead(long bytes) {
        if (!resizable) {
            return;
        }
        long toRead = bytes - reader.available();
        if (toRead > SocketReadBuffer.BYTES) {
            busy = SocketReadBuffer.set(ctx.serverSocket(), (int) Math.min(toRead, SocketReadBuffer.BUSY_BYTES));
        }
    }

    @Override
    public void frameDone() {
        if (busy) {
            busy = false;
            SocketReadBuffer.shrink(ctx.serverSocket());
        }
    }
}
