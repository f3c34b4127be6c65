package io.chat.socketio.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One Engine.IO session: its outbound queue, its current transport, its heartbeat.
 * <p>
 * Any thread may {@link #send} (it only enqueues); exactly one transport consumer drains the queue at a time,
 * so packets leave in the order they were queued and no two threads ever write one connection.
 */
public final class EngineSession {
    private static final System.Logger LOGGER = System.getLogger(EngineSession.class.getName());

    private static final Duration UPGRADE_NOOP_DELAY = Duration.ofMillis(100);

    private static final VarHandle QUEUED_BYTES = VarHandles.field(MethodHandles.lookup(), "queuedBytes", long.class);
    private static final VarHandle CLOSED = VarHandles.field(MethodHandles.lookup(), "closed", boolean.class);
    private static final VarHandle OVERFLOWED = VarHandles.field(MethodHandles.lookup(), "overflowed", boolean.class);

    private final String id;
    private final HandshakeRequest handshake;
    private final EngineServer server;
    private final Outbox outbox = new Outbox();
    // plain fields updated through VarHandles, not atomics: an idle session pays for every object it holds (W3)
    private volatile long queuedBytes; // through QUEUED_BYTES
    /**
     * Since when, on {@link OutboundBacklog}'s clock, this session has had bytes queued and none written: the later of
     * when its queue last went from empty to not and when a write of it last ended.
     */
    private volatile long busySince;

    private volatile long lastSent;

    private volatile boolean closed; // set once, through CLOSED
    private volatile boolean overflowed; // set once, through OVERFLOWED
    private volatile Transport transport;
    /** The long-polling transport the session was opened on; null if it was opened on a WebSocket. */
    private final PollingTransport polling;

    /** Null for a session opened on a WebSocket, which starts and stays {@link Upgrade.State#UPGRADED}. */
    private final Upgrade<WebSocketConnection> upgrade;

    private volatile EngineListener listener;
    /** The largest message accepted now: the configured one, or less while the layer above restricts it. */
    private volatile int maxMessageBytes;

    /**
     * What its messages past their free bytes take from: the engine's budget for restricted sessions, or the part of
     * the other sessions' budget the layer above gave it (its group's: a tenant's namespace), or that whole budget.
     */
    private volatile ByteBudget messageBytes;
    /** Outbound bytes that may wait before the session is closed, likewise. */
    private volatile long maxQueueBytes;

    /*
     * Its place in the engine's Heartbeats (one timer task for all sessions: a task of its own cost an idle socket
     * about 100 bytes, W3), guarded by that object: the neighbours in its list, since when it waits for its ping
     * (System.nanoTime()) and what it waits for.
     */
    EngineSession heartbeatPrev;
    EngineSession heartbeatNext;

    long heartbeatBase;
    byte heartbeatState = Heartbeats.NONE;

    EngineSession(
            String id, HandshakeRequest handshake, EngineServer server, Transport transport, PollingTransport polling) {
        this.id = id;
        this.handshake = handshake;
        this.server = server;
        this.transport = transport;
        this.polling = polling;
        // a session opened on a WebSocket is UPGRADED for good: no upgrade to keep (W3: 80 bytes per idle socket)
        this.upgrade = polling == null
                ? null
                : new Upgrade<>(
                        Upgrade.State.POLLING,
                        new UpgradeEffects(),
                        (task, delay) -> {
                            ScheduledFuture<?> timer =
                                    server.scheduler().schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
                            return () -> timer.cancel(false);
                        },
                        server.config().upgradeTimeout(),
                        UPGRADE_NOOP_DELAY);
        this.maxMessageBytes = server.config().maxPayload();
        this.maxQueueBytes = server.config().maxQueueBytes();
        this.messageBytes = server.messageBudgets().unrestricted();
    }

    public String id() {
        return id;
    }

    public HandshakeRequest handshake() {
        return handshake;
    }

    /** {@code polling} or {@code websocket}. */
    public String transportName() {
        return transport.name();
    }

    public boolean isOpen() {
        return !closed;
    }

    /** Adds {@code bytes} (less than 0: taken out) to the bytes queued; returns the new total. */
    private long addQueued(long bytes) {
        return (long) QUEUED_BYTES.getAndAdd(this, bytes) + bytes;
    }

    /** Bytes that may still be queued before the session is closed for a full queue (0 when none). */
    public long queueRoom() {
        return Math.max(0, maxQueueBytes - queuedBytes);
    }

    /** Outbound bytes waiting for the transport. */
    public long queuedBytes() {
        return queuedBytes;
    }

    /**
     * Lowers this session's message size and outbound queue limits to {@code bytes} (never above the configured
     * ones) until {@link #unrestrict}: the layer above bounds what a client may make the server hold before it
     * has proved who it is.
     */
    public void restrict(int bytes) {
        maxMessageBytes = Math.min(bytes, server.config().maxPayload());
        maxQueueBytes = Math.min(bytes, server.config().maxQueueBytes());
        messageBytes = server.messageBudgets().restricted();
    }

    /**
     * Back to the configured limits, its messages past their free bytes taking from {@code messageBytes}: a {@link
     * ByteBudget#part part} of {@link EngineServer#unrestrictedMessageBytes()}, so that one group of sessions cannot
     * take it all from the others.
     */
    public void unrestrict(ByteBudget messageBytes) {
        maxMessageBytes = server.config().maxPayload();
        maxQueueBytes = server.config().maxQueueBytes();
        this.messageBytes = messageBytes;
    }

    /** Restricted: its messages also take their bytes from what all restricted sessions may hold together. */
    boolean restricted() {
        return messageBytes == server.messageBudgets().restricted();
    }

    /** What its messages past their free bytes take from now. */
    ByteBudget messageBytes() {
        return messageBytes;
    }

    int maxPacketsPerPoll() {
        return server.config().maxPacketsPerPoll();
    }

    /** The largest message (WebSocket message or polling POST body) this session accepts now. */
    int maxMessageBytes() {
        return maxMessageBytes;
    }

    /** Queues one packet; never blocks. A session whose queue passes its byte limit is closed. */
    public void send(EnginePacket packet) {
        if (enqueue(packet)) {
            transport.wake();
        }
    }

    /** Queues packets that must stay together (a Socket.IO packet and its binary attachments). */
    public void send(List<EnginePacket> packets) {
        for (EnginePacket packet : packets) {
            if (!enqueue(packet)) {
                return;
            }
        }
        transport.wake();
    }

    /**
     * Closes the session from the server's side. Idempotent. What is queued still reaches the client, then the
     * close: on a WebSocket before its close frame; on long-polling in the polls to come, the last one ending
     * with the close packet, so the sid stays findable until then (or briefly, if no poll comes), unless the
     * client is not listening any more (a ping timeout, an overflowed queue).
     */
    public void close(CloseReason reason) {
        if (!reason.clientListening()) {
            if (end(reason)) {
                transport.abort(); // a client not listening: what it holds goes now, not after a wait for it to read
            }
            return;
        }
        Optional<PollingTransport> onPolling = pollingTransport();
        if (onPolling.isEmpty()) {
            if (end(reason)) {
                transport.closeFromServer();
            }
            return;
        }
        if (end(reason, false)) {
            onPolling.get().closeFromServer();
            unregisterLater();
        }
    }

    private boolean enqueue(EnginePacket packet) {
        if (closed) {
            return false;
        }
        long queued = addQueued(packet.size());
        long limit = maxQueueBytes;
        if (queued > limit) {
            overflow("engine.io session closed: outbound queue over " + limit + " bytes", false);
            return false;
        }
        if (queued == packet.size()) {
            busySince = server.outboundBacklog().now(); // it was empty
        }
        // past its free bytes, all sessions' backlogs are counted at the engine timer's next look (OutboundBacklog): a
        // crowd of slow readers each under its own limit could hold the heap otherwise
        if (queued > OutboundBacklog.FREE_BYTES) {
            server.outboundBacklog().behind();
        }
        outbox.add(packet);
        return true;
    }

    /** Closes the session for what it holds (once; never on the sender's thread); {@code backlog}: for the crowd's. */
    void overflow(String why, boolean backlog) {
        if (!OVERFLOWED.compareAndSet(this, false, true)) {
            return;
        }
        server.countQueueOverflow();
        if (backlog) {
            server.countBacklogOverflow();
        }
        LOGGER.log(System.Logger.Level.INFO, why);
        // closing may write; never do that on the sender's thread, which may be another connection's
        server.executor().execute(() -> close(CloseReason.QUEUE_OVERFLOW));
    }

    /**
     * Since when (on {@link OutboundBacklog}'s clock) the session has had bytes queued and not one of its writes ended;
     * meaningful while {@link #queuedBytes} is not 0.
     */
    long stalledSince() {
        return Math.max(busySince, lastSent);
    }

    /** Only the current consumer calls it. */
    boolean hasQueued() {
        return !outbox.isEmpty();
    }

    /**
     * Takes queued packets, up to about {@code maxBytes} and at most {@code maxPackets} (at least one). Only the
     * current consumer calls it; their bytes count as queued until it calls {@link #sent} with their {@link
     * EnginePacket#size()}s (a slow reader's write holds them as much as the queue did).
     */
    List<EnginePacket> drain(long maxBytes, int maxPackets) {
        List<EnginePacket> taken = new ArrayList<>();
        drain(maxBytes, maxPackets, taken::add);
        return taken;
    }

    /** As {@link #drain(long, int)}, handing each packet to {@code sink} in order instead of collecting them. */
    void drain(long maxBytes, int maxPackets, Consumer<EnginePacket> sink) {
        long bytes = 0;
        int count = 0;
        EnginePacket packet;
        while (bytes < maxBytes && count < maxPackets && (packet = outbox.poll()) != null) {
            sink.accept(packet);
            count++;
            bytes += packet.size();
            if (packet.flushAfter()) {
                break;
            }
        }
    }

    /** Drained packets of {@code bytes} in all have been written (or their write failed): they are held no more. */
    void sent(long bytes) {
        addQueued(-bytes);
        lastSent = server.outboundBacklog().now();
    }

    void listener(EngineListener listener) {
        this.listener = listener;
    }

    Transport transport() {
        return transport;
    }

    /** Handles one text packet from the client (type digit first). */
    void receiveText(String packet) {
        EnginePacketType type =
                packet.isEmpty() ? null : EnginePacketType.of(packet.charAt(0)).orElse(null);
        if (type == null) {
            close(CloseReason.PARSE_ERROR);
            return;
        }
        switch (type) {
            case MESSAGE -> deliver(packet.substring(1));
            case PONG -> onPong();
            case PING -> send(EnginePacket.of(EnginePacketType.PONG, packet.substring(1)));
            case CLOSE -> closeByClient(CloseReason.TRANSPORT_CLOSE);
            case NOOP -> {
                // nothing to do
            }
            case OPEN, UPGRADE -> close(CloseReason.PARSE_ERROR);
        }
    }

    void receiveBinary(byte[] data) {
        if (!closed) {
            try {
                listener.onBinary(this, data);
            } catch (RuntimeException e) {
                LOGGER.log(System.Logger.Level.WARNING, "engine.io listener failed on a binary message", e);
            }
        }
    }

    private void deliver(String text) {
        if (!closed) {
            try {
                listener.onMessage(this, text);
            } catch (RuntimeException e) {
                LOGGER.log(System.Logger.Level.WARNING, "engine.io listener failed on a message", e);
            }
        }
    }

    /** The transport ended by itself (peer closed, I/O error). */
    void transportClosed(Transport which, CloseReason reason) {
        if (which == transport) {
            end(reason);
        }
    }

    /** The client said goodbye: a poll still waiting is released with a noop; there is no one left to tell. */
    void closeByClient(CloseReason reason) {
        Optional<PollingTransport> onPolling = pollingTransport();
        if (onPolling.isEmpty()) {
            if (end(reason, true)) {
                transport.closeFromServer();
            }
            return;
        }
        // the client may have sent its close while a poll was on its way: that poll still gets its noop,
        // so the session stays findable until it comes (or briefly, if it never does)
        if (end(reason, false)) {
            onPolling.get().releaseAfterClientClose();
            unregisterLater();
        }
    }

    /** A closed polling session's sid stays valid for its last poll, for as long as a poll may take to come. */
    private void unregisterLater() {
        server.scheduler()
                .schedule(
                        () -> server.removeSession(this),
                        server.config().pingTimeout().toMillis(),
                        TimeUnit.MILLISECONDS);
    }

    private boolean end(CloseReason reason) {
        return end(reason, true);
    }

    private boolean end(CloseReason reason, boolean unregister) {
        if (!CLOSED.compareAndSet(this, false, true)) {
            return false;
        }
        server.sessionEnded(this);
        server.heartbeats().stop(this);
        if (unregister) {
            server.removeSession(this);
        }
        // a WebSocket still probing or upgrading must not complete the upgrade onto the ended session, and one
        // that completed it meanwhile is closed here or by switchTo(), which sets the transport, then reads closed
        if (upgrade != null) {
            upgrade.abandon().ifPresent(WebSocketConnection::closeFromServer);
        }
        if (transport instanceof WebSocketConnection webSocket) {
            webSocket.closeFromServer();
        }
        EngineListener current = listener;
        if (current != null) {
            try {
                current.onClose(this, reason);
            } catch (RuntimeException e) {
                LOGGER.log(System.Logger.Level.WARNING, "engine.io listener failed on close", e);
            }
        }
        return true;
    }

    // --- upgrade -----------------------------------------------------------------------------------------

    /** A WebSocket asks to take over this polling session; only one may try at a time. */
    boolean beginUpgrade(WebSocketConnection candidate) {
        return !closed && upgrade != null && upgrade.begin(candidate);
    }

    /**
     * A text packet on the WebSocket before it completed the upgrade ({@code "2probe"}, then {@code "5"});
     * false when it has no place in the upgrade.
     */
    boolean receiveUpgrade(WebSocketConnection candidate, String packet) {
        return upgrade != null && upgrade.receive(candidate, packet);
    }

    /** The WebSocket ended before it completed the upgrade: the session goes on polling. */
    void abortUpgrade(WebSocketConnection candidate) {
        if (upgrade != null) {
            upgrade.end(candidate);
        }
    }

    Upgrade.State upgradeState() {
        return upgrade == null ? Upgrade.State.UPGRADED : upgrade.state();
    }

    /** The upgrade's effects on this session's transports. */
    private final class UpgradeEffects implements Upgrade.Effects<WebSocketConnection> {
        @Override
        public void answerProbe(WebSocketConnection candidate) {
            candidate.answerProbe();
        }

        @Override
        public void pausePolling() {
            polling.releaseWithNoop();
        }

        @Override
        public void resumePolling() {
            polling.upgradeAborted();
        }

        @Override
        public void switchTo(WebSocketConnection candidate) {
            // polling first: once retired, no poll drains the queue and no POST delivers any more, so the
            // WebSocket is the session's one reader and one writer from here on
            if (!polling.retire()) {
                // a POST still under way: the client did not pause polling before "5", as the protocol asks
                candidate.closeFromServer();
                close(CloseReason.TRANSPORT_ERROR);
                return;
            }
            candidate.attach(EngineSession.this);
            transport = candidate;
            if (closed) {
                // the session ended while the upgrade completed: end() may have closed the polling transport
                candidate.closeFromServer();
            } else {
                candidate.wake();
            }
        }

        @Override
        public void timedOut(WebSocketConnection candidate) {
            candidate.upgradeTimedOut();
        }
    }

    // --- heartbeat ---------------------------------------------------------------------------------------

    void startHeartbeat() {
        server.heartbeats().restart(this);
    }

    /** For {@link Heartbeats}: whether the session has ended. */
    boolean heartbeatClosed() {
        return closed;
    }

    /** On the timer thread, when the ping is due ({@link Heartbeats}, which then waits for its pong). */
    void pingDue() {
        send(EnginePacket.PING_PACKET);
    }

    /**
     * On the timer thread: the sid stops being valid at once (a request arriving now gets 400), and the rest of
     * the closing, which runs listeners, happens off the timer thread.
     */
    void pingTimedOut() {
        server.removeSession(this);
        server.executor().execute(() -> close(CloseReason.PING_TIMEOUT));
    }

    private void onPong() {
        // the next ping is due pingInterval from now, and the timeout of this one is off
        server.heartbeats().restart(this);
    }

    void unregister() {
        server.removeSession(this);
    }

    /** The long-polling transport while it is the session's transport. */
    Optional<PollingTransport> pollingTransport() {
        return polling != null && transport == polling ? Optional.of(polling) : Optional.empty();
    }

    @Override
    public String toString() {
        return "EngineSession[" + id + ", " + transport.name() + "]";
    }
}
