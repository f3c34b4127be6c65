package io.chat;

import io.chat.admin.AdminApi;
import io.chat.admin.AdminAuthFilter;
import io.chat.admin.AdminCredentials;
import io.chat.admin.Metrics;
import io.chat.api.Health;
import io.chat.api.PublicApi;
import io.chat.chat.ChatService;
import io.chat.history.ClusterMigration;
import io.chat.history.ReadsBusyException;
import io.chat.history.TenantStores;
import io.chat.http.ApiError;
import io.chat.http.CachePolicy;
import io.chat.http.ClientAddress;
import io.chat.http.CloseAfterResponse;
import io.chat.http.ConnectionGate;
import io.chat.http.FilteredHeaders;
import io.chat.http.HeaderDeadline;
import io.chat.http.JsonHttp;
import io.chat.http.LogText;
import io.chat.http.ReceiveListeners;
import io.chat.http.RequestFraming;
import io.chat.http.SecurityHeaders;
import io.chat.http.WebIndex;
import io.chat.socketio.SocketIoConfig;
import io.chat.socketio.SocketIoServer;
import io.chat.socketio.engine.ClientAddresses;
import io.chat.socketio.engine.EngineConfig;
import io.chat.tenant.DemoTenant;
import io.chat.tenant.FolderTenantCatalog;
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
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.logging.LogManager;

/**
 * The one place where objects are created and wired: settings, the object graph, start ({@link Launch}). Tests
 * start the platform through {@link #startPlatform}, and bare Socket.IO servers through {@link Launch}.
 */
public final class Main {
    private static final System.Logger LOGGER = System.getLogger(Main.class.getName());

    private Main() {}

    public static void main(String[] args) {
        try {
            Arguments arguments = Arguments.parse(args);
            if (arguments.migrateToCluster()) {
                // Helidon's console handler writes to stdout, where the migration's report goes alone
                try (InputStream config = Main.class.getResourceAsStream("/migrate-logging.properties")) {
                    LogManager.getLogManager().readConfiguration(config);
                }
            } else {
                LogConfig.configureRuntime();
            }
            run(arguments);
        } catch (RuntimeException | IOException e) {
            // a message that quotes a URL (a driver's, a parser's) prints it without the credentials in it
            System.err.println("error: " + Settings.Cluster.redacted(String.valueOf(e.getMessage())));
            System.exit(1);
        }
    }

    private static void run(Arguments arguments) {
        if (arguments.migrateToCluster()) {
            Map<String, String> env = System.getenv();
            Path tenantsDir = arguments
                    .tenantsDir()
                    .orElseGet(() -> Path.of(Optional.ofNullable(env.get("CHAT_TENANTS_DIR"))
                            .filter(dir -> !dir.isBlank())
                            .orElse("tenants")));
            System.exit(migrateToCluster(
                    tenantsDir, PostgresLogin.fromEnvironment(env), arguments.skipExisting(), System.out, System.err));
        }
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
        FreePorts.require(settings.port(), settings.adminPort());
        Running running = startPlatform(settings, System.out::println);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(running::stop));
        markStarted(System.getProperty("chat.classCache.started"));
        LOGGER.log(
                System.Logger.Level.INFO,
                "event=start outcome=ok url=http://localhost:" + running.port() + " admin=http://127.0.0.1:"
                        + running.adminPort() + " tenants=" + settings.tenantsDir());
    }

    /**
     * Tells scripts/run that this run started (its class cache, made at exit, holds the serving server's classes); a
     * cache made by a run whose start failed is not kept.
     */
    private static void markStarted(String file) {
        if (file == null) {
            return;
        }
        try {
            Files.writeString(Path.of(file), "");
        } catch (IOException | RuntimeException e) {
            LOGGER.log(System.Logger.Level.WARNING, "event=class-cache-mark outcome=failed");
        }
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
                // behind a trusted balancer, a client is capped by its own address, not the balancer's
                .withClientAddresses(ClientAddresses.of(settings.trustedProxies()::clientOf, ClientAddress::network))
                // no allowlist: any page may poll (a session's credential is in its CONNECT packet, never a cookie)
                .withCors(EngineConfig.Cors.any());
        if (!settings.allowedOrigins().isEmpty()) {
            var origins = new HashSet<>(settings.allowedOrigins());
            engine = engine.withCors(EngineConfig.Cors.origins(origins))
                    .withAllowRequest(
                            request -> request.origin().map(origins::contains).orElse(true));
        }
        SocketIoServer io = SocketIoServer.create(SocketIoConfig.defaults().withEngine(engine));
        ChatService chat = new ChatService(io, clock, ClientAddress::network);
        Metrics metrics = new Metrics(chat, io.engine(), io::attachmentBudgetRefusals);
        Tenancy tenants;
        try {
            tenants = Tenancy.of(settings, io, chat, metrics, storeReads);
        } catch (RuntimeException e) {
            // PostgreSQL or Redis unreachable at start: the node refuses to start, leaving no thread behind
            storeReads.shutdown();
            chat.close();
            throw e;
        }
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
        PublicApi publicApi = new PublicApi(registry, chat, settings.trustedProxies());
        AdminApi adminApi = new AdminApi(registry, chat, clock);
        // Helidon 4.2 has no deadline for a request's headers (slowloris): close connections that trickle them.
        HeaderDeadline headerDeadline = new HeaderDeadline(settings.headerTimeout());
        // One receive listener that forwards to ours: Helidon 4.2.0 combines several into one that calls none of
        // them (Http1ConnectionListenerUtil.ListFrameListener overrides no method).
        CloseAfterResponse closeAfterResponse = new CloseAfterResponse();
        Http1Config http1 = Http1Config.builder()
                // last: a refusal of the request's framing comes once its headers' deadline is disarmed
                .addReceiveListener(ReceiveListeners.of(headerDeadline, closeAfterResponse, new RequestFraming()))
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
                    ? DemoTenant.ensure(
                            registry, settings.tenantsDir(), clock.instant().truncatedTo(ChronoUnit.MILLIS))
                    : Optional.empty();
            WebIndex webIndex = new WebIndex();
            running = Launch.of(io)
                    .port(settings.port())
                    .maxTcpConnections(maxConnections)
                    .http1(http1)
                    .gate(gate)
                    .routes(routing -> routing.addFilter(closeAfterResponse)
                            .addFilter(new SecurityHeaders())
                            .addFilter(CachePolicy.publicListener())
                            // HEAD too: link checkers, previews and monitors ask with it first
                            .get("/health", health::handle)
                            .head("/health", health::handle)
                            .register("/api", publicApi)
                            .get("/t/{tenant}", webIndex)
                            .head("/t/{tenant}", webIndex)
                            .register(
                                    "/",
                                    // held in memory from the start: served out of the jar, Helidon 4.2
                                    // copies each file to a temporary one on its first request, and two
                                    // first requests at once could leave a file cut short for the process's life
                                    StaticContentService.builder("web")
                                            .welcomeFileName("index.html")
                                            .addCacheInMemory("index.html")
                                            .addCacheInMemory("app.js")
                                            .addCacheInMemory("app.css")
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
                                                .addFilter(CachePolicy.neverStore())
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
     * {@code scripts/migrate-to-cluster}: moves the tenants of the folder {@code tenantsDir} (a node's, stopped) into
     * the cluster's database (docs in README, "Cluster"). Progress and errors go to {@code err}, the report (one JSON
     * object) to {@code out}.
     *
     * @return the exit status: 0 once every tenant (less those skipped) is moved
     */
    public static int migrateToCluster(
            Path tenantsDir, PostgresLogin postgres, boolean skipExisting, PrintStream out, PrintStream err) {
        TenantStores none = (folder, id) -> {
            throw new IllegalStateException("the migration opens no store through the catalog");
        };
        return new MigrateToCluster(
                        tenantsDir,
                        folder -> FolderTenantCatalog.create(folder, none),
                        () -> ClusterMigration.open(postgres.url(), postgres.user(), postgres.password()),
                        skipExisting,
                        Clock.systemUTC(),
                        out,
                        err)
                .run();
    }

    /** An unexpected failure answers a fixed message: no exception text or stack trace reaches a client. */
    static void hideErrors(HttpRouting.Builder routing) {
        // the contract's errors, thrown by the handlers
        ApiError.install(routing);
        routing.error(HttpException.class, (req, res, error) -> {
            if (!res.isSent()) {
                FilteredHeaders.restore(req, res);
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
                FilteredHeaders.restore(req, res);
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
