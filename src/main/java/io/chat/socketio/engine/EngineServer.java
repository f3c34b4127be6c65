package io.chat.socketio.engine;

import io.helidon.webserver.http.HttpRouting;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * An Engine.IO v4 endpoint on Helidon: sessions, their transports, their heartbeats.
 * Register its HTTP routes with {@link #routing(HttpRouting.Builder)} and its WebSocket upgrade with
 * {@link EngineUpgrader}.
 */
public final class EngineServer {
    private static final System.Logger LOGGER = System.getLogger(EngineServer.class.getName());

    private static final SecureRandom RANDOM = new SecureRandom();

    private final EngineConfig config;
    private final Function<EngineSession, EngineListener> sessionOpened;
    private final ConcurrentHashMap<String, EngineSession> sessions = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor scheduler;
    /**
     * A virtual thread per task (a socket's write round, a close): unnamed and untracked, since nothing waits for them
     * at shutdown. A named thread-per-task executor built a name per write round: 17 of the 148 samples of a message's
     * fan-out in a W2 profile (JFR), besides its set of live threads.
     */
    private final Executor executor = Thread::startVirtualThread;

    private final LongAdder queueOverflows = new LongAdder();
    private final LongAdder backlogOverflows = new LongAdder();
    private final LongAdder sessionsOpened = new LongAdder();
    private final LongAdder sessionsRefused = new LongAdder();
    private final MessageBudgets messageBudgets =
            MessageBudgets.forHeap(Runtime.getRuntime().maxMemory());
    private final OutboundBacklog outboundBacklog;
    private final SessionAdmission admission;
    private final Heartbeats heartbeats;
    /** Set when shutdown begins: from then on handshakes and upgrades are refused before anything starts. */
    private volatile boolean stopping;

    private EngineServer(EngineConfig config, Function<EngineSession, EngineListener> sessionOpened) {
        this.config = config;
        this.sessionOpened = sessionOpened;
        this.scheduler = new ScheduledThreadPoolExecutor(
                1, Thread.ofPlatform().name("engine.io-timer").daemon().factory());
        this.scheduler.setRemoveOnCancelPolicy(true);
        this.outboundBacklog = new OutboundBacklog(config.maxBacklogBytes());
        this.scheduler.scheduleWithFixedDelay(
                this::countBacklog, OutboundBacklog.TICK_MILLIS, OutboundBacklog.TICK_MILLIS, TimeUnit.MILLISECONDS);
        this.admission =
                new SessionAdmission(config.maxSessions(), config.maxSessionsPerAddress(), config.clientAddresses());
        this.heartbeats = new Heartbeats(
                scheduler, config.pingInterval().toNanos(), config.pingTimeout().toNanos());
    }

    /**
     * An endpoint; {@code sessionOpened} is asked for the listener of each new session, before its first
     * packet arrives.
     */
    public static EngineServer create(EngineConfig config, Function<EngineSession, EngineListener> sessionOpened) {
        return new EngineServer(config, sessionOpened);
    }

    public EngineConfig config() {
        return config;
    }

    /** Adds the polling routes (every method, so that wrong ones get the protocol's 400). */
    public void routing(HttpRouting.Builder routing) {
        String bare = config.path().substring(0, config.path().length() - 1);
        routing.any(bare + "[/]", new PollingHandler(this));
    }

    public Collection<EngineSession> sessions() {
        return List.copyOf(sessions.values());
    }

    /** Sessions open now (a closed polling session's sid may stay known a little longer, for its last poll). */
    public int sessionCount() {
        return (int) sessions.values().stream().filter(EngineSession::isOpen).count();
    }

    /** Sessions closed because their outbound queue passed {@link EngineConfig#maxQueueBytes()}. */
    public long queueOverflows() {
        return queueOverflows.sum();
    }

    /**
     * Of {@link #queueOverflows}, the sessions closed because all sessions' backlogs together passed {@link
     * EngineConfig#maxBacklogBytes()}, their own queue under its limit.
     */
    public long backlogOverflows() {
        return backlogOverflows.sum();
    }

    void countBacklogOverflow() {
        backlogOverflows.increment();
    }

    public long sessionsOpened() {
        return sessionsOpened.sum();
    }

    /**
     * Messages of restricted sessions refused because the bytes all of them may hold at once were taken (the
     * connection is closed: WebSocket 1013, polling 503).
     */
    public long restrictedRefusals() {
        return messageBudgets.restricted().refusals();
    }

    /**
     * Messages of the other sessions refused because the bytes all of them may hold at once past each message's free
     * ones were taken (closed likewise).
     */
    public long unrestrictedRefusals() {
        return messageBudgets.unrestricted().refusals();
    }

    /**
     * What the messages of unrestricted sessions may hold together past their free bytes: give each group of sessions
     * a {@link ByteBudget#part part} of it ({@link EngineSession#unrestrict}).
     */
    public ByteBudget unrestrictedMessageBytes() {
        return messageBudgets.unrestricted();
    }

    MessageBudgets messageBudgets() {
        return messageBudgets;
    }

    OutboundBacklog outboundBacklog() {
        return outboundBacklog;
    }

    private void countBacklog() {
        try {
            outboundBacklog.tick(sessions.values());
        } catch (Throwable e) {
            // a periodic task that throws is never run again (an OutOfMemoryError too: the moment this is for)
            try {
                LOGGER.log(System.Logger.Level.WARNING, "outbound backlog count failed", e);
            } catch (Throwable logging) {
                // the count goes on at the next look all the same
            }
        }
    }

    /** Handshakes refused because a session cap was reached or the server was stopping. */
    public long sessionsRefused() {
        return sessionsRefused.sum();
    }

    /**
     * Refuses new sessions and upgrades from now on (503), so that no client starts a connection the stopping
     * server cannot serve; the sessions already open go on until {@link #shutdown}.
     */
    public void stopAccepting() {
        stopping = true;
    }

    /** Refuses new sessions, closes every session; the server should stop right after. */
    public void shutdown() {
        stopping = true;
        for (EngineSession session : sessions.values()) {
            session.close(CloseReason.SERVER_SHUTDOWN);
        }
        scheduler.shutdownNow();
    }

    Optional<EngineSession> session(String id) {
        return Optional.ofNullable(sessions.get(id));
    }

    /**
     * Whether a new session (or an upgrade of one) may start now. A new session takes a slot that
     * {@link #sessionEnded} gives back; {@code newSession} false only asks whether the server is stopping.
     */
    boolean admit(HandshakeRequest request, boolean newSession) {
        if (stopping || (newSession && !admission.tryAdmit(request.remoteAddress()))) {
            sessionsRefused.increment();
            return false;
        }
        return true;
    }

    /** Gives back the slot of an admitted session that never opened. */
    void abandon(HandshakeRequest request) {
        admission.release(request.remoteAddress());
    }

    /** Opens a session admitted by {@link #admit}, on long-polling: it may upgrade later. */
    EngineSession openSession(HandshakeRequest request, PollingTransport polling) {
        return open(request, polling, polling);
    }

    /** Opens a session admitted by {@link #admit}, on its WebSocket for good. */
    EngineSession openSession(HandshakeRequest request, WebSocketConnection webSocket) {
        return open(request, webSocket, null);
    }

    private EngineSession open(HandshakeRequest request, Transport transport, PollingTransport polling) {
        String id = newId();
        EngineSession session = new EngineSession(id, request, this, transport, polling);
        transport.attach(session);
        sessions.put(id, session);
        sessionsOpened.increment();
        session.send(EnginePacket.of(EnginePacketType.OPEN, openData(id, polling != null)));
        session.listener(sessionOpened.apply(session));
        session.startHeartbeat();
        return session;
    }

    private String openData(String id, boolean canUpgrade) {
        return "{\"sid\":\"" + id + "\",\"upgrades\":" + (canUpgrade ? "[\"websocket\"]" : "[]")
                + ",\"pingInterval\":" + config.pingInterval().toMillis()
                + ",\"pingTimeout\":" + config.pingTimeout().toMillis()
                + ",\"maxPayload\":" + config.maxPayload() + "}";
    }

    void removeSession(EngineSession session) {
        sessions.remove(session.id(), session);
    }

    /** A session ended (once per session): its slot is free, even if its sid stays known a little longer. */
    void sessionEnded(EngineSession session) {
        admission.release(session.handshake().remoteAddress());
    }

    void countQueueOverflow() {
        queueOverflows.increment();
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    Heartbeats heartbeats() {
        return heartbeats;
    }

    Executor executor() {
        return executor;
    }

    static String newId() {
        byte[] bytes = new byte[15];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
