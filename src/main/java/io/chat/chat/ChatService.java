package io.chat.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chat.json.Json;
import io.chat.socketio.Socket;
import io.chat.socketio.SocketIoServer;
import io.chat.tenant.Tenant;
import io.chat.tenant.TenantId;
import io.chat.tenant.TenantRegistry;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

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
    /** Who else holds a tenant's presence, sockets and rate: nobody on a single node; set once, before any tenant. */
    private volatile Peers.Factory peers = Peers.ALONE;
    /** Session tokens refused per tenant and client network, at CONNECT and over REST alike. */
    private final TokenRefusals tokenRefusals;

    /**
     * @param network what a client address counts under in per-address limits (an IPv6 address by its /64)
     */
    public ChatService(SocketIoServer io, Clock clock, UnaryOperator<String> network) {
        this.io = io;
        this.clock = clock;
        this.tokenRefusals = new TokenRefusals(network, System.nanoTime());
        this.expiries = new ScheduledThreadPoolExecutor(
                1, Thread.ofPlatform().name("chat-expiry").daemon().factory());
        this.expiries.setRemoveOnCancelPolicy(true);
    }

    /**
     * Shares every tenant's presence, socket quotas and message rate with the other nodes of a cluster. Called before
     * the first tenant opens (tenants opened before keep this node's own figures).
     */
    public void shareWith(Peers.Factory cluster) {
        this.peers = Objects.requireNonNull(cluster, "cluster");
    }

    /**
     * Checks a session token a client at {@code address} sent {@code tenant} outside a CONNECT (REST history, resume,
     * logout) as a CONNECT's is: {@code check} looks it up, and its refusal (empty) counts against the client's network
     * ({@link TokenRefusals}); {@code check} checks {@code token}. Each lookup is a read of the tenant's store, so random tokens from one address slowed
     * every user of the tenant (a review: ~1,900 such requests at once made signed-in users' history reads fail).
     *
     * @throws TooManyRefusedTokens before any lookup, while the network has no refusals left for the tenant (tenants
     *     that store no tokens, JWT ones, never count: their tokens are checked by signature)
     */
    public <T> Optional<T> checkToken(Tenant tenant, String address, String token, Supplier<Optional<T>> check) {
        return tokenRefusals.check(tenant, address, token, check);
    }

    /** Counts a login attempt of {@code user} across the cluster (see {@link Peers.Factory#takeLoginAttempt}). */
    public boolean takeLoginAttempt(Tenant tenant, String user, String network) {
        return peers.takeLoginAttempt(tenant, user, network);
    }

    /** A wrong password for {@code user} from {@code network}, told to the cluster's count. */
    public void loginFailed(Tenant tenant, String user, String network) {
        peers.loginFailed(tenant, user, network);
    }

    /** {@code user} signed in: their attempts count afresh across the cluster. */
    public void loginSucceeded(Tenant tenant, String user, String network) {
        peers.loginSucceeded(tenant, user, network);
    }

    /**
     * The public data of a socket of a tenant's namespace that other nodes see ({@code fetchSockets}' {@code data}):
     * its user's name, nothing else; an empty object for a socket that is not (yet) a chat user's.
     */
    public static ObjectNode socketData(Socket socket) {
        ObjectNode data = Json.mapper().createObjectNode();
        if (socket.data().get(ChatUser.KEY) instanceof ChatUser user) {
            data.put(USER_FIELD, user.username());
        }
        return data;
    }

    /** The field of {@link #socketData} that names the user. */
    public static final String USER_FIELD = "user";

    @Override
    public void close() {
        expiries.shutdownNow();
    }

    @Override
    public void opened(Tenant tenant) {
        TenantChat chat = new TenantChat(tenant, io.of(tenant.id().namespace()), clock, expiries, peers, tokenRefusals);
        chat.install();
        chats.put(tenant.id(), chat);
    }

    @Override
    public void suspended(Tenant tenant) {
        chat(tenant).ifPresent(chat -> chat.disconnectAll().join());
    }

    @Override
    public void resumed(Tenant tenant) {
        // the middleware reads the live definition: new connections are accepted again
    }

    @Override
    public void deleting(Tenant tenant) {
        TenantChat chat = chats.remove(tenant.id());
        if (chat != null) {
            chat.close();
        }
        io.removeNamespace(tenant.id().namespace());
    }

    /**
     * Drops the user's sockets; returns once the writes they had started are stored and answered (at most {@link
     * TenantChat#REVOKED_WRITES_WAIT}): none is stored on their behalf after this. So for the two below.
     */
    @Override
    public void sessionsEnded(Tenant tenant, String username, String keptTokenKey) {
        chat(tenant)
                .ifPresent(chat -> chat.disconnectUser(username, keptTokenKey).join());
    }

    @Override
    public void tokenRevoked(Tenant tenant, String tokenKey) {
        chat(tenant).ifPresent(chat -> chat.disconnectToken(tokenKey).join());
    }

    /**
     * Takes a token from the user's event bucket ({@code eventsPerSecond}, {@code eventBurst}), the one the user's
     * sockets take from for every event but {@code message:send}: a REST read costs what a socket's read costs.
     * True when there was one (or the tenant has no namespace, so nothing to share).
     */
    public boolean tryEvent(Tenant tenant, String username) {
        return chat(tenant).map(chat -> chat.tryEvent(username)).orElse(true);
    }

    /** Tells the tenant's sockets (every node's) that a user's display name changed: {@code user:updated}. */
    public void userUpdated(Tenant tenant, String username, Optional<String> displayName) {
        chat(tenant).ifPresent(chat -> chat.userUpdated(username, displayName));
    }

    public void announce(Tenant tenant, String text) {
        chat(tenant).ifPresent(chat -> chat.announce(text, clock.instant().truncatedTo(ChronoUnit.MILLIS)));
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
