package io.chat.platform;

import static io.chat.platform.ChatAssertions.assertOk;
import static io.chat.platform.ChatClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chat.testing.RawWebSocket;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 11, 3.4 at a small scale: one user of tenant A floods history reads from many sockets (40 × 250 fetches of 100
 * messages; the issue had 240 × 100); tenant B's reads and {@code /health} must not wait behind them. They went from
 * 10-20 ms to 8-10 s and /health to 503; here, before the fix, B's fetch was still unanswered after 10 s.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReadFloodTest {
    private static final int SOCKETS = 40;
    private static final int FETCHES_PER_SOCKET = 250;
    private static final int PAGE = 100;

    private static int bobAckId;
    private PlatformServer server;
    private final List<ChatClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = PlatformServer.start();
    }

    @AfterEach
    void stop() {
        clients.forEach(ChatClient::close);
        server.close();
    }

    private ChatClient connect(String tenant, String token) {
        ChatClient client = ChatClient.connect(server.url(), "/" + tenant, token);
        clients.add(client);
        return client;
    }

    private static void seed(ChatClient client, String room, String text) {
        assertOk(client.join(room));
        List<CompletableFuture<JsonNode>> acks = new ArrayList<>();
        for (int i = 0; i < PAGE; i++) {
            acks.add(client.request("message:send", json("room", room, "text", i + " " + text)));
        }
        acks.forEach(ack -> assertOk(ChatClient.await(ack, "seed ack")));
    }

    /** The attack as the issue measured it, against the defaults: the user's event limit and the read queues. */
    @Test
    @Order(1)
    void oneUsersReadFloodStallsNeitherAnotherTenantsReadsNorHealth() throws Exception {
        Outcome outcome = flood(null);
        assertTrue(outcome.p99() < 1_000, outcome.figures());
        assertTrue(outcome.healthAlwaysUp(), outcome.figures());
    }

    /**
     * The same flood with the event limit out of the way, so that only the read path is under test: past its queue
     * the flooding tenant's reads fail at once, another tenant's reads wait behind a few of them at most
     * (ReadFairnessTest shows it exactly; here what remains is the CPU the flood takes, on two cores shared with other
     * work, hence the looser bound) and {@code /health} never goes through the reads. Run second, on warm code.
     */
    @Test
    @Order(2)
    void withoutTheEventLimitTheReadQueuesAloneKeepAnotherTenantServed() throws Exception {
        Outcome outcome = flood("{\"eventsPerSecond\":1000000,\"eventBurst\":1000000}");
        assertTrue(
                outcome.unavailable() > 0,
                "past its queue, the flooding tenant's reads fail at once: " + outcome.figures());
        assertTrue(outcome.p99() < 3_000, outcome.figures());
        assertTrue(outcome.healthAlwaysUp(), outcome.figures());
    }

    private record Outcome(long p99, boolean healthAlwaysUp, int unavailable, String figures) {}

    /**
     * One user of tenant A sends {@link #FETCHES_PER_SOCKET} history fetches of {@link #PAGE} long messages on each of
     * {@link #SOCKETS} sockets, at once; meanwhile tenant B's user pages through history and {@code /health} is
     * polled. Raw WebSockets on both sides: the official Java client decodes every client's events on one shared
     * thread, so its latency would be the client's, not the server's.
     */
    private Outcome flood(String floodedLimits) throws Exception {
        String flooded = TestTenants.newId("flood-a");
        String quiet = TestTenants.newId("flood-b");
        TestTenants.passwordTenant(server, flooded, floodedLimits, "mallory", "wendy");
        TestTenants.passwordTenant(server, quiet, null, "bob");
        String mallory = server.login(flooded, "mallory");
        String bobToken = server.login(quiet, "bob");
        seed(connect(flooded, mallory), "big", "m".repeat(400));
        seed(connect(quiet, bobToken), "small", "b".repeat(100));
        RawWebSocket bob = RawWebSocket.tenant(server.port(), quiet, bobToken, frame -> {});
        List<RawWebSocket> flooders = new ArrayList<>();
        for (int i = 0; i < SOCKETS; i++) {
            flooders.add(RawWebSocket.tenant(server.port(), flooded, mallory, frame -> {}));
        }
        try {
            warmUp(flooded, server.login(flooded, "wendy"));
            long idle = median(fetchLatencies(bob, quiet, 10));

            AtomicBoolean flooding = new AtomicBoolean(true);
            ConcurrentLinkedQueue<int[]> health = new ConcurrentLinkedQueue<>(); // {status, millis}
            Thread healthProbe = Thread.ofPlatform().start(() -> {
                while (flooding.get()) {
                    long t0 = System.nanoTime();
                    HttpResponse<String> response = server.call("GET", "/health", null, null);
                    health.add(new int[] {
                        response.statusCode(), (int) TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)
                    });
                    TestTenants.sleep(100);
                }
            });
            AtomicInteger served = new AtomicInteger();
            AtomicInteger unavailable = new AtomicInteger();
            AtomicInteger limited = new AtomicInteger();
            AtomicInteger lost = new AtomicInteger(); // on a connection the server closed for its full outbound queue
            List<Thread> readers = new ArrayList<>();
            for (RawWebSocket flooder : flooders) {
                // platform threads, reading only the head of each ack: the readers' work must not take the server's
                // virtual-thread carriers in this JVM
                readers.add(Thread.ofPlatform().start(() -> {
                    int acks = 0;
                    try {
                        for (; acks < FETCHES_PER_SOCKET; acks++) {
                            String ack = head(flooder.readUntil(frame -> frame.opcode() == 0x1
                                    && frame.payload().length > 2
                                    && frame.payload()[0] == '4'
                                    && frame.payload()[1] == '3'));
                            (ack.contains("\"ok\":true")
                                            ? served
                                            : ack.contains("\"rate_limited\"") ? limited : unavailable)
                                    .incrementAndGet();
                        }
                    } catch (IOException e) {
                        lost.addAndGet(FETCHES_PER_SOCKET - acks);
                    }
                }));
            }
            for (int f = 1; f <= FETCHES_PER_SOCKET; f++) {
                for (RawWebSocket flooder : flooders) {
                    flooder.sendText("42/" + flooded + "," + f + "[\"history:fetch\",{\"room\":\"big\",\"limit\":"
                            + PAGE + "}]");
                }
            }
            List<Long> during = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while ((readers.stream().anyMatch(Thread::isAlive) || during.size() < 20) && System.nanoTime() < deadline) {
                during.addAll(fetchLatencies(bob, quiet, 1));
                TestTenants.sleep(20); // a person paging back, well under bob's event limit
            }
            flooding.set(false);
            healthProbe.join();
            for (Thread reader : readers) {
                reader.join(TimeUnit.SECONDS.toMillis(10));
            }

            List<Long> inOrder = List.copyOf(during);
            Collections.sort(during);
            long p99 = during.get((int) Math.ceil(during.size() * 0.99) - 1);
            String figures = "tenant B's history:fetch idle median " + idle + " ms; during a flood of "
                    + SOCKETS * FETCHES_PER_SOCKET + " fetches of " + PAGE + " (" + served + " served, " + limited
                    + " rate_limited, " + unavailable + " unavailable, " + lost + " lost with their connection): "
                    + during.size() + " fetches, median " + median(during) + " ms, p99 " + p99 + " ms, max "
                    + during.getLast() + " ms " + inOrder + "; /health (status/ms) "
                    + health.stream().map(h -> h[0] + "/" + h[1]).toList();
            System.out.println("ReadFloodTest: " + figures);
            assertEquals(
                    SOCKETS * FETCHES_PER_SOCKET,
                    served.get() + limited.get() + unavailable.get() + lost.get(),
                    "every fetch answered, unless the server closed its connection: " + figures);
            assertTrue(served.get() > 0, "the flood was served in part: " + figures);
            return new Outcome(p99, health.stream().allMatch(h -> h[0] == 200), unavailable.get(), figures);
        } finally {
            bob.close();
            for (RawWebSocket flooder : flooders) {
                flooder.close();
            }
        }
    }

    /**
     * Another user of the flooded tenant reads a little first, so that what is measured is the server's steady state,
     * not the compilation of its code paths (a cold JVM on a busy machine stalled everything ~1.5 s at first).
     */
    private void warmUp(String tenant, String token) throws IOException {
        try (RawWebSocket wendy = RawWebSocket.tenant(server.port(), tenant, token, frame -> {})) {
            // ten at a time: 150 pages of 40 kB sent at once and read afterwards would pass the 4 MiB outbound queue
            // on a slow machine, and the server would rightly close the connection
            for (int batch = 0; batch < 15; batch++) {
                for (int i = 1; i <= 10; i++) {
                    wendy.sendText("42/" + tenant + "," + (batch * 10 + i) + "[\"history:fetch\",{\"room\":\"big\","
                            + "\"limit\":" + PAGE + "}]");
                }
                for (int i = 0; i < 10; i++) {
                    wendy.readUntil(frame -> frame.opcode() == 0x1
                            && frame.payload().length > 2
                            && frame.payload()[0] == '4'
                            && frame.payload()[1] == '3');
                }
            }
        }
    }

    /** The first bytes of a text frame: enough for an ack's {@code ok} or error code. */
    private static String head(RawWebSocket.Frame frame) {
        return new String(frame.payload(), 0, Math.min(200, frame.payload().length), StandardCharsets.UTF_8);
    }

    private static List<Long> fetchLatencies(RawWebSocket client, String tenant, int n) throws IOException {
        List<Long> latencies = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            String ack;
            try {
                ack = client.call(tenant, ++bobAckId, "history:fetch", "{\"room\":\"small\",\"limit\":" + PAGE + "}");
            } catch (SocketTimeoutException e) {
                throw new AssertionError("tenant B's history:fetch unanswered after 10 s");
            }
            latencies.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            assertTrue(ack.contains("\"ok\":true"), ack);
        }
        return latencies;
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
