package io.chat.socketio.engine;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;

/**
 * The WebSocket transport, owning the connection after the HTTP upgrade.
 * <p>
 * Helidon gives this connection one virtual thread, which alone reads frames. Writes never happen on a
 * caller's thread: senders queue, and one writer task at a time drains everything queued into a single
 * socket write, so a broadcast to a busy socket costs the sender nothing and many frames share one syscall.
 */
final class WebSocketConnection implements ServerConnection, Transport {
    private static final System.Logger LOGGER = System.getLogger(WebSocketConnection.class.getName());
    private static final long MAX_BATCH_BYTES = 256 * 1024;
    private static final int MAX_FRAGMENTS = 1024;
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(1);
    /**
     * After a packet that must reach the client in a read of its own, what follows waits this long. With
     * TCP_NODELAY two writes microseconds apart can still land in one read of the client; a millisecond keeps
     * them apart (as Nagle's algorithm used to), and it is paid once per namespace connection.
     */
    private static final long ALONE_PAUSE_MICROS = 1_000;

    private final ConnectionContext ctx;
    private final EngineServer server;
    private final HandshakeRequest request;
    private final Optional<EngineSession> upgradeOf;
    private final DataReader reader;
    /**
     * Frames the connection itself answers with (the probe reply, a pong), outside the session's queue. One of each
     * at most: a peer that pings (or probes) without reading cannot make them pile up; as RFC 6455 allows, only the
     * latest ping is answered.
     */
    private final AtomicReference<byte[]> probeReply = new AtomicReference<>();
    private final AtomicReference<byte[]> pong = new AtomicReference<>();
    private final AtomicBoolean writeScheduled = new AtomicBoolean();
    private final AtomicBoolean closeRequested = new AtomicBoolean();
    private volatile EngineSession session;
    private volatile boolean attached;
    private volatile byte[] pendingClose;
    private volatile boolean closeSent;
    private volatile boolean running = true;
    /** Set by collect() when the batch ends with a packet flushed alone; only the writer task touches it. */
    private boolean pauseAfterBatch;
    private volatile Thread readerThread;
    /** Closes a WebSocket whose upgrade did not complete in time; cancelled once {@code "5"} completes it. */
    private ScheduledFuture<?> upgradeTimer;
    private final java.util.concurrent.CompletableFuture<Void> closeWritten = new java.util.concurrent.CompletableFuture<>();

    WebSocketConnection(ConnectionContext ctx, EngineServer server, HandshakeRequest request,
                        Optional<EngineSession> upgradeOf) {
        this.ctx = ctx;
        this.server = server;
        this.request = request;
        this.upgradeOf = upgradeOf;
        this.reader = ctx.dataReader();
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
            if (upgradeOf.isPresent()) {
                upgradeTimer = server.scheduler().schedule(() -> abort(WebSocketFrames.CLOSE_POLICY, "upgrade timeout"),
                                                           server.config().upgradeTimeout().toMillis(),
                                                           TimeUnit.MILLISECONDS);
            } else {
                server.openSession(request, this);
            }
            while (running) {
                Optional<Message> message = readMessage();
                if (message.isEmpty()) {
                    break;
                }
                dispatch(message.get());
            }
        } catch (ProtocolViolation violation) {
            endReason = CloseReason.TRANSPORT_ERROR;
            closeAndWait(violation.code, violation.getMessage());
            discardUntilClosed();
        } catch (DataReader.InsufficientDataAvailableException e) {
            endReason = CloseReason.TRANSPORT_CLOSE;
        } catch (RuntimeException e) {
            // socket closed under us (shutdown, forced close) or a read failed
            endReason = closeRequested.get() ? CloseReason.FORCED_CLOSE : CloseReason.TRANSPORT_ERROR;
            if (!(e.getCause() instanceof java.io.IOException) && !closeRequested.get()) {
                LOGGER.log(System.Logger.Level.DEBUG, "websocket read failed", e);
            }
        } finally {
            running = false;
            cancelUpgradeTimer();
            EngineSession current = session;
            if (attached && current != null) {
                current.transportClosed(this, endReason);
            } else {
                upgradeOf.ifPresent(EngineSession::abortUpgrade);
            }
        }
    }

    private void dispatch(Message message) {
        if (attached) {
            if (message.text != null) {
                session.receiveText(message.text);
            } else {
                session.receiveBinary(message.binary);
            }
            return;
        }
        // upgrade handshake: "2probe" → "3probe", then "5" switches the session over
        EngineSession target = upgradeOf.orElseThrow();
        if ("2probe".equals(message.text)) {
            probeReply.set(EnginePacket.PROBE_REPLY.wsFrame());
            // written before anything else is read: nothing else writes to this socket before the upgrade
            // completes, and a client may act on the reply at once
            if (writeScheduled.compareAndSet(false, true)) {
                writeLoop();
            }
            target.probeAnswered();
        } else if ("5".equals(message.text)) {
            // the upgrade is complete: from now on only the heartbeat decides whether this connection lives
            cancelUpgradeTimer();
            attach(target);
            target.completeUpgrade(this);
        } else {
            throw new ProtocolViolation(WebSocketFrames.CLOSE_POLICY, "upgrade failed");
        }
    }

    private void cancelUpgradeTimer() {
        ScheduledFuture<?> timer = upgradeTimer;
        if (timer != null) {
            timer.cancel(false);
        }
    }

    // --- reading -----------------------------------------------------------------------------------------

    private record Message(String text, byte[] binary) {
    }

    /** Reads frames until one whole data message arrived; handles control frames on the way. */
    private Optional<Message> readMessage() {
        int messageOpcode = -1;
        byte[] assembled = null;
        int assembledLength = 0;
        int fragments = 0;
        int maxPayload = maxMessageBytes();
        while (true) {
            int b0 = reader.read() & 0xFF;
            int b1 = reader.read() & 0xFF;
            boolean fin = (b0 & 0x80) != 0;
            int opcode = b0 & 0x0F;
            if ((b0 & 0x70) != 0) {
                throw new ProtocolViolation(WebSocketFrames.CLOSE_PROTOCOL_ERROR, "reserved bits set");
            }
            if ((b1 & 0x80) == 0) {
                throw new ProtocolViolation(WebSocketFrames.CLOSE_PROTOCOL_ERROR, "unmasked frame");
            }
            long length = b1 & 0x7F;
            if (length == 126) {
                length = ((reader.read() & 0xFF) << 8) | (reader.read() & 0xFF);
            } else if (length == 127) {
                length = 0;
                for (int i = 0; i < 8; i++) {
                    length = (length << 8) | (reader.read() & 0xFF);
                }
                if (length < 0) {
                    throw new ProtocolViolation(WebSocketFrames.CLOSE_PROTOCOL_ERROR, "bad length");
                }
            }
            boolean control = opcode >= 0x8;
            if (control && (!fin || length > 125)) {
                throw new ProtocolViolation(WebSocketFrames.CLOSE_PROTOCOL_ERROR, "bad control frame");
            }
            if (!control && assembledLength + length > maxPayload) {
                throw new ProtocolViolation(WebSocketFrames.CLOSE_TOO_BIG, "message too big");
            }
            byte[] mask = reader.readBytes(4);
            byte[] payload = length == 0 ? new byte[0] : reader.readBytes((int) length);
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i & 3];
            }
            switch (opcode) {
            case WebSocketFrames.OP_PING -> {
                pong.set(WebSocketFrames.frame(WebSocketFrames.OP_PONG, payload));
                wake();
            }
            case WebSocketFrames.OP_PONG -> {
                // unsolicited pong: nothing to do
            }
            case WebSocketFrames.OP_CLOSE -> {
                onCloseFrame(payload);
                return Optional.empty();
            }
            case WebSocketFrames.OP_TEXT, WebSocketFrames.OP_BINARY, WebSocketFrames.OP_CONTINUATION -> {
                if (opcode == WebSocketFrames.OP_CONTINUATION) {
                    if (messageOpcode < 0) {
                        throw new ProtocolViolation(WebSocketFrames.CLOSE_PROTOCOL_ERROR, "unexpected continuation");
                    }
                } else {
                    if (messageOpcode >= 0) {
                        throw new ProtocolViolation(WebSocketFrames.CLOSE_PROTOCOL_ERROR, "expected continuation");
                    }
                    messageOpcode = opcode;
                }
                if (++fragments > MAX_FRAGMENTS) {
                    throw new ProtocolViolation(WebSocketFrames.CLOSE_TOO_BIG, "too many fragments");
                }
                if (fin && assembled == null) {
                    return Optional.of(toMessage(messageOpcode, payload));
                }
                if (assembled == null) {
                    assembled = new byte[Math.max(payload.length * 2, 1024)];
                }
                if (assembledLength + payload.length > assembled.length) {
                    assembled = java.util.Arrays.copyOf(assembled,
                                                        Math.min(maxPayload,
                                                                 Math.max(assembled.length * 2,
                                                                          assembledLength + payload.length)));
                }
                System.arraycopy(payload, 0, assembled, assembledLength, payload.length);
                assembledLength += payload.length;
                if (fin) {
                    return Optional.of(toMessage(messageOpcode, java.util.Arrays.copyOf(assembled, assembledLength)));
                }
            }
            default -> throw new ProtocolViolation(WebSocketFrames.CLOSE_PROTOCOL_ERROR, "unknown opcode");
            }
        }
    }

    /** The session's current limit: before an upgrade completes, the limit of the session being upgraded. */
    private int maxMessageBytes() {
        EngineSession current = session;
        if (current == null) {
            current = upgradeOf.orElse(null);
        }
        return current == null ? server.config().maxPayload() : current.maxMessageBytes();
    }

    private static Message toMessage(int opcode, byte[] payload) {
        if (opcode == WebSocketFrames.OP_BINARY) {
            return new Message(null, payload);
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(payload))
                    .toString();
            return new Message(text, null);
        } catch (CharacterCodingException e) {
            throw new ProtocolViolation(WebSocketFrames.CLOSE_INVALID_DATA, "invalid utf-8");
        }
    }

    private void onCloseFrame(byte[] payload) {
        if (payload.length == 1) {
            closeAndWait(WebSocketFrames.CLOSE_PROTOCOL_ERROR, "bad close frame");
            return;
        }
        if (!closeSent) {
            int code = WebSocketFrames.CLOSE_NORMAL;
            requestClose(code, "");
            awaitFlush();
        }
    }

    // --- writing -----------------------------------------------------------------------------------------

    @Override
    public void wake() {
        if (writeScheduled.compareAndSet(false, true)) {
            server.executor().execute(this::writeLoop);
        }
    }

    private void writeLoop() {
        try {
            while (true) {
                List<BufferData> batch = collect();
                if (batch.isEmpty()) {
                    writeScheduled.set(false);
                    if (!somethingToWrite() || !writeScheduled.compareAndSet(false, true)) {
                        return;
                    }
                    continue;
                }
                ctx.dataWriter().writeNow(batch.toArray(BufferData[]::new));
                if (closeSent && !closeWritten.isDone()) {
                    closeWritten.complete(null);
                    afterCloseSent();
                }
                if (pauseAfterBatch) {
                    pauseAfterBatch = false;
                    // still the one writer: writeScheduled stays set, so nobody else writes in the pause
                    server.scheduler().schedule(() -> server.executor().execute(this::writeLoop),
                                                ALONE_PAUSE_MICROS, TimeUnit.MICROSECONDS);
                    return;
                }
            }
        } catch (RuntimeException e) {
            writeScheduled.set(false);
            LOGGER.log(System.Logger.Level.DEBUG, "websocket write failed", e);
            forceClose();
        }
    }

    private boolean somethingToWrite() {
        return probeReply.get() != null || pong.get() != null
                || (attached && session.hasQueued() && !closeSent)
                || (pendingClose != null && !closeSent);
    }

    private List<BufferData> collect() {
        List<BufferData> batch = new ArrayList<>();
        if (closeSent) {
            probeReply.set(null);
            pong.set(null);
            return batch;
        }
        for (AtomicReference<byte[]> direct : List.of(probeReply, pong)) {
            byte[] frame = direct.getAndSet(null);
            if (frame != null) {
                batch.add(BufferData.create(frame));
            }
        }
        EngineSession current = session;
        if (attached && current != null) {
            for (EnginePacket packet : current.drain(MAX_BATCH_BYTES, Integer.MAX_VALUE)) {
                batch.add(BufferData.create(packet.wsFrame()));
                pauseAfterBatch = packet.flushAfter();
            }
        }
        byte[] close = pendingClose;
        if (close != null && (current == null || !attached || !current.hasQueued())) {
            batch.add(BufferData.create(close));
            closeSent = true;
        }
        return batch;
    }

    @Override
    public void closeFromServer() {
        requestClose(WebSocketFrames.CLOSE_NORMAL, "");
    }

    /** Queues a close frame after everything already queued; the connection ends once it is written. */
    private void requestClose(int code, String reason) {
        if (closeRequested.compareAndSet(false, true)) {
            pendingClose = WebSocketFrames.closeFrame(code, reason);
            wake();
        }
    }

    private void afterCloseSent() {
        // the peer should answer with its close frame; if it does not, do not wait for it forever
        server.scheduler().schedule(this::forceClose, CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
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
            closeWritten.get(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // the peer is gone or not reading; the connection ends anyway
        }
    }

    /** Called on protocol failures found outside the reader (upgrade timeout). */
    private void abort(int code, String reason) {
        requestClose(code, reason);
    }

    private void forceClose() {
        running = false;
        closeRequested.set(true);
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

    /** A frame-level error found by the reader: close with its code and a short fixed reason. */
    private static final class ProtocolViolation extends RuntimeException {
        private final int code;

        ProtocolViolation(int code, String reason) {
            super(reason, null, false, false);
            this.code = code;
        }
    }
}
