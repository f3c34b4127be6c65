package io.chat.admin;

import io.chat.chat.ChatService;
import io.chat.history.CommitObserver;
import io.chat.history.TenantStore;
import io.chat.socketio.engine.EngineServer;
import io.chat.socketio.engine.EngineSession;
import io.chat.tenant.Tenant;
import io.chat.tenant.TenantCounters;
import io.chat.tenant.TenantId;
import io.chat.tenant.TenantRegistry;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * {@code GET /metrics} in the Prometheus text format, from Micrometer's Prometheus registry. Per-tenant meters carry
 * the label {@code tenant}: registered when a tenant opens, removed when it is deleted. They read the tenant's
 * {@link TenantCounters} (LongAdders the hot paths increment) and live figures at scrape time only.
 */
public final class Metrics implements CommitObserver, TenantRegistry.TenantListener {
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<TenantId, List<Meter>> tenantMeters = new ConcurrentHashMap<>();
    private final ChatService chat;
    private final Timer commitSeconds;
    private final DistributionSummary batchSize;
    /**
     * Held here: Micrometer holds a counter's object weakly, and the caller's lambda has no other holder (the first
     * collection froze its counter at its value then; a hostile review).
     */
    private final LongSupplier attachmentRefusals;

    private volatile LongSupplier clusterPublishesFailed = () -> 0;

    /**
     * @param attachmentRefusals connections closed because the binary packets waiting for their attachments held the
     *                           most bytes they may hold together (the Socket.IO layer's count)
     */
    public Metrics(ChatService chat, EngineServer engine, LongSupplier attachmentRefusals) {
        this.chat = chat;
        this.attachmentRefusals = attachmentRefusals;
        // Micrometer names: dots become underscores, a timer gets _seconds, a counter _total
        // (chat_store_commit_seconds)
        commitSeconds = Timer.builder("chat.store.commit")
                .description("Time to commit one group of store writes.")
                .serviceLevelObjectives(
                        Stream.of(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
                                .map(s -> Duration.ofNanos(Math.round(s * 1e9)))
                                .toArray(Duration[]::new))
                .register(registry);
        batchSize = DistributionSummary.builder("chat.store.commit.batch.size")
                .description("Writes committed together in one transaction.")
                .serviceLevelObjectives(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000)
                .register(registry);
        Gauge.builder("chat.outbound.queue.bytes", engine, e -> e.sessions().stream()
                        .mapToLong(EngineSession::queuedBytes)
                        .sum())
                .description("Bytes queued for all connections.")
                .register(registry);
        Gauge.builder("chat.connections", engine, EngineServer::sessionCount)
                .description("Engine.IO connections.")
                .register(registry);
        FunctionCounter.builder("chat.connections.closed.queue.full", engine, EngineServer::queueOverflows)
                .description("Connections closed for a full outbound queue.")
                .register(registry);
        FunctionCounter.builder("chat.connections.closed.restricted.full", engine, EngineServer::restrictedRefusals)
                .description("Connections not yet in a namespace closed because such connections held the most"
                        + " bytes they may hold together.")
                .register(registry);
        FunctionCounter.builder("chat.connections.closed.messages.full", engine, EngineServer::unrestrictedRefusals)
                .description("Connections in a namespace closed because the messages such connections were sending"
                        + " held the most bytes past their first 8 KiB they may hold together.")
                .register(registry);
        FunctionCounter.builder("chat.connections.closed.attachments.full", attachmentRefusals, LongSupplier::getAsLong)
                .description("Connections closed because the binary packets of all connections waiting for their"
                        + " attachments held the most bytes they may hold together.")
                .register(registry);
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Gauge.builder("jvm.heap.used.bytes", memory, m -> m.getHeapMemoryUsage().getUsed())
                .description("Heap in use.")
                .register(registry);
        Gauge.builder("jvm.heap.committed.bytes", memory, m -> m.getHeapMemoryUsage()
                        .getCommitted())
                .description("Heap committed.")
                .register(registry);
        Gauge.builder("jvm.threads.live", threads, ThreadMXBean::getThreadCount)
                .description("Live platform threads.")
                .register(registry);
    }

    /**
     * The node's link to the other nodes (cluster mode): whether it is connected now (a Redis outage: the node goes
     * on serving its own sockets, so {@code /health} stays UP and the outage shows here) and the messages it could not
     * publish to them (lost for the other nodes' live sockets; they are in history).
     */
    public void clusterLink(BooleanSupplier connected, LongSupplier publishesFailed) {
        // strong references: Micrometer holds a gauge's object weakly, and these lambdas have no other holder
        Gauge.builder("chat.cluster.redis.connected", connected, c -> c.getAsBoolean() ? 1 : 0)
                .description("1 while this node is connected to the cluster's Redis, else 0.")
                .strongReference(true)
                .register(registry);
        clusterPublishesFailed = publishesFailed;
        FunctionCounter.builder("chat.cluster.publishes.failed", this, m -> m.clusterPublishesFailed.getAsLong())
                .description("Messages this node could not publish to the other nodes (Redis down, or too many"
                        + " pending): their recipients on other nodes get them from history.")
                .register(registry);
    }

    @Override
    public void committed(int batch, long nanos) {
        batchSize.record(batch);
        commitSeconds.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void opened(Tenant tenant) {
        // a meter registered again under the same name and tags would be the old one, reading the old tenant
        deleting(tenant);
        Tags tenantTag = Tags.of("tenant", tenant.id().value());
        TenantCounters counters = tenant.counters();
        TenantStore store = tenant.store();
        List<Meter> meters = List.of(
                Gauge.builder("chat.sockets", tenant, t -> chat.figures(t).sockets())
                        .description("Connected sockets.")
                        .tags(tenantTag)
                        .register(registry),
                Gauge.builder("chat.rooms", tenant, t -> chat.figures(t).rooms())
                        .description("Rooms with members.")
                        .tags(tenantTag)
                        .register(registry),
                Gauge.builder("chat.messages.stored", store, TenantStore::messageCount)
                        .description("Messages in the tenant's history.")
                        .tags(tenantTag)
                        .register(registry),
                FunctionCounter.builder("chat.messages.delivered", counters, TenantCounters::delivered)
                        .description("Events queued to recipient sockets (messages and announcements).")
                        .tags(tenantTag)
                        .register(registry),
                FunctionCounter.builder("chat.failed.logins", counters, TenantCounters::failedLogins)
                        .description("Refused logins.")
                        .tags(tenantTag)
                        .register(registry),
                FunctionCounter.builder("chat.queue.full.closes", counters, TenantCounters::queueFullCloses)
                        .description("Sockets closed because their connection's outbound queue was full.")
                        .tags(tenantTag)
                        .register(registry),
                // reads a socket asked for and left behind (it disconnected while they queued): a flood cut short
                FunctionCounter.builder("chat.reads.skipped", store, TenantStore::readsSkipped)
                        .description("History reads dropped before they reached the database because the socket"
                                + " that asked had gone.")
                        .tags(tenantTag)
                        .register(registry));
        tenantMeters.put(tenant.id(), meters);
    }

    @Override
    public void deleting(Tenant tenant) {
        List<Meter> meters = tenantMeters.remove(tenant.id());
        if (meters != null) {
            meters.forEach(registry::remove);
        }
    }

    @Override
    public void suspended(Tenant tenant) {
        // a suspended tenant keeps its series
    }

    @Override
    public void resumed(Tenant tenant) {}

    @Override
    public void sessionsEnded(Tenant tenant, String username, String keptTokenKey) {}

    public void handle(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, CONTENT_TYPE);
        res.send(render().getBytes(StandardCharsets.UTF_8));
    }

    String render() {
        return registry.scrape(CONTENT_TYPE);
    }
}
