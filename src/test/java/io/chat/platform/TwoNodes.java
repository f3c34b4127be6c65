package io.chat.platform;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.Settings;
import io.chat.testing.ChildPlatform;
import io.chat.testing.PostgresServer;
import io.chat.testing.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Two nodes of a cluster started as users start the platform ({@code Main.startPlatform} with {@code
 * CHAT_POSTGRES_URL} and {@code CHAT_REDIS_URL}), on the shared test PostgreSQL and a Redis of their own that only
 * its user (the nodes' URL holds the credentials) may use, as {@code scripts/cluster} starts it; the official Java
 * client with its default options. Closes the clients it opened, then the nodes and Redis.
 */
final class TwoNodes implements AutoCloseable {
    /** A change through one node reaches every node within this (three times it, on a busy machine). */
    static final Duration ACROSS_NODES = Duration.ofSeconds(2);

    final PlatformServer a;
    final PlatformServer b;
    private final RedisServer redis;
    private final Settings.Cluster cluster;
    private final List<ChatClient> clients = new ArrayList<>();

    private TwoNodes(RedisServer redis, Settings.Cluster cluster, PlatformServer a, PlatformServer b) {
        this.redis = redis;
        this.cluster = cluster;
        this.a = a;
        this.b = b;
    }

    static TwoNodes start(String name) throws Exception {
        PostgresServer postgres = PostgresServer.shared();
        String url =
                postgres.createDatabase(name + "_" + ProcessHandle.current().pid());
        RedisServer redis = RedisServer.startAuthenticated(name);
        PlatformServer a = null;
        try {
            Settings.Cluster cluster =
                    new Settings.Cluster(url, postgres.ownerUser(), postgres.ownerPassword(), redis.uri());
            a = PlatformServer.start(node(cluster));
            return new TwoNodes(redis, cluster, a, PlatformServer.start(node(cluster)));
        } catch (Exception | Error e) {
            if (a != null) {
                a.close();
            }
            redis.close();
            throw e;
        }
    }

    /** A node's settings: a tenants folder of its own, the tests' admin, {@code cluster}. */
    static Settings node(Settings.Cluster cluster) throws Exception {
        return Settings.forTests(
                        Files.createTempDirectory("cluster-node"),
                        PlatformServer.ADMIN_USER,
                        PlatformServer.ADMIN_PASSWORD)
                .toBuilder()
                .cluster(cluster)
                .build();
    }

    /** Stops the Redis both nodes share and starts it again, empty (it keeps nothing on disk). */
    void restartRedis() throws Exception {
        redis.stop();
        redis.start();
    }

    /** The Redis both nodes share, with the nodes' credentials, e.g. to listen to what crosses it. */
    String redisUri() {
        return redis.uri();
    }

    RedisServer redis() {
        return redis;
    }

    /** A password tenant made through node A with these limits (JSON, or null) and users, once live on node B. */
    String tenant(String limitsJson, String... users) {
        String tenant = TestTenants.newId("cp");
        TestTenants.passwordTenant(a, tenant, limitsJson, users);
        awaitServed(b, tenant, ACROSS_NODES);
        return tenant;
    }

    /**
     * Waits until {@code node} serves a tenant made through another node: it does once it has read the shared
     * catalog, which its admin lookup of the tenant syncs.
     */
    static void awaitServed(PlatformServer node, String tenant, Duration bound) {
        awaitWithin(
                bound, () -> node.admin("GET", "/admin/tenants/" + tenant, null).statusCode() == 200);
    }

    /** A third node of the same cluster in a child JVM, to be killed; the caller kills it. */
    ChildPlatform startChild() throws Exception {
        Path dir = Files.createTempDirectory("cluster-child");
        Files.createDirectories(dir.resolve("tenants"));
        return ChildPlatform.start(ChildPlatform.launch(
                dir.resolve("tenants"),
                dir.resolve("node.log"),
                PlatformServer.ADMIN_USER,
                PlatformServer.ADMIN_PASSWORD,
                List.of(),
                Map.of(
                        "CHAT_POSTGRES_URL", cluster.postgresUrl(),
                        "CHAT_POSTGRES_USER", cluster.postgresUser(),
                        "CHAT_POSTGRES_PASSWORD", cluster.postgresPassword(),
                        "CHAT_REDIS_URL", cluster.redisUrl())));
    }

    /** A client of {@code url} with that token, connected, closed with the others. */
    ChatClient connect(String url, String tenant, String token) {
        ChatClient client = ChatClient.open(url, "/" + tenant, ChatClient.defaultOptions(token));
        clients.add(client);
        client.awaitConnected();
        return client;
    }

    ChatClient connect(PlatformServer node, String tenant, String user) {
        ChatClient client = open(node, tenant, user);
        client.awaitConnected();
        return client;
    }

    /** A client connecting (not awaited), closed with the others. */
    ChatClient open(PlatformServer node, String tenant, String user) {
        ChatClient client =
                ChatClient.open(node.url(), "/" + tenant, ChatClient.defaultOptions(node.login(tenant, user)));
        clients.add(client);
        return client;
    }

    void closeClients() {
        clients.forEach(ChatClient::close);
        clients.clear();
    }

    /** Waits for {@code condition}, failing past three times {@code bound}. */
    static void awaitWithin(Duration bound, BooleanSupplier condition) {
        long deadline = System.nanoTime() + bound.toNanos() * 3;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not within " + bound.multipliedBy(3));
            TestTenants.sleep(20);
        }
    }

    @Override
    public void close() throws Exception {
        closeClients();
        for (AutoCloseable part : new AutoCloseable[] {a, b, redis}) {
            if (part != null) {
                part.close();
            }
        }
    }
}
