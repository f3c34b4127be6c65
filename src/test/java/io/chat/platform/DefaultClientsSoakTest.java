package io.chat.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.socketio.engine.EngineConfig;
import io.chat.testing.SoakClients;
import io.chat.testing.SoakClients.Plan;
import io.chat.testing.SoakClients.Summary;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The official clients as people run them: default options (long-polling, then the upgrade to WebSocket;
 * reconnection on), each a user of one tenant chatting in one room for longer than every server timer (the
 * upgrade timeout, three ping intervals, the connect timeout, the header deadline). Node's socket.io-client,
 * the Java client and Debian's Python client run side by side against one platform; afterwards each must have
 * connected once, never been disconnected, ended on WebSocket, and received every message the others had
 * acknowledged, once and in order.
 *
 * <p>{@code -Dsoak.seconds=N} holds them longer (default 80: more than 3 × the 25 s ping interval).
 */
class DefaultClientsSoakTest {
    private static final long SECONDS = Long.getLong("soak.seconds", 80);
    private static final long SEND_EVERY_MS = 2_000;
    /** Time for every client to start, connect and join before the first message. */
    private static final long WARM_UP_MS = 20_000;

    private static final String TENANT = "soak";

    @Test
    void officialClientsWithDefaultOptionsStayConnectedAndLoseNothing() throws Exception {
        assertTrue(
                SECONDS * 1000 > 3 * EngineConfig.DEFAULT_PING_INTERVAL.toMillis(),
                "the soak must outlast three ping intervals");
        SoakClients.ensureInstalled("DefaultClientsSoakTest");
        try (PlatformServer server = PlatformServer.start();
                // a thread each: the common pool has one thread on two cores, and would run them one after the other
                ExecutorService runners = Executors.newVirtualThreadPerTaskExecutor()) {
            server.passwordTenant(TENANT, "node-user", "java-user", "python-user");
            List<String> tokens = List.of(
                    server.login(TENANT, "node-user"),
                    server.login(TENANT, "java-user"),
                    server.login(TENANT, "python-user"));
            long startAt = System.currentTimeMillis() + WARM_UP_MS;
            Plan plan =
                    new Plan(server.url(), TENANT, "lobby", startAt, startAt + SECONDS * 1000, SEND_EVERY_MS, 5_000);
            List<CompletableFuture<Summary>> runs = List.of(
                    SoakClients.node(plan, "node-user", tokens.get(0), runners),
                    SoakClients.java(plan, "java-user", tokens.get(1), runners),
                    SoakClients.python(plan, "python-user", tokens.get(2), runners));
            List<Summary> all = runs.stream().map(CompletableFuture::join).toList();
            String report = all.stream().map(Summary::describe).collect(Collectors.joining("\n"));
            System.out.println("[DefaultClientsSoakTest] " + SECONDS + " s:\n" + report);
            assertEquals(List.of(), SoakClients.problems(all, (int) (SECONDS * 1000 / SEND_EVERY_MS) - 2), report);
        }
    }
}
