package io.chat;

import io.chat.admin.AdminApi;
import io.chat.admin.AdminAuthFilter;
import io.chat.admin.AdminCredentials;
import io.chat.admin.Metrics;
import io.chat.api.Health;
import io.chat.api.PublicApi;
import io.chat.chat.ChatService;
import io.chat.cluster.ClusterLink;
import io.chat.cluster.ClusterPeers;
import io.chat.history.H2TenantStore;
import io.chat.history.PostgresDatabase;
import io.chat.history.ReadsBusyException;
import io.chat.http.ApiError;
import io.chat.http.CloseAfterResponse;
import io.chat.http.ConnectionGate;
import io.chat.http.HeaderDeadline;
import io.chat.http.JsonHttp;
import io.chat.http.LogText;
import io.chat.http.ReceiveListeners;
import io.chat.http.SecurityHeaders;
import io.chat.http.WebIndex;
import io.chat.socketio.SocketIoConfig;
import io.chat.socketio.SocketIoServer;
import io.chat.socketio.engine.EngineConfig;
import io.chat.socketio.redis.RedisAdapterConfig;
import io.chat.socketio.redis.RedisCluster;
import io.chat.tenant.DemoTenant;
import io.chat.tenant.FolderTenantCatalog;
import io.chat.tenant.SharedTenantCatalog;
import io.chat.tenant.TenantCatalog;
import io.chat.tenant.TenantRegistry;
import io.chat.tenant.auth.CredentialUncheckedException;
import io.chat.tenant.auth.PasswordHasher;
import io.helidon.config.Config;
import io.helidon.http.HttpException;
import io.helidon.http.Status;
import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.spi.ServerConnectionSelector;
import io.helidon.webserver.staticcontent.StaticContentService;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The one place where objects are created and wired: settings, the object graph, start ({@link Launch}). Tests
 * start the platform through {@link #startPlatform}, and bare Socket.IO servers through {@link Launch}.
 */
public final class Main {
    private static final System.Logger LOGGER = System.getLogger(Main.class.getName());

    private Main() {}

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        try {
            run(Arguments.parse(args));
        } catch (RuntimeException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        }
    }

    private static void run(Arguments arguments) {
        if (arguments.conformance()) {
            Running running = Conformance.start(arguments.port().orElse(3000));
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(running::stop));
            LOGGER.log(
                    System.Logger.Level.INFO,
                    "conformance server on http://localhost:" + running.port()
                            + " (socket.io at /socket.io/, engine.io echo at /engine.io/)");
            return;
        }
        Settings settings = Settings.from(Config.create(), System.getenv());
        if (arguments.port().isPresent()) {
            settings = settings.toBuilder().port(arguments.port().getAsInt()).build();
        }
        Running running = startPlatform(settings, System.out::println);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(running::stop));
        LOGGER.log(
                System.Logger.Level.INFO,
                "event=start outcome=ok url=http://localhost:" + running.port() + " admin=http://127.0.0.1:"
                        + running.adminPort() + " tenants=" + settings.tenantsDir());
    }

    /**
     * The platform: tenants from the tenants folder, each a Socket.IO namespace with its own auth and store;
     * public API and Socket.IO on {@code settings.port()}, admin API and metrics on 127.0.0.1:{@code adminPort}.
     *
     * @param announce where the one-time messages (generated admin password, demo credentials) are printed
     */
    public static Running startPlatform(Settings settings, Consumer<String> announce) {
        Clock clock = Clock.systemUTC();
        PasswordHasher hasher = new PasswordHasher();
        // every tenant's reads; a store hands it at most as many reads at a time as it has read connections (3), so
        // one tenant never holds all four threads, and queues the rest itself (H2TenantStore, ReadQueue)
        ExecutorService storeReads = Executors.newFixedThreadPool(
                4, Thread.ofPlatform().name("store-read-", 0).daemon().factory());
        int maxConnections = settings.connections().effectiveTotal();
        EngineConfig engine = EngineConfig.defaults("/socket.io/")
                .withMaxSessions(maxConnections, settings.connections().perAddress())
                // no allowlist: any page may poll (a session's credential is in its CONNECT packet, never a cookie)
                .withCors(EngineConfig.Cors.any());
        if (!settings.allowedOrigins().isEmpty()) {
            var origins = new HashSet<>(settings.allowedOrigins());
            engine = engine.withCors(EngineConfig.Cors.origins(origins))
                    .withAllowRequest(
                            request -> request.origin().map(origins::contains).orElse(true));
        }
        SocketIoServer io = SocketIoServer.create(SocketIoConfig.defaults().withEngine(engine));
        ChatService chat = new ChatService(io, clock);
        Metrics metrics = new Metrics(chat, io.engine());
        Tenants tenants = settings.cluster()
                .map(cluster -> clusterTenants(cluster, io, chat, metrics, storeReads))
                .orElseGet(() -> new Tenants(
                        FolderTenantCatalog.create(
                                settings.tenantsDir(),
                                H2TenantStore.opener(storeReads, metrics, settings.durability())),
                        TenantRegistry.TenantListener.all(chat, metrics),
                        Optional.empty(),
                        List.of()));
        TenantRegistry registry = new TenantRegistry(tenants.catalog(), hasher, clock, tenants.listener());
        try {
            registry.loadAll();
        } catch (RuntimeException e) {
            registry.close();
            tenants.close();
            storeReads.shutdown();
            throw e;
        }
        tenants.link().ifPresent(link -> link.start(registry));
        AdminCredentials adminCredentials = AdminCredentials.load(
                settings.adminUser(), settings.adminPassword(), settings.tenantsDir(), hasher, announce);

        Health health = new Health(registry);
        PublicApi publicApi = new PublicApi(registry, chat);
        AdminApi adminApi = new AdminApi(registry, chat, clock);
        // Helidon 4.2 has no deadline for a request's headers (slowloris): close connections that trickle them.
        HeaderDeadline headerDeadline = new HeaderDeadline(settings.headerTimeout());
        // One receive listener that forwards to ours: Helidon 4.2.0 combines several into one that calls none of
        // them (Http1ConnectionListenerUtil.ListFrameListener overrides no method).
        CloseAfterResponse closeAfterResponse = new CloseAfterResponse();
        Http1Config http1 = Http1Config.builder()
                .addReceiveListener(ReceiveListeners.of(headerDeadline, closeAfterResponse))
                .build();
        // one address may not hold every connection of the public port, nor any connection without a request
        int tcpPerAddress = settings.connections().effectiveTcpPerAddress();
        UnaryOperator<ServerConnectionSelector> gate =
                selector -> new ConnectionGate(selector, tcpPerAddress, headerDeadline);
        Running running;
        Optional<DemoTenant.Made> demo;
        try {
            // before the port listens: once /health answers UP (and a client can sign in), the demo is all there
            demo = settings.demo()
                    ? DemoTenant.ensure(registry, settings.tenantsDir(), clock.instant())
                    : Optional.empty();
            running = Launch.of(io)
                    .port(settings.port())
                    .maxTcpConnections(maxConnections)
                    .http1(http1)
                    .gate(gate)
                    .routes(routing -> routing.addFilter(closeAfterResponse)
                            .addFilter(new SecurityHeaders())
                            .get("/health", health::handle)
                            .register("/api", publicApi)
                            .get("/t/{tenant}", new WebIndex())
                            .register(
                                    "/",
                                    StaticContentService.builder("web")
                                            .welcomeFileName("index.html")
                                            .build()))
                    .listeners(server -> server
                            // Helidon's own answers (a request it cannot parse, a refused upgrade) too
                            .directHandlers(SecurityHeaders.directHandlers())
                            .putSocket(Running.ADMIN_SOCKET, socket -> socket.host("127.0.0.1")
                                    .port(settings.adminPort())
                                    // the same HTTP/1 listeners as the public port (header deadline, close)
                                    .addProtocol(http1)
                                    .routing(admin -> {
                                        admin.addFilter(closeAfterResponse)
                                                .addFilter(new AdminAuthFilter(adminCredentials))
                                                .register("/admin", adminApi)
                                                .get("/metrics", metrics::handle);
                                        hideErrors(admin);
                                    })))
                    .closeAfter(List.of(registry, tenants, storeReads::shutdown, headerDeadline, chat))
                    .start();
        } catch (RuntimeException e) {
            headerDeadline.close();
            registry.close();
            tenants.close();
            storeReads.shutdown();
            chat.close();
            throw e;
        }
        // the passwords once the URL is known; a start that fails before here leaves the demo unfinished: the next
        // start gives its users new passwords and shows them (DemoTenant)
        demo.ifPresent(made -> made.announce(announce, "http://localhost:" + running.port()));
        return running;
    }

    /**
     * Where the tenants live and who hears of their changes: a folder per tenant on one node, or, in a cluster, the
     * shared PostgreSQL database, with the other nodes told over Redis; closed after the registry.
     */
    private record Tenants(
            TenantCatalog catalog,
            TenantRegistry.TenantListener listener,
            Optional<ClusterLink> link,
            List<AutoCloseable> parts)
            implements AutoCloseable {
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
    }

    /**
     * Cluster mode: the tenants in PostgreSQL, every namespace's rooms shared over Redis (the Socket.IO Redis adapter,
     * set before the first namespace), and the link that tells the other nodes what changes here.
     */
    /** How long a node waits for the others' answers to a cluster request (fetching sockets for a list). */
    private static final Duration CLUSTER_REQUESTS_TIMEOUT = Duration.ofSeconds(1);

    private static Tenants clusterTenants(
            Settings.Cluster cluster, SocketIoServer io, ChatService chat, Metrics metrics, ExecutorService reads) {
        PostgresDatabase postgres = PostgresDatabase.open(
                cluster.postgresUrl(), cluster.postgresUser(), cluster.postgresPassword(), reads, metrics);
        RedisCluster redis;
        try {
            // the other nodes see a socket's user (presence:list and rooms:list fetch every node's sockets), and a
            // request waits CLUSTER_REQUESTS_TIMEOUT at most for them, answering with what came
            redis = RedisCluster.connect(RedisAdapterConfig.defaults(cluster.redisUrl())
                    .withSocketData(ChatService::socketData)
                    .withRequestsTimeout(CLUSTER_REQUESTS_TIMEOUT));
        } catch (RuntimeException e) {
            postgres.close();
            // not the URL: it may hold a password
            throw new IllegalStateException("cannot connect to Redis (CHAT_REDIS_URL): " + e.getMessage(), e);
        }
        io.adapter(redis.adapterFactory());
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
        return new Tenants(
                catalog,
                TenantRegistry.TenantListener.all(chat, metrics, link),
                Optional.of(link),
                List.of(link, peers, postgres, redis));
    }

    /** An unexpected failure answers a fixed message: no exception text or stack trace reaches a client. */
    static void hideErrors(HttpRouting.Builder routing) {
        // the contract's errors, thrown by the handlers
        ApiError.install(routing);
        routing.error(HttpException.class, (req, res, error) -> {
            if (!res.isSent()) {
                SecurityHeaders.restore(req, res);
                Status status = error.status();
                if (status.code() == Status.NOT_MODIFIED_304.code()) {
                    // the static files' answer to a revalidation: HTTP forbids a body, Helidon logs SEVERE for one
                    res.status(status).send();
                    return;
                }
                JsonHttp.error(
                        res,
                        status,
                        status == Status.NOT_FOUND_404 ? "not_found" : "http_" + status.code(),
                        status.reasonPhrase());
            }
        });
        routing.error(Exception.class, (req, res, error) -> {
            if (error instanceof CompletionException completion && completion.getCause() instanceof ReadsBusyException
                    || error instanceof CredentialUncheckedException) {
                // the tenant's reads are queued to their bound (a flood), or its store could not check the token (no
                // 401: the token may be fine): say so at once, the client retries
                ApiError.answer(req, res, ApiError.unavailable());
                return;
            }
            if (!res.isSent()) {
                SecurityHeaders.restore(req, res);
            }
            LOGGER.log(
                    System.Logger.Level.WARNING,
                    "event=request outcome=error path="
                            + LogText.quote(req.path().path()) + " type="
                            + error.getClass().getSimpleName());
            if (!res.isSent()) {
                JsonHttp.error(res, Status.INTERNAL_SERVER_ERROR_500, "internal", "internal error");
            }
        });
    }
}
