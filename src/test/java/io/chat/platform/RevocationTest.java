package io.chat.platform;

import static io.chat.platform.ChatAssertions.assertOk;
import static io.chat.platform.ChatClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.socket.client.IO;
import io.socket.client.Manager;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Logout, user deletion, a password reset or change, suspension and tenant deletion disconnect exactly the affected
 * namespace sockets; a reset ({@code PUT /admin/tenants/{id}/users/{u}/password}) and a user's own change ({@code PUT
 * /api/tenants/{t}/password}) also settle which password signs in, and what a stranger, a wrong guess and a flood get.
 */
@PlatformTest
class RevocationTest {
    /** The contract: affected sockets are disconnected within 2 seconds. */
    private static final long WITHIN_MILLIS = 2_000;
    /** What the official client reports for a Socket.IO DISCONNECT packet from the server. */
    private static final String SERVER_DISCONNECT = "io server disconnect";

    private static final String JWT_SECRET = "revocation-test-secret-of-more-than-32-bytes";
    private static final String JWT_ISSUER = "https://idp.revocation.example";

    private static PlatformServer server;
    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }

    private String tenant(String... users) {
        String id = TestTenants.newId("rev");
        TestTenants.passwordTenant(server, id, null, users);
        return id;
    }

    private ChatClient connect(String tenant, String token) {
        ChatClient client = ChatClient.connect(server.url(), "/" + tenant, token);
        resources.add(client);
        return client;
    }

    private static void logout(String tenant, String token) {
        TestTenants.expect(204, server.call("DELETE", "/api/tenants/" + tenant + "/sessions/current", null, token));
    }

    private static HttpResponse<String> login(String tenant, String user, String password) {
        return server.call(
                "POST",
                "/api/tenants/" + tenant + "/sessions",
                json("username", user, "password", password).toString(),
                null);
    }

    private static HttpResponse<String> reset(String tenant, String user, String body) {
        return server.admin("PUT", "/admin/tenants/" + tenant + "/users/" + user + "/password", body);
    }

    private static HttpResponse<String> change(String tenant, String token, String current, String next) {
        return server.call(
                "PUT",
                "/api/tenants/" + tenant + "/password",
                json("currentPassword", current, "newPassword", next).toString(),
                token);
    }

    private static int history(String tenant, String token) {
        return server.call("GET", TestTenants.historyPath(tenant, "general", null, null), null, token)
                .statusCode();
    }

    /** Waits for the server's DISCONNECT and asserts it came within 2 s of {@code since} (System.nanoTime). */
    private static void assertDisconnectedWithin2s(ChatClient client, long since) {
        String reason = ChatClient.await(client.disconnected(), "disconnect");
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
        assertEquals(SERVER_DISCONNECT, reason, "a Socket.IO DISCONNECT from the server");
        assertTrue(millis <= WITHIN_MILLIS, "disconnected after " + millis + " ms");
    }

    @Test
    void logoutDisconnectsThatTokensSocketsAndNoOther() {
        String tenant = tenant("alice", "bob");
        String revoked = server.login(tenant, "alice");
        String kept = server.login(tenant, "alice");
        ChatClient revoked1 = connect(tenant, revoked);
        ChatClient revoked2 = connect(tenant, revoked);
        ChatClient other = connect(tenant, kept);
        ChatClient bob = connect(tenant, server.login(tenant, "bob"));
        for (ChatClient client : List.of(revoked1, other, bob)) {
            assertOk(client.join("general"));
        }

        long start = System.nanoTime();
        logout(tenant, revoked);
        assertDisconnectedWithin2s(revoked1, start);
        assertDisconnectedWithin2s(revoked2, start);

        assertTrue(other.connected(), "the same user's other token keeps its socket");
        JsonNode message = other.send("general", "still connected");
        assertEquals(message, bob.awaitEvent("message"));
        assertFalse(other.disconnected().isDone());
        bob.sync();
        assertEquals(List.of(), bob.received("user:offline"), "alice still has a socket");

        assertEquals("unauthorized", ChatClient.connectError(server.url(), "/" + tenant, revoked));
        assertEquals(
                401,
                server.call("DELETE", "/api/tenants/" + tenant + "/sessions/current", null, revoked)
                        .statusCode());
        assertEquals(
                401,
                server.call("GET", TestTenants.historyPath(tenant, "general", null, null), null, revoked)
                        .statusCode());
        assertEquals(
                200,
                server.call("GET", TestTenants.historyPath(tenant, "general", null, null), null, kept)
                        .statusCode());
    }

    @Test
    void revocationDisconnectsOnlyThatNamespaceOfAMultiplexedConnection() throws Exception {
        String alpha = TestTenants.newId("alpha");
        String beta = TestTenants.newId("beta");
        TestTenants.passwordTenant(server, alpha, null, "alice");
        TestTenants.passwordTenant(server, beta, null, "alice", "bob");
        String alphaToken = server.login(alpha, "alice");
        String betaToken = server.login(beta, "alice");
        ChatClient betaBob = connect(beta, server.login(beta, "bob"));
        assertOk(betaBob.join("general"));

        // default transports: HTTP long-polling, then the upgrade to WebSocket
        IO.Options options = new IO.Options();
        options.reconnection = false;
        Manager manager = new Manager(URI.create(server.url()), options);
        CompletableFuture<Void> engineClosed = new CompletableFuture<>();
        manager.on(Manager.EVENT_CLOSE, args -> engineClosed.complete(null));
        ChatClient alphaSocket = ChatClient.open(manager, "/" + alpha, alphaToken);
        resources.add(alphaSocket);
        alphaSocket.awaitConnected();
        ChatClient betaSocket = ChatClient.open(manager, "/" + beta, betaToken);
        resources.add(betaSocket);
        betaSocket.awaitConnected();
        assertOk(alphaSocket.join("general"));
        assertOk(betaSocket.join("general"));

        long start = System.nanoTime();
        logout(alpha, alphaToken);
        assertDisconnectedWithin2s(alphaSocket, start);

        assertTrue(betaSocket.connected(), "the other tenant's socket on the same connection stays");
        JsonNode message = betaSocket.send("general", "beta still works");
        assertEquals(message, betaBob.awaitEvent("message"));
        JsonNode reply = betaBob.send("general", "and receives");
        assertEquals(reply, betaSocket.awaitEvent("message"));
        assertFalse(engineClosed.isDone(), "the Engine.IO connection stays up");
        assertFalse(betaSocket.disconnected().isDone());
    }

    @Test
    void deletingAUserDisconnectsTheirSocketsAndSendsUserOffline() {
        String tenant = tenant("alice", "bob");
        String aliceToken = server.login(tenant, "alice");
        ChatClient alice1 = connect(tenant, aliceToken);
        ChatClient alice2 = connect(tenant, server.login(tenant, "alice"));
        ChatClient bob = connect(tenant, server.login(tenant, "bob"));

        long start = System.nanoTime();
        TestTenants.expect(204, server.admin("DELETE", "/admin/tenants/" + tenant + "/users/alice", null));
        assertDisconnectedWithin2s(alice1, start);
        assertDisconnectedWithin2s(alice2, start);
        assertEquals(json("user", "alice"), bob.awaitEvent("user:offline"));
        TestTenants.awaitSockets(server, tenant, 1);
        bob.sync();
        assertEquals(1, bob.received("user:offline").size(), bob.events().toString());
        assertTrue(bob.connected());
        assertEquals("unauthorized", ChatClient.connectError(server.url(), "/" + tenant, aliceToken));
    }

    @Test
    void missingExpiredRevokedOrAnotherTenantsTokenIsUnauthorizedAndRunsNoHandler() {
        String tenant = tenant("alice", "bob");
        String other = tenant("alice");
        String jwtTenant = TestTenants.newId("rev-jwt");
        TestTenants.expect(
                201,
                server.admin(
                        "POST",
                        "/admin/tenants",
                        json("id", jwtTenant, "auth", json("type", "jwt", "issuer", JWT_ISSUER, "secret", JWT_SECRET))
                                .toString()));
        ChatClient bob = connect(tenant, server.login(tenant, "bob"));
        String revoked = server.login(tenant, "alice");
        logout(tenant, revoked);

        String url = server.url();
        String ns = "/" + tenant;
        assertEquals("unauthorized", ChatClient.connectError(url, ns, (String) null), "no CONNECT payload");
        IO.Options emptyAuth = ChatClient.options(null);
        emptyAuth.auth = Map.of();
        assertEquals("unauthorized", ChatClient.connectError(url, ns, emptyAuth), "no token");
        assertEquals("unauthorized", ChatClient.connectError(url, ns, ""));
        assertEquals("unauthorized", ChatClient.connectError(url, ns, "not-a-token"));
        assertEquals("unauthorized", ChatClient.connectError(url, ns, revoked), "revoked");
        assertEquals(
                "unauthorized",
                ChatClient.connectError(url, ns, server.login(other, "alice")),
                "another tenant's token");
        String validJwt = Jwts.hs256(JWT_SECRET, Jwts.claims(JWT_ISSUER, "alice"));
        assertEquals("unauthorized", ChatClient.connectError(url, ns, validJwt), "another tenant's JWT");
        var expired = Jwts.claims(JWT_ISSUER, "alice");
        long now = System.currentTimeMillis() / 1000;
        expired.put("iat", now - 600);
        expired.put("exp", now - 300);
        assertEquals(
                "unauthorized",
                ChatClient.connectError(url, "/" + jwtTenant, Jwts.hs256(JWT_SECRET, expired)),
                "expired");
        try (ChatClient valid = ChatClient.connect(url, "/" + jwtTenant, validJwt)) {
            assertTrue(valid.connected(), "the same tenant's valid token connects");
        }

        bob.sync();
        assertEquals(List.of(), bob.received("user:online"), "no connection handler ran for a refused CONNECT");
        assertEquals(1, TestTenants.figure(server, tenant, "sockets"));
    }

    @Test
    void suspendingOrDeletingATenantDisconnectsItsSockets() {
        String tenant = tenant("alice");
        String bystander = tenant("alice");
        String token = server.login(tenant, "alice");
        ChatClient alice = connect(tenant, token);
        ChatClient unaffected = connect(bystander, server.login(bystander, "alice"));

        long start = System.nanoTime();
        TestTenants.expect(200, server.admin("POST", "/admin/tenants/" + tenant + "/suspend", null));
        assertDisconnectedWithin2s(alice, start);
        assertEquals("tenant suspended", ChatClient.connectError(server.url(), "/" + tenant, token));
        // REST says why, and not 401, which would tell the client to forget a session that resumes with the tenant
        HttpResponse<String> history =
                server.call("GET", TestTenants.historyPath(tenant, "lobby", null, null), null, token);
        assertEquals(403, history.statusCode(), history.body());
        assertTrue(history.body().contains("\"tenant suspended\""), history.body());
        TestTenants.expect(200, server.admin("POST", "/admin/tenants/" + tenant + "/resume", null));
        ChatClient again = connect(tenant, token);
        TestTenants.historyPage(server, tenant, "lobby", token, null, null);

        start = System.nanoTime();
        TestTenants.expect(204, server.admin("DELETE", "/admin/tenants/" + tenant, null));
        assertDisconnectedWithin2s(again, start);
        assertEquals("Invalid namespace", ChatClient.connectError(server.url(), "/" + tenant, token));
        assertTrue(unaffected.connected());
        unaffected.sync();
    }

    @Test
    void anAdministratorsResetEndsEverySessionOfTheUserAndOnlyTheirs() {
        String tenant = tenant("alice", "bob");
        String aliceToken = server.login(tenant, "alice");
        ChatClient alice1 = connect(tenant, aliceToken);
        ChatClient alice2 = connect(tenant, server.login(tenant, "alice"));
        String bobToken = server.login(tenant, "bob");
        ChatClient bob = connect(tenant, bobToken);
        assertOk(bob.join("general"));

        long start = System.nanoTime();
        TestTenants.expect(
                204, reset(tenant, "alice", json("password", "a-new-secret").toString()));
        assertDisconnectedWithin2s(alice1, start);
        assertDisconnectedWithin2s(alice2, start);
        assertEquals("unauthorized", ChatClient.connectError(server.url(), "/" + tenant, aliceToken));
        assertEquals(401, history(tenant, aliceToken));
        assertEquals(
                401, login(tenant, "alice", PlatformServer.password("alice")).statusCode());
        String again = PlatformServer.json(
                        login(tenant, "alice", "a-new-secret").body())
                .get("token")
                .asText();
        assertOk(connect(tenant, again).join("general"));

        assertTrue(bob.connected(), "another user keeps their socket");
        assertEquals(200, history(tenant, bobToken));
        bob.sync();
    }

    /** A user who tried until locked out, then asked the admin: the new password signs in at once. */
    @Test
    void aResetLiftsTheUsersLockout() {
        String tenant = tenant("alice");
        int status = 0;
        for (int i = 0; i < 15 && status != 429; i++) {
            status = login(tenant, "alice", "wrong-guess-" + i).statusCode();
        }
        assertEquals(429, status, "locked out");
        TestTenants.expect(
                204, reset(tenant, "alice", json("password", "a-new-secret").toString()));
        assertEquals(201, login(tenant, "alice", "a-new-secret").statusCode());
    }

    @Test
    void aResetAnswersClearlyForWhatItCannotDo() {
        String tenant = tenant("alice");
        String body = json("password", "a-new-secret").toString();
        assertEquals(404, reset(tenant, "nobody", body).statusCode());
        assertEquals(404, reset(tenant, "Not%20A%20Name", body).statusCode());
        assertEquals(404, reset("no-such-tenant", "alice", body).statusCode());
        HttpResponse<String> shortOne =
                reset(tenant, "alice", json("password", "short").toString());
        assertEquals(400, shortOne.statusCode());
        assertTrue(shortOne.body().contains("password needs 8 to 1024 characters"), shortOne.body());
        assertEquals(400, reset(tenant, "alice", "{}").statusCode());
        assertEquals(
                401,
                server.send(HttpRequest.newBuilder(URI.create(
                                        server.adminUrl() + "/admin/tenants/" + tenant + "/users/alice/password"))
                                .header("Content-Type", "application/json")
                                .PUT(HttpRequest.BodyPublishers.ofString(body))
                                .build())
                        .statusCode(),
                "no admin credentials");
        assertEquals(
                404,
                server.call("PUT", "/admin/tenants/" + tenant + "/users/alice/password", body, null)
                        .statusCode(),
                "never on the public port");
        assertEquals(
                201, login(tenant, "alice", PlatformServer.password("alice")).statusCode(), "nothing changed");
    }

    @Test
    void aUserChangingTheirPasswordKeepsTheirSessionAndEndsTheOthers() {
        String tenant = tenant("alice", "bob");
        String asking = server.login(tenant, "alice");
        String laptop = server.login(tenant, "alice");
        ChatClient here = connect(tenant, asking);
        ChatClient there = connect(tenant, laptop);
        ChatClient bob = connect(tenant, server.login(tenant, "bob"));
        assertOk(here.join("general"));
        assertOk(bob.join("general"));

        long start = System.nanoTime();
        TestTenants.expect(204, change(tenant, asking, PlatformServer.password("alice"), "alice-new-secret"));
        assertDisconnectedWithin2s(there, start);
        assertEquals(401, history(tenant, laptop));
        assertEquals("unauthorized", ChatClient.connectError(server.url(), "/" + tenant, laptop));

        assertTrue(here.connected(), "the session asking keeps its socket");
        assertEquals(here.send("general", "still here"), bob.awaitEvent("message"));
        assertFalse(here.disconnected().isDone());
        assertEquals(200, history(tenant, asking));
        assertEquals(
                401, login(tenant, "alice", PlatformServer.password("alice")).statusCode());
        assertEquals(201, login(tenant, "alice", "alice-new-secret").statusCode());
        assertTrue(bob.connected());
    }

    @Test
    void aWrongCurrentPasswordAStrangerAndAFloodChangeNothing() {
        String tenant = tenant("alice");
        String token = server.login(tenant, "alice");
        assertEquals(
                401,
                change(tenant, null, PlatformServer.password("alice"), "stranger-secret")
                        .statusCode());
        assertEquals(
                401,
                change(tenant, "not-a-token", PlatformServer.password("alice"), "stranger-secret")
                        .statusCode());
        HttpResponse<String> shortOne = change(tenant, token, PlatformServer.password("alice"), "short");
        assertEquals(400, shortOne.statusCode());
        assertTrue(shortOne.body().contains("newPassword needs 8 to 1024 characters"), shortOne.body());
        assertEquals(
                400,
                server.call("PUT", "/api/tenants/" + tenant + "/password", "{\"newPassword\":\"long-enough\"}", token)
                        .statusCode());
        assertEquals(
                400,
                server.call("PUT", "/api/tenants/" + tenant + "/password", null, token)
                        .statusCode(),
                "no body");
        assertEquals(
                415,
                server.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/tenants/" + tenant + "/password"))
                                .header("Authorization", "Bearer " + token)
                                .header("Content-Type", "text/plain")
                                .PUT(HttpRequest.BodyPublishers.ofString("currentPassword=x"))
                                .build())
                        .statusCode(),
                "not JSON: no page on another site can send it");

        // the token is judged before the body is read: a stranger's body is never held
        assertEquals(
                401,
                server.call("PUT", "/api/tenants/" + tenant + "/password", "{not json", "stranger")
                        .statusCode());
        HttpResponse<String> wrong = change(tenant, token, "not-her-password", "guessed-secret");
        assertEquals(403, wrong.statusCode(), "the session is good, the password given is not");
        assertTrue(wrong.body().contains("current password is wrong"), wrong.body());
        // a stolen session guesses no faster than a login: the user's failures run out (10 a minute by default)
        int limited = 0;
        for (int i = 0; i < 12 && limited == 0; i++) {
            int status = change(tenant, token, "guess-" + i, "guessed-secret").statusCode();
            if (status == 429) {
                limited++;
            } else {
                assertEquals(403, status);
            }
        }
        assertEquals(1, limited, "429 once the user's failed attempts are used up");
        assertEquals(200, history(tenant, token), "the session stays");
    }

    /**
     * Logins with the old password run flat out while an administrator resets it: a login that checked the old password
     * before the reset and saved its session after it would outlive the reset. Once the reset returned, no session
     * any of them got may work, and no login with the old password may succeed.
     */
    @Test
    void noSessionSignedInWithTheOldPasswordOutlivesAReset() throws Exception {
        String tenant = tenant();
        List<String> failures = new ArrayList<>();
        for (int round = 0; round < 6; round++) {
            String user = "racer" + round;
            TestTenants.addUser(server, tenant, user);
            ConcurrentLinkedQueue<String> tokens = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<Long> lateSuccesses = new ConcurrentLinkedQueue<>();
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong resetReturned = new AtomicLong(Long.MAX_VALUE);
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> racers = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    racers.add(pool.submit(() -> {
                        while (running.get()) {
                            long started = System.nanoTime();
                            HttpResponse<String> answer = login(tenant, user, PlatformServer.password(user));
                            if (answer.statusCode() == 201) {
                                tokens.add(PlatformServer.json(answer.body())
                                        .get("token")
                                        .asText());
                                if (started > resetReturned.get()) {
                                    lateSuccesses.add(started);
                                }
                            }
                        }
                    }));
                }
                Thread.sleep(150 + 40L * round); // a different moment of the logins' hashing each round
                TestTenants.expect(
                        204,
                        reset(
                                tenant,
                                user,
                                json("password", "reset-" + round + "-secret").toString()));
                resetReturned.set(System.nanoTime());
                Thread.sleep(150);
                running.set(false);
                for (Future<?> racer : racers) {
                    racer.get(30, TimeUnit.SECONDS);
                }
            }
            for (String token : tokens) {
                if (history(tenant, token) != 401) {
                    failures.add("round " + round + ": a session of the old password works after the reset");
                }
            }
            if (!lateSuccesses.isEmpty()) {
                failures.add("round " + round + ": the old password signed in after the reset returned");
            }
        }
        assertEquals(List.of(), failures);
    }

    /**
     * Two changes from one session at once (a double submit, two tabs), both with the right current password: one
     * changes it, the other is told it changed meanwhile (409), not that the password it gave is wrong, and counts as
     * no failed attempt.
     */
    @Test
    void twoChangesAtOnceOneWinsTheOtherIsToldItChangedMeanwhile() throws Exception {
        String tenant = tenant("alice");
        String token = server.login(tenant, "alice");
        String current = PlatformServer.password("alice");
        List<Integer> losers = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            String next = "alice-round-" + round;
            String given = current;
            List<Integer> statuses;
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<Integer>> both = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    both.add(
                            pool.submit(() -> change(tenant, token, given, next).statusCode()));
                }
                statuses = new ArrayList<>();
                for (Future<Integer> each : both) {
                    statuses.add(each.get(30, TimeUnit.SECONDS));
                }
            }
            assertEquals(1, statuses.stream().filter(s -> s == 204).count(), "one changes it: " + statuses);
            int loser = statuses.stream().filter(s -> s != 204).findFirst().orElseThrow();
            assertTrue(loser == 409 || loser == 403, "409, or 403 when it read the new password: " + statuses);
            losers.add(loser);
            current = next;
            assertEquals(200, history(tenant, token), "the session asking stays");
        }
        assertTrue(losers.contains(409), "hashed at the same time at least once: " + losers);
        assertEquals(201, login(tenant, "alice", current).statusCode());
    }
}
