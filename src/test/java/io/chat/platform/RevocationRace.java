package io.chat.platform;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.testing.RawWebSocket;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Revocation racing use, rounds of it: REST calls and Socket.IO CONNECTs with a token run flat out on one server
 * while the token is logged out, or its user deleted, through another (or the same). Once the revocation has
 * returned, no call that starts later may succeed, and no socket connected with the token may stay connected (the
 * contract allows 2 s for the disconnect, on every node of a cluster).
 */
final class RevocationRace {
    private static final int REST_RACERS = 4;
    private static final int CONNECT_RACERS = 3;
    /** How long the racers go on after the revocation returned: calls then must all be refused. */
    private static final long AFTER_MILLIS = 150;

    private static final long DISCONNECT_WITHIN_MILLIS = 2_000;

    private final PlatformServer revoking;
    private final PlatformServer using;

    /** One REST answer: when its request started (System.nanoTime) and its status. */
    private record Answer(long startedAt, int status) {}

    /** A socket that the server accepted: when, and the raw connection to watch for its DISCONNECT. */
    private record Accepted(long acceptedAt, RawWebSocket ws) {}

    /** Tokens are revoked through {@code revoking} and used on {@code using}. */
    RevocationRace(PlatformServer revoking, PlatformServer using) {
        this.revoking = revoking;
        this.using = using;
    }

    /** Runs the rounds on a new tenant, logouts and user deletions in turn; the failed rounds, each saying why. */
    List<String> failedRounds(String tenantPrefix, int rounds) throws Exception {
        String tenant = TestTenants.newId(tenantPrefix);
        TestTenants.passwordTenant(revoking, tenant, null, "alice");
        TwoNodes.awaitServed(using, tenant, TwoNodes.ACROSS_NODES);
        List<String> failures = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            boolean deleteUser = round % 2 == 1;
            String user = deleteUser ? "gone" + round : "alice";
            if (deleteUser) {
                TestTenants.addUser(revoking, tenant, user);
            }
            String token = using.login(tenant, user);
            List<String> problems = race(tenant, user, token, deleteUser);
            if (!problems.isEmpty()) {
                failures.add("round " + round + (deleteUser ? " (user deleted): " : " (logout): ") + problems);
            }
        }
        return failures;
    }

    private List<String> race(String tenant, String user, String token, boolean deleteUser) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Accepted> accepted = new ConcurrentLinkedQueue<>();
        List<String> failures = new ArrayList<>();
        long returned;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> racers = new ArrayList<>();
            for (int i = 0; i < REST_RACERS; i++) {
                racers.add(pool.submit(() -> {
                    while (running.get()) {
                        long started = System.nanoTime();
                        int status = using.call("GET", TestTenants.historyPath(tenant, "general", null, 1), null, token)
                                .statusCode();
                        answers.add(new Answer(started, status));
                    }
                    return null;
                }));
            }
            for (int i = 0; i < CONNECT_RACERS; i++) {
                racers.add(pool.submit(() -> {
                    while (running.get()) {
                        connectOnce(tenant, token, accepted);
                    }
                    return null;
                }));
            }
            Thread.sleep(30);
            if (deleteUser) {
                TestTenants.expect(204, revoking.admin("DELETE", "/admin/tenants/" + tenant + "/users/" + user, null));
            } else {
                TestTenants.expect(
                        204, revoking.call("DELETE", "/api/tenants/" + tenant + "/sessions/current", null, token));
            }
            returned = System.nanoTime();
            Thread.sleep(AFTER_MILLIS);
            running.set(false);
            for (Future<?> racer : racers) {
                racer.get(30, TimeUnit.SECONDS);
            }
        }
        // refused: 401, or 429 once the address's refused tokens (these very calls) ran out (TokenRefusals)
        long lateSuccesses = answers.stream()
                .filter(a -> a.startedAt() > returned && !refused(a.status()))
                .count();
        long lateCalls = answers.stream().filter(a -> a.startedAt() > returned).count();
        if (lateSuccesses > 0) {
            failures.add(lateSuccesses + " of " + lateCalls + " REST calls started after the revocation were not 401");
        }
        if (!refused(using.call("GET", TestTenants.historyPath(tenant, "general", null, 1), null, token)
                .statusCode())) {
            failures.add("the token still works for REST");
        }
        List<Future<Boolean>> watched = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Accepted socket : accepted) {
                watched.add(pool.submit(() -> {
                    try (RawWebSocket ws = socket.ws()) {
                        return disconnectedBy(
                                ws,
                                tenant,
                                Math.max(returned, socket.acceptedAt())
                                        + TimeUnit.MILLISECONDS.toNanos(DISCONNECT_WITHIN_MILLIS));
                    }
                }));
            }
        }
        long stayed = 0;
        for (Future<Boolean> disconnected : watched) {
            stayed += disconnected.get() ? 0 : 1;
        }
        if (stayed > 0) {
            failures.add(stayed + " of " + watched.size() + " sockets of the revoked token stayed connected");
        }
        return failures;
    }

    /** One raw Engine.IO WebSocket sending CONNECT with the token; an accepted socket is kept to be watched. */
    private void connectOnce(String tenant, String token, ConcurrentLinkedQueue<Accepted> accepted) throws IOException {
        RawWebSocket ws = RawWebSocket.connect(using.port(), "/socket.io/?EIO=4&transport=websocket");
        boolean keep = false;
        try {
            assertTrue(ws.upgraded(), ws.statusLine());
            assertTrue(ws.readFrame().text().startsWith("0{"), "Engine.IO open");
            ws.sendText("40/" + tenant + ",{\"token\":\"" + token + "\"}");
            String answer = ws.readUntil(f -> f.opcode() == 0x1
                            && (f.text().startsWith("40/") || f.text().startsWith("44/")))
                    .text();
            if (answer.startsWith("40/")) {
                accepted.add(new Accepted(System.nanoTime(), ws));
                keep = true;
            }
        } finally {
            if (!keep) {
                ws.close();
            }
        }
    }

    /** Whether the server sent this namespace's DISCONNECT (or closed the connection) before the deadline. */
    private static boolean disconnectedBy(RawWebSocket ws, String tenant, long deadline) throws IOException {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
            return false;
        }
        ws.timeout((int) left);
        try {
            ws.readUntil(f -> f.opcode() == 0x8 || f.opcode() == 0x1 && f.text().startsWith("41/" + tenant + ","));
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (java.io.EOFException | java.net.SocketException e) {
            return true;
        }
    }

    private static boolean refused(int status) {
        return status == 401 || status == 429;
    }
}
