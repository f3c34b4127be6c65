package io.chat.platform;

import static io.chat.platform.ChatClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chat.testing.ChildPlatform;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The platform as a process: clients send as fast as acks come, the server is killed with SIGKILL mid-stream and
 * restarted on the same tenants folder; every acknowledged message is in history with the same seq and id, and
 * seq has no gap. The number of kill cycles is {@code -Ddurability.cycles=N} (default 2).
 */
class CrashRecoveryTest {
    private static final int CYCLES = Integer.getInteger("durability.cycles", 2);
    private static final long SEND_MILLIS = 2_000;
    private static final String TENANT = "durable";
    private static final List<String> USERS = List.of("ann", "ben", "cat");
    private static final List<String> ROOMS = List.of("room-a", "room-b");
    private static final String ADMIN_USER = "root";
    private static final String ADMIN_PASSWORD = "durability-admin-password";

    @TempDir
    Path tenants;

    @TempDir
    Path logs;

    /** Every acknowledged message, as acknowledged. */
    private final ConcurrentLinkedQueue<JsonNode> acked = new ConcurrentLinkedQueue<>();
    /** A send: who sent what where, with which clientId; {@code message} once acknowledged. */
    private record Send(String user, String room, String text, String clientId, JsonNode message) {}
    /** Sends not acknowledged yet, by clientId: the ones in flight when the server was killed. */
    private final ConcurrentHashMap<String, Send> inFlight = new ConcurrentHashMap<>();
    /** Acknowledged sends, by clientId. */
    private final ConcurrentHashMap<String, Send> done = new ConcurrentHashMap<>();
    /** Session tokens by child and user. */
    private final Map<ChildPlatform, Map<String, String>> tokens = new ConcurrentHashMap<>();
    /** Numbers the texts, across cycles: each text is one send. */
    private final AtomicLong counter = new AtomicLong();

    @Test
    void everyAcknowledgedMessageSurvivesKillMinus9OfThePlatform() throws Exception {
        for (int cycle = 1; cycle <= CYCLES; cycle++) {
            ChildPlatform child = start(tenants, logs.resolve("child-" + cycle + ".log"));
            try {
                if (cycle == 1) {
                    provision(child);
                } else {
                    verifyHistory(child);
                    resend(child);
                    verifyHistory(child);
                }
                int before = acked.size();
                sendUntilKilled(child);
                assertTrue(
                        acked.size() - before > 50,
                        "too few acknowledged messages in cycle " + cycle + ": " + (acked.size() - before) + "\n"
                                + child.logTail(30, "\n"));
            } finally {
                kill(child);
            }
        }
        ChildPlatform last = start(tenants, logs.resolve("child-last.log"));
        try {
            verifyHistory(last);
            resend(last);
            Map<String, Long> counts = verifyHistory(last);
            // seq goes on from the last stored message
            String token = login(last, "ann");
            try (ChatClient client = ChatClient.connect(last.url(), "/" + TENANT, token)) {
                ChatAssertions.assertOk(client.join("room-a"));
                assertEquals(
                        counts.get("room-a") + 1,
                        client.send("room-a", "after the kills").get("seq").asLong());
            }
        } finally {
            last.terminate(Duration.ofSeconds(20)); // SIGTERM (the server closes its stores), SIGKILL if it lingers
        }
        System.out.println("durability: " + acked.size() + " acknowledged messages over " + CYCLES
                + " kill -9 cycles, all found with the same seq and id");
    }

    private void provision(ChildPlatform child) {
        expect(
                201,
                child.admin(
                        "POST",
                        "/admin/tenants",
                        json(
                                        "id",
                                        TENANT,
                                        "auth",
                                        json("type", "password"),
                                        "limits",
                                        json(
                                                "messagesPerSecond",
                                                100_000,
                                                "messageBurst",
                                                100_000,
                                                "tenantMessagesPerSecond",
                                                100_000,
                                                "tenantMessageBurst",
                                                100_000))
                                .toString()));
        for (String user : USERS) {
            expect(
                    201,
                    child.admin(
                            "POST",
                            "/admin/tenants/" + TENANT + "/users",
                            json("username", user, "password", PlatformServer.password(user))
                                    .toString()));
        }
    }

    /** A session token of the user on this child (one login per user and child). */
    private String login(ChildPlatform child, String user) {
        return tokens.computeIfAbsent(child, c -> new ConcurrentHashMap<>())
                .computeIfAbsent(user, u -> newSession(child, u));
    }

    private String newSession(ChildPlatform child, String user) {
        HttpResponse<String> response = child.call(
                "POST",
                "/api/tenants/" + TENANT + "/sessions",
                json("username", user, "password", PlatformServer.password(user))
                        .toString(),
                null);
        expect(201, response);
        return PlatformServer.json(response.body()).get("token").asText();
    }

    /** Two sockets per user, each sending its next message as soon as the previous one is acknowledged. */
    private void sendUntilKilled(ChildPlatform child) throws Exception {
        List<ChatClient> clients = new ArrayList<>();
        AtomicBoolean sending = new AtomicBoolean(true);
        try {
            for (String user : USERS) {
                String token = login(child, user);
                for (int i = 0; i < 2; i++) {
                    ChatClient client = ChatClient.connect(child.url(), "/" + TENANT, token);
                    clients.add(client);
                    for (String room : ROOMS) {
                        ChatAssertions.assertOk(client.join(room));
                    }
                }
            }
            for (int i = 0; i < clients.size(); i++) {
                sendNext(clients.get(i), USERS.get(i / 2), sending);
            }
            long acksBefore = acked.size();
            Thread.sleep(SEND_MILLIS);
            assertTrue(acked.size() > acksBefore, "no ack in " + SEND_MILLIS + " ms");
            kill(child); // sends are in flight: every client has one unacknowledged send
            sending.set(false);
        } finally {
            sending.set(false);
            clients.forEach(ChatClient::close);
        }
    }

    private void sendNext(ChatClient client, String user, AtomicBoolean sending) {
        if (!sending.get()) {
            return;
        }
        long n = counter.incrementAndGet();
        String room = ROOMS.get((int) (n % ROOMS.size()));
        Send send = new Send(user, room, "message " + n, UUID.randomUUID().toString(), null);
        inFlight.put(send.clientId(), send);
        client.request("message:send", json("room", room, "text", send.text(), "clientId", send.clientId()))
                .whenComplete((ack, error) -> {
                    if (ack != null && ack.path("ok").asBoolean()) {
                        acknowledged(send, ack.get("message"));
                    }
                    if (error == null) {
                        sendNext(client, user, sending);
                    }
                });
    }

    private void acknowledged(Send send, JsonNode message) {
        acked.add(message);
        done.put(send.clientId(), new Send(send.user(), send.room(), send.text(), send.clientId(), message));
        inFlight.remove(send.clientId());
    }

    /**
     * After a restart, as a client that lost its connection would: resends what was in flight (stored once, whether
     * or not it was stored before the kill) and some acknowledged sends (their ack is the message as first acked).
     */
    private void resend(ChildPlatform child) {
        Map<String, ChatClient> clients = new HashMap<>();
        try {
            for (String user : USERS) {
                ChatClient client = ChatClient.connect(child.url(), "/" + TENANT, login(child, user));
                clients.put(user, client);
                for (String room : ROOMS) {
                    ChatAssertions.assertOk(client.join(room));
                }
            }
            for (Send send : List.copyOf(inFlight.values())) {
                JsonNode ack = clients.get(send.user())
                        .call(
                                "message:send",
                                json("room", send.room(), "text", send.text(), "clientId", send.clientId()));
                JsonNode message = ChatAssertions.assertOk(ack).get("message");
                ChatAssertions.assertMessage(message, send.room(), send.user(), send.text());
                acknowledged(send, message);
            }
            List<Send> sample = new ArrayList<>(done.values()).subList(0, Math.min(30, done.size()));
            for (Send send : sample) {
                JsonNode ack = clients.get(send.user())
                        .call(
                                "message:send",
                                json(
                                        "room",
                                        send.room(),
                                        "text",
                                        "resent " + send.text(),
                                        "clientId",
                                        send.clientId()));
                assertEquals(
                        send.message(),
                        ChatAssertions.assertOk(ack).get("message"),
                        "a resent clientId acks the stored message as first acknowledged");
            }
        } finally {
            clients.values().forEach(ChatClient::close);
        }
    }

    /** Pages through every room's REST history: seq 1..n without gaps, every acked message there as acked. */
    private Map<String, Long> verifyHistory(ChildPlatform child) {
        String token = login(child, "ben");
        Map<String, Long> counts = new HashMap<>();
        for (String room : ROOMS) {
            List<JsonNode> history = TestTenants.fullHistory(before -> {
                HttpResponse<String> response =
                        child.call("GET", TestTenants.historyPath(TENANT, room, before, 100), null, token);
                expect(200, response);
                return PlatformServer.json(response.body());
            });
            Set<String> texts = new HashSet<>();
            for (int i = 0; i < history.size(); i++) {
                assertEquals(i + 1, history.get(i).get("seq").asLong(), "gap in " + room + " at index " + i);
                assertTrue(
                        texts.add(history.get(i).get("text").asText()),
                        "one send (one clientId) stored twice: " + history.get(i));
            }
            for (JsonNode message : acked) {
                if (!message.get("room").asText().equals(room)) {
                    continue;
                }
                long seq = message.get("seq").asLong();
                assertTrue(
                        seq <= history.size(),
                        "acknowledged message lost: " + message + " (history has " + history.size() + " messages in "
                                + room + ")");
                JsonNode stored = history.get((int) seq - 1);
                assertEquals(message.get("id"), stored.get("id"), "acknowledged message changed id: " + message);
                assertEquals(message, stored, "acknowledged message changed");
            }
            counts.put(room, (long) history.size());
        }
        return counts;
    }

    private static void expect(int status, HttpResponse<String> response) {
        TestTenants.expect(status, response);
    }

    /**
     * The platform in a child JVM on free ports; a port found free may be taken before the child binds it, so up
     * to three attempts.
     */
    private static ChildPlatform start(Path tenants, Path log) throws Exception {
        IllegalStateException failure = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                return ChildPlatform.start(tenants, log, ADMIN_USER, ADMIN_PASSWORD);
            } catch (IllegalStateException e) {
                failure = e;
            }
        }
        throw failure;
    }

    /** SIGKILL, then waits for the process to be gone. */
    private static void kill(ChildPlatform child) throws InterruptedException {
        assertTrue(child.kill(), "the child did not die");
    }
}
