package io.chat.admin;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToLongFunction;

import io.chat.chat.ChatService;
import io.chat.history.CommitObserver;
import io.chat.socketio.engine.EngineServer;
import io.chat.socketio.engine.EngineSession;
import io.chat.tenant.Tenant;
import io.chat.tenant.TenantRegistry;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** {@code GET /metrics} in the Prometheus text format; per-tenant figures are labelled with the tenant id. */
public final class Metrics implements CommitObserver {
    private final Histogram commitSeconds = new Histogram("chat_store_commit_seconds",
            "Time to commit one group of store writes.",
            0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5);
    private final Histogram batchSize = new Histogram("chat_store_commit_batch_size",
            "Writes committed together in one transaction.",
            1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000);
    private volatile TenantRegistry registry;
    private volatile ChatService chat;
    private volatile EngineServer engine;

    /** Connects the sources read at scrape time (they are created after this observer). */
    public void bind(TenantRegistry tenants, ChatService chatService, EngineServer engineServer) {
        this.registry = tenants;
        this.chat = chatService;
        this.engine = engineServer;
    }

    @Override
    public void committed(int batch, long nanos) {
        batchSize.record(batch);
        commitSeconds.record(nanos / 1e9);
    }

    public void handle(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
        res.send(render().getBytes(StandardCharsets.UTF_8));
    }

    String render() {
        StringBuilder out = new StringBuilder(4096);
        List<Tenant> tenants = registry.all().stream().sorted(Comparator.comparing(t -> t.id().value())).toList();
        perTenant(out, tenants, "chat_sockets", "gauge", "Connected sockets.", t -> chat.figures(t).sockets());
        perTenant(out, tenants, "chat_rooms", "gauge", "Rooms with members.", t -> chat.figures(t).rooms());
        perTenant(out, tenants, "chat_messages_stored", "gauge", "Messages in the tenant's history.",
                  t -> t.store().messageCount());
        perTenant(out, tenants, "chat_messages_delivered_total", "counter",
                  "Events queued to recipient sockets (messages and announcements).", t -> t.counters().delivered());
        perTenant(out, tenants, "chat_failed_logins_total", "counter", "Refused logins.",
                  t -> t.counters().failedLogins());
        perTenant(out, tenants, "chat_queue_full_closes_total", "counter",
                  "Sockets closed because their connection's outbound queue was full.",
                  t -> t.counters().queueFullCloses());
        // reads a socket asked for and left behind (it disconnected while they queued): a flood that was cut short
        perTenant(out, tenants, "chat_reads_skipped_total", "counter",
                  "History reads dropped before they reached the database because the socket that asked had gone.",
                  t -> t.store().readsSkipped());
        commitSeconds.writeTo(out);
        batchSize.writeTo(out);
        gauge(out, "chat_outbound_queue_bytes", "Bytes queued for all connections.",
              engine.sessions().stream().mapToLong(EngineSession::queuedBytes).sum());
        gauge(out, "chat_connections", "Engine.IO connections.", engine.sessionCount());
        gauge(out, "chat_connections_closed_queue_full_total", "Connections closed for a full outbound queue.",
              engine.queueOverflows());
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        gauge(out, "jvm_heap_used_bytes", "Heap in use.", heap.getUsed());
        gauge(out, "jvm_heap_committed_bytes", "Heap committed.", heap.getCommitted());
        gauge(out, "jvm_threads_live", "Live platform threads.", ManagementFactory.getThreadMXBean().getThreadCount());
        return out.toString();
    }

    private static void perTenant(StringBuilder out, List<Tenant> tenants, String name, String type, String help,
                                  ToLongFunction<Tenant> value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        for (Tenant tenant : tenants) {
            out.append(name).append("{tenant=\"").append(tenant.id().value()).append("\"} ")
                    .append(value.applyAsLong(tenant)).append('\n');
        }
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" gauge\n");
        out.append(name).append(' ').append(value).append('\n');
    }
}
