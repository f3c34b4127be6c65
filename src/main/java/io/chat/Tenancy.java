package io.chat;

import io.chat.admin.Metrics;
import io.chat.chat.ChatService;
import io.chat.cluster.ClusterLink;
import io.chat.cluster.ClusterPeers;
import io.chat.history.H2TenantStore;
import io.chat.history.PostgresDatabase;
import io.chat.socketio.SocketIoServer;
import io.chat.socketio.redis.ClusterStats;
import io.chat.socketio.redis.RedisAdapterConfig;
import io.chat.socketio.redis.RedisCluster;
import io.chat.tenant.FolderTenantCatalog;
import io.chat.tenant.SharedTenantCatalog;
import io.chat.tenant.TenantCatalog;
import io.chat.tenant.TenantRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/**
 * Where the tenants live and who hears of their changes: a folder per tenant on one node, or, in a cluster, the
 * shared PostgreSQL database, with the other nodes told over Redis. Part of {@link Main}'s wiring; closed after the
 * registry.
 */
record Tenancy(
        TenantCatalog catalog,
        TenantRegistry.TenantListener listener,
        Optional<ClusterLink> link,
        List<AutoCloseable> parts)
        implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(Tenancy.class.getName());

    /** How long a node waits for the others' answers to a cluster request (fetching sockets for a list). */
    private static final Duration CLUSTER_REQUESTS_TIMEOUT = Duration.ofSeconds(1);

    /** The tenancy {@code settings} ask for: cluster mode when they name PostgreSQL and Redis, else the folder. */
    static Tenancy of(Settings settings, SocketIoServer io, ChatService chat, Metrics metrics, ExecutorService reads) {
        return settings.cluster()
                .map(cluster -> cluster(cluster, io, chat, metrics, reads))
                .orElseGet(() -> new Tenancy(
                        FolderTenantCatalog.create(
                                settings.tenantsDir(), H2TenantStore.opener(reads, metrics, settings.durability())),
                        TenantRegistry.TenantListener.all(chat, metrics),
                        Optional.empty(),
                        List.of()));
    }

    @Override
    public void close() {
        for (AutoCloseable part : parts) {
            try {
                part.close();
            } catch (Exception e) {
                LOGGER.log(
                        System.Logger.Level.WARNING,
                        "event=stop part=" + part.getClass().getSimpleName() + " outcome=failed");
            }
        }
    }

    /**
     * Cluster mode: the tenants in PostgreSQL, every namespace's rooms shared over Redis (the Socket.IO Redis adapter,
     * set before the first namespace), presence and limits counted across nodes, and the link that tells the other
     * nodes what changes here.
     */
    private static Tenancy cluster(
            Settings.Cluster cluster, SocketIoServer io, ChatService chat, Metrics metrics, ExecutorService reads) {
        PostgresDatabase postgres = PostgresDatabase.open(
                cluster.postgresUrl(),
                new PostgresDatabase.Login(cluster.postgresUser(), cluster.postgresPassword()),
                cluster.appUser().isBlank()
                        ? Optional.empty()
                        : Optional.of(new PostgresDatabase.Login(cluster.appUser(), cluster.appPassword())),
                PostgresDatabase.DEFAULT_POOL_SIZE,
                reads,
                metrics);
        RedisCluster redis;
        try {
            // the other nodes see a socket's user (presence:list and rooms:list fetch every node's sockets), and a
            // request waits CLUSTER_REQUESTS_TIMEOUT at most for them, answering with what came
            redis = RedisCluster.connect(RedisAdapterConfig.defaults(cluster.redisUrl())
                    .withSocketData(ChatService::socketData)
                    // a socket's token must not leave the node: every subscriber of Redis reads fetchSockets answers
                    .withoutCredentials()
                    .withRequestsTimeout(CLUSTER_REQUESTS_TIMEOUT));
        } catch (RuntimeException e) {
            postgres.close();
            // not the URL, which may hold a password, and not one quoted in Lettuce's message either
            throw new IllegalStateException(
                    "cannot connect to Redis (CHAT_REDIS_URL): "
                            + Settings.Cluster.redacted(String.valueOf(e.getMessage())),
                    e);
        }
        io.adapter(redis.adapterFactory());
        metrics.clusterLink(redis::connected, () -> {
            ClusterStats stats = redis.stats();
            return stats.publishesFailed() + stats.publishesDropped();
        });
        ClusterPeers peers;
        try {
            peers = new ClusterPeers(redis);
        } catch (RuntimeException e) {
            redis.close();
            postgres.close();
            throw e;
        }
        chat.shareWith(peers);
        ClusterLink link = new ClusterLink(io, chat);
        TenantCatalog catalog =
                new SharedTenantCatalog(postgres.tenantRecords(), postgres::forTenant, link::tenantsChanged);
        return new Tenancy(
                catalog,
                // the other nodes told first: this node's own revocations wait for its sockets' writes
                TenantRegistry.TenantListener.all(link, chat, metrics),
                Optional.of(link),
                List.of(link, peers, postgres, redis));
    }
}
