package io.chat.chat;

import io.chat.socketio.SocketIoServer;
import io.chat.tenant.Tenant;
import io.chat.tenant.TenantId;
import io.chat.tenant.TenantRegistry;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * Binds each live tenant to its Socket.IO namespace and keeps the two in step: provisioned → live at once,
 * suspended → sockets dropped and new ones refused, deleted → namespace gone. Close it once the server has
 * stopped.
 */
public final class ChatService implements TenantRegistry.TenantListener, AutoCloseable {
    private final SocketIoServer io;
    private final Clock clock;
    private final ConcurrentHashMap<TenantId, TenantChat> chats = new ConcurrentHashMap<>();
    /** One timer per connected socket, for when its credential expires; cancelled timers leave at once. */
    private final ScheduledThreadPoolExecutor expiries;

    public ChatService(SocketIoServer io, Clock clock) {
        this.io = io;
        this.clock = clock;
        this.expiries = new ScheduledThreadPoolExecutor(
                1, Thread.ofPlatform().name("chat-expiry").daemon().factory());
        this.expiries.setRemoveOnCancelPolicy(true);
    }

    @Override
    public void close() {
        expiries.shutdownNow();
    }

    @Override
    public void opened(Tenant tenant) {
        TenantChat chat = new TenantChat(tenant, io.of(tenant.id().namespace()), clock, expiries);
        chat.install();
        chats.put(tenant.id(), chat);
    }

    @Override
    public void suspended(Tenant tenant) {
        chat(tenant).ifPresent(TenantChat::disconnectAll);
    }

    @Override
    public void resumed(Tenant tenant) {
        // the middleware reads the live definition: new connections are accepted again
    }

    @Override
    public void deleting(Tenant tenant) {
        chats.remove(tenant.id());
        io.removeNamespace(tenant.id().namespace());
    }

    @Override
    public void userDeleted(Tenant tenant, String username) {
        chat(tenant).ifPresent(chat -> chat.disconnectUser(username));
    }

    @Override
    public void tokenRevoked(Tenant tenant, String tokenKey) {
        chat(tenant).ifPresent(chat -> chat.disconnectToken(tokenKey));
    }

    /**
     * Takes a token from the user's event bucket ({@code eventsPerSecond}, {@code eventBurst}), the one the user's
     * sockets take from for every event but {@code message:send}: a REST read costs what a socket's read costs.
     * True when there was one (or the tenant has no namespace, so nothing to share).
     */
    public boolean tryEvent(Tenant tenant, String username) {
        return chat(tenant).map(chat -> chat.tryEvent(username)).orElse(true);
    }

    public void announce(Tenant tenant, String text) {
        chat(tenant).ifPresent(chat -> chat.announce(text, clock.instant()));
    }

    /** Live figures of a tenant's namespace. */
    public record LiveFigures(int sockets, int rooms) {}

    public LiveFigures figures(Tenant tenant) {
        return chat(tenant)
                .map(c -> new LiveFigures(c.namespace().socketCount(), c.roomsInUse()))
                .orElse(new LiveFigures(0, 0));
    }

    private Optional<TenantChat> chat(Tenant tenant) {
        return Optional.ofNullable(chats.get(tenant.id()));
    }
}
