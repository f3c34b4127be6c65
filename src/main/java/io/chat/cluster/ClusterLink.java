package io.chat.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.chat.chat.ChatService;
import io.chat.socketio.ConnectRejection;
import io.chat.socketio.Namespace;
import io.chat.socketio.SocketIoServer;
import io.chat.socketio.redis.RedisAdapter;
import io.chat.socketio.redis.RedisCluster;
import io.chat.tenant.Tenant;
import io.chat.tenant.TenantRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Keeps this node in step with the others. Outgoing: a change of the shared tenant catalog ({@link #tenantsChanged},
 * which the catalog calls once the change is stored), a user's ended sessions (the user deleted, their password reset
 * or changed) and a revoked session (as a tenant listener) are sent to the other nodes. Incoming: a catalog change
 * makes the registry {@linkplain TenantRegistry#sync sync}; ended sessions disconnect this node's sockets of them.
 * Incoming events are applied to the chat directly, never through the registry's listener, so nothing is sent back.
 *
 * <p>A notice lost while Redis is down is made up for: the registry also syncs every {@link #SYNC_EVERY}; sessions
 * are never cached by a node of a cluster, so a revoked one is refused by every node at once; and a socket that was
 * connected before the revocation, on a node that missed the notice, is dropped at the next sync by the database's
 * own record of ended sessions ({@link MissedRevocations}).
 */
public final class ClusterLink implements TenantRegistry.TenantListener, AutoCloseable {
    /** The namespace whose server-side events carry the nodes' notices: the main one, never a tenant's. */
    static final String CONTROL_NAMESPACE = "/";

    /** What a client is told when it connects to a namespace that does not exist. */
    private static final String INVALID_NAMESPACE = "Invalid namespace";

    static final String TENANTS_CHANGED = "chat:tenants-changed";
    static final String SESSIONS_ENDED = "chat:sessions-ended";
    static final String TOKEN_REVOKED = "chat:token-revoked";
    static final Duration SYNC_EVERY = Duration.ofSeconds(5);

    private static final System.Logger LOGGER = System.getLogger(ClusterLink.class.getName());

    private final RedisAdapter control;
    private final ChatService chat;
    private final ScheduledExecutorService syncs;
    /** Used by the periodic sync's thread only. */
    private final MissedRevocations missedRevocations;

    private volatile TenantRegistry registry;

    public ClusterLink(SocketIoServer io, ChatService chat) {
        // no client belongs here: a CONNECT to it is refused as one to a namespace that does not exist
        Namespace namespace = io.of(CONTROL_NAMESPACE).use(socket -> {
            throw new ConnectRejection(INVALID_NAMESPACE);
        });
        this.control = RedisCluster.of(namespace);
        this.chat = Objects.requireNonNull(chat, "chat");
        this.missedRevocations = new MissedRevocations(chat::tokenRevoked);
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(
                1, Thread.ofPlatform().name("cluster-sync").daemon().factory());
        timer.setRemoveOnCancelPolicy(true);
        this.syncs = timer;
    }

    /** Starts applying the other nodes' notices to {@code tenants}, and syncing it every {@link #SYNC_EVERY}. */
    public void start(TenantRegistry tenants) {
        this.registry = Objects.requireNonNull(tenants, "tenants");
        control.onServerSideEmit(TENANTS_CHANGED, (args, ack) -> sync());
        control.onServerSideEmit(
                SESSIONS_ENDED,
                (args, ack) -> onTenant(args, 2, (tenant, values) -> chat.sessionsEnded(tenant, values[0], values[1])));
        control.onServerSideEmit(
                TOKEN_REVOKED,
                (args, ack) -> onTenant(args, 1, (tenant, values) -> chat.tokenRevoked(tenant, values[0])));
        long every = SYNC_EVERY.toMillis();
        syncs.scheduleWithFixedDelay(this::periodicSync, every, every, TimeUnit.MILLISECONDS);
    }

    /** The shared catalog changed through this node: the others read it again. */
    public void tenantsChanged() {
        control.serverSideEmit(TENANTS_CHANGED);
    }

    @Override
    public void sessionsEnded(Tenant tenant, String username, String keptTokenKey) {
        control.serverSideEmit(SESSIONS_ENDED, tenant.id().value(), username, keptTokenKey);
    }

    @Override
    public void tokenRevoked(Tenant tenant, String tokenKey) {
        control.serverSideEmit(TOKEN_REVOKED, tenant.id().value(), tokenKey);
    }

    @Override
    public void opened(Tenant tenant) {
        // told through the catalog (tenantsChanged), which also sees the syncs' openings: no notice here
    }

    @Override
    public void suspended(Tenant tenant) {}

    @Override
    public void resumed(Tenant tenant) {}

    @Override
    public void deleting(Tenant tenant) {}

    @Override
    public void close() {
        syncs.shutdownNow();
    }

    private void periodicSync() {
        sync();
        TenantRegistry tenants = registry;
        try {
            int revoked = missedRevocations.catchUp(tenants);
            if (revoked > 0) {
                LOGGER.log(System.Logger.Level.DEBUG, "event=revocations-catch-up revoked=" + revoked);
            }
        } catch (RuntimeException e) {
            LOGGER.log(System.Logger.Level.WARNING, "event=revocations-catch-up outcome=failed");
        }
    }

    private void sync() {
        TenantRegistry tenants = registry;
        if (tenants == null) {
            return;
        }
        try {
            int changed = tenants.sync();
            if (changed > 0) {
                LOGGER.log(System.Logger.Level.DEBUG, "event=cluster-sync changed=" + changed);
            }
        } catch (RuntimeException e) {
            // the shared database is down: the next notice or period tries again
            LOGGER.log(System.Logger.Level.WARNING, "event=cluster-sync outcome=failed");
        }
    }

    /** Applies a notice naming a tenant of this node and {@code values} strings (user names, token keys). */
    private void onTenant(List<JsonNode> args, int values, TenantAction action) {
        if (args.size() != 1 + values || !args.stream().allMatch(JsonNode::isTextual)) {
            return;
        }
        TenantRegistry tenants = registry;
        if (tenants != null) {
            String[] texts = args.stream().skip(1).map(JsonNode::asText).toArray(String[]::new);
            tenants.find(args.get(0).asText()).ifPresent(tenant -> action.apply(tenant, texts));
        }
    }

    @FunctionalInterface
    private interface TenantAction {
        void apply(Tenant tenant, String[] values);
    }
}
