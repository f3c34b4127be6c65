package io.chat.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.chat.ChatService;
import io.chat.history.H2TenantStore;
import io.chat.http.ClientAddress;
import io.chat.json.Json;
import io.chat.socketio.SocketIoConfig;
import io.chat.socketio.SocketIoServer;
import io.chat.tenant.FolderTenantCatalog;
import io.chat.tenant.Tenant;
import io.chat.tenant.TenantJson;
import io.chat.tenant.TenantRegistry;
import io.chat.tenant.auth.PasswordHasher;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Prometheus text of {@link Metrics}, wired to a registry as {@code Main} wires it, without a server. */
class MetricsTest {
    private final ExecutorService reads = Executors.newFixedThreadPool(1);
    private ChatService chat;
    private Metrics metrics;
    private TenantRegistry registry;

    private SocketIoServer io;

    @BeforeEach
    void wire() throws Exception {
        io = SocketIoServer.create(SocketIoConfig.defaults());
        chat = new ChatService(io, Clock.systemUTC(), ClientAddress::network);
        metrics = new Metrics(chat, io.engine(), io::attachmentBudgetRefusals);
        registry = new TenantRegistry(
                FolderTenantCatalog.create(
                        Files.createTempDirectory("metrics-tenants"), H2TenantStore.opener(reads, metrics)),
                new PasswordHasher(),
                Clock.systemUTC(),
                TenantRegistry.TenantListener.all(chat, metrics));
    }

    @AfterEach
    void close() {
        registry.close();
        chat.close();
        reads.shutdown();
    }

    @Test
    void aTenantsSeriesComeWithItAndGoWithIt() throws Exception {
        Tenant acme = provision("acme");
        provision("other");
        acme.counters().delivered(3);
        acme.counters().failedLogin();
        String text = metrics.render();
        assertEquals(3, sample(text, "chat_messages_delivered_total", "acme"), text);
        assertEquals(1, sample(text, "chat_failed_logins_total", "acme"), text);
        assertEquals(0, sample(text, "chat_messages_delivered_total", "other"), text);
        for (String family : new String[] {
            "chat_sockets",
            "chat_rooms",
            "chat_messages_stored",
            "chat_queue_full_closes_total",
            "chat_reads_skipped_total"
        }) {
            assertEquals(0, sample(text, family, "acme"), family);
        }
        assertTrue(text.contains("# TYPE chat_messages_delivered_total counter\n"), text);
        assertTrue(text.contains("# TYPE chat_sockets gauge\n"), text);

        registry.delete(acme.id());
        text = metrics.render();
        assertFalse(text.contains("tenant=\"acme\""), text);
        assertTrue(text.contains("tenant=\"other\""), text);
        // the id again: fresh counters, one series each
        provision("acme");
        text = metrics.render();
        assertEquals(0, sample(text, "chat_messages_delivered_total", "acme"), text);
        assertEquals(
                1,
                Pattern.compile("(?m)^chat_failed_logins_total\\{tenant=\"acme\"}")
                        .matcher(text)
                        .results()
                        .count());
    }

    @Test
    void commitsFillTheContractsBucketsInclusively() {
        String before = metrics.render();
        long batchesBefore = (long) value(before, "chat_store_commit_batch_size_bucket{le=\"5.0\"}");
        long fastBefore = (long) value(before, "chat_store_commit_seconds_bucket{le=\"5.0E-4\"}");
        metrics.committed(5, 500_000); // on the bounds 5 and 0.5 ms
        metrics.committed(6000, 3_000_000_000L); // past the last bounds
        String text = metrics.render();
        assertEquals(batchesBefore + 1, (long) value(text, "chat_store_commit_batch_size_bucket{le=\"5.0\"}"), text);
        assertEquals(fastBefore + 1, (long) value(text, "chat_store_commit_seconds_bucket{le=\"5.0E-4\"}"), text);
        assertTrue(
                value(text, "chat_store_commit_seconds_bucket{le=\"+Inf\"}")
                        > value(text, "chat_store_commit_seconds_bucket{le=\"2.5\"}"),
                text);
        for (String le : new String[] {
            "5.0E-4", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "+Inf"
        }) {
            assertTrue(text.contains("chat_store_commit_seconds_bucket{le=\"" + le + "\"} "), le);
        }
        for (String le : new String[] {
            "1.0", "2.0", "5.0", "10.0", "20.0", "50.0", "100.0", "200.0", "500.0", "1000.0", "5000.0", "+Inf"
        }) {
            assertTrue(text.contains("chat_store_commit_batch_size_bucket{le=\"" + le + "\"} "), le);
        }
        assertTrue(text.contains("# TYPE chat_store_commit_seconds histogram\n"), text);
        assertTrue(text.contains("# TYPE chat_store_commit_batch_size histogram\n"), text);
        for (String server : new String[] {
            "chat_outbound_queue_bytes",
            "chat_connections",
            "chat_connections_closed_queue_full_total",
            "chat_connections_closed_restricted_full_total",
            "chat_connections_closed_attachments_full_total",
            "chat_connections_closed_messages_full_total",
            "jvm_heap_used_bytes",
            "jvm_heap_committed_bytes",
            "jvm_threads_live"
        }) {
            assertTrue(Pattern.compile("(?m)^" + server + " \\d").matcher(text).find(), server);
        }
    }

    /** Micrometer holds a counter's object weakly: a supplier nothing else holds must still be read after a collection. */
    @Test
    void aCounterOfASuppliedValueStaysLiveAfterACollection() throws Exception {
        AtomicLong refusals = new AtomicLong();
        Metrics counted = new Metrics(chat, io.engine(), refusals::get);
        refusals.set(3);
        assertEquals(3, (long) value(counted.render(), "chat_connections_closed_attachments_full_total"));
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        refusals.set(8);
        assertEquals(8, (long) value(counted.render(), "chat_connections_closed_attachments_full_total"));
    }

    private Tenant provision(String id) throws Exception {
        return registry.provision(TenantJson.fromRequest(
                Json.mapper().readTree("{\"id\":\"" + id + "\",\"auth\":{\"type\":\"password\"}}"), Instant.now()));
    }

    private static long sample(String text, String name, String tenant) {
        return (long) value(text, name + "{tenant=\"" + tenant + "\"}");
    }

    private static double value(String text, String series) {
        Matcher m =
                Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        assertTrue(m.find(), "no " + series + " in\n" + text);
        return Double.parseDouble(m.group(1));
    }
}
