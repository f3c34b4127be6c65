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
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Logout, user deletion, suspension and tenant deletion disconnect exactly the affected namespace sockets. */
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
}
