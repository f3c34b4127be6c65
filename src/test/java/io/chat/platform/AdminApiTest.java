package io.chat.platform;

import static io.chat.platform.ChatAssertions.assertOk;
import static io.chat.platform.PlatformServer.json;
import static io.chat.platform.RestApiTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every row of the contract's admin API, against the real platform. */
@PlatformTest
class AdminApiTest {
    private static final String SECRET = "a-shared-secret-of-at-least-32-bytes!!";
    private static final long TWO_SECONDS = Duration.ofSeconds(2).toNanos();
    private static PlatformServer server;

    private static HttpResponse<String> provision(String body) {
        return server.admin("POST", "/admin/tenants", body);
    }

    private static HttpResponse<String> raw(
            String method, String path, String contentType, String body, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.adminUrl() + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return server.send(request.build());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static void assertDisconnectedWithinTwoSeconds(ChatClient socket, long adminReturned) {
        socket.awaitDisconnect();
        long took = socket.disconnectedAtNanos() - adminReturned;
        assertTrue(took < TWO_SECONDS, "disconnected after " + took / 1_000_000 + " ms");
    }

    // --- provisioning --------------------------------------------------------------------------------------

    @Test
    void provisionAnswers201WithTheTenantAndItIsLiveAtOnce() {
        HttpResponse<String> created =
                provision("{\"id\":\"prov-one\",\"displayName\":\"Prov One\"," + "\"auth\":{\"type\":\"password\"}}");
        assertEquals(201, created.statusCode(), created.body());
        RestApiTest.assertJsonContentType(created);
        JsonNode tenant = json(created.body());
        assertTrue(tenant.isObject());
        assertEquals("prov-one", tenant.get("id").asText());
        assertTrue(Files.isDirectory(server.tenantsDir().resolve("prov-one")));

        assertEquals(
                201,
                server.admin(
                                "POST",
                                "/admin/tenants/prov-one/users",
                                "{\"username\":\"alice\",\"password\":\"alice-password\"}")
                        .statusCode());
        try (ChatClient alice = ChatClient.connect(server.url(), "/prov-one", server.login("prov-one", "alice"))) {
            assertOk(alice.join("general"));
        }
    }

    @Test
    void jwtSecretNeverAppearsAfterCreation() {
        HttpResponse<String> created = provision("{\"id\":\"jwt-tenant\",\"auth\":{\"type\":\"jwt\","
                + "\"issuer\":\"https://idp.example\",\"audience\":\"chat\","
                + "\"secret\":\"" + SECRET + "\"}}");
        assertEquals(201, created.statusCode(), created.body());
        JsonNode tenant = json(created.body());
        assertEquals("jwt-tenant", tenant.get("id").asText());
        assertFalse(created.body().contains(SECRET), created.body());
        assertFalse(created.body().contains("\"secret\""), created.body());
        HttpResponse<String> one = server.admin("GET", "/admin/tenants/jwt-tenant", null);
        assertEquals(200, one.statusCode());
        assertFalse(one.body().contains(SECRET), one.body());
        assertFalse(one.body().contains("\"secret\""), one.body());
        HttpResponse<String> list = server.admin("GET", "/admin/tenants", null);
        assertFalse(list.body().contains(SECRET), list.body());
        assertFalse(list.body().contains("\"secret\""), list.body());
        HttpResponse<String> metrics = server.admin("GET", "/metrics", null);
        assertFalse(metrics.body().contains(SECRET));
    }

    @Test
    void duplicateTenantIs409() {
        String body = "{\"id\":\"dup-tenant\",\"auth\":{\"type\":\"password\"}}";
        assertEquals(201, provision(body).statusCode());
        assertEquals("conflict", assertError(409, provision(body)));
        assertEquals(
                "conflict",
                assertError(
                        409,
                        provision("{\"id\":\"dup-tenant\",\"auth\":{\"type\":\"jwt\","
                                + "\"issuer\":\"i\",\"secret\":\"" + SECRET + "\"}}")));
    }

    /**
     * Two JWT tenants with one issuer and one key (one Keycloak realm for several customers) would accept each
     * other's tokens: the second is refused, unless both have an audience and the two differ. Before this rule the
     * second was created and one token opened both namespaces.
     */
    @Test
    void aJwtTenantWithTheIssuerAndKeyOfAnotherIs400UnlessEachHasItsOwnAudience() {
        String issuer = "https://one-realm.admin-test.example";
        String secret = "the-realm-secret-every-customer-shares!!";
        assertEquals(
                201,
                provision(jwtTenant("realm-one", issuer, null, "secret", secret))
                        .statusCode());
        String refused = "another jwt tenant has this issuer and key: give each its own audience";
        for (String audience : new String[] {null, "realm-two"}) {
            HttpResponse<String> second = provision(jwtTenant("realm-two", issuer, audience, "secret", secret));
            assertEquals("bad_request", assertError(400, second), "audience " + audience);
            assertEquals(
                    refused, json(second.body()).get("error").get("message").asText());
            assertEquals(
                    404, server.admin("GET", "/admin/tenants/realm-two", null).statusCode());
        }
        String oneToken = Jwts.hs256(secret, Jwts.claims(issuer, "alice"));
        ChatClient.connect(server.url(), "/realm-one", oneToken).close();
        assertEquals("Invalid namespace", ChatClient.connectError(server.url(), "/realm-two", oneToken));
        // another key, or another issuer, is another identity provider
        assertEquals(
                201,
                provision(jwtTenant("realm-other-key", issuer, null, "secret", secret.replace('!', '?')))
                        .statusCode());
        assertEquals(
                201,
                provision(jwtTenant("realm-other-iss", issuer + "/other", null, "secret", secret))
                        .statusCode());

        // each with an audience of its own: both are created, and neither accepts the other's tokens
        String shared = "https://shared-realm.admin-test.example";
        assertEquals(
                201,
                provision(jwtTenant("realm-aud-a", shared, "chat-a", "secret", secret))
                        .statusCode());
        assertEquals(
                201,
                provision(jwtTenant("realm-aud-b", shared, "chat-b", "secret", secret))
                        .statusCode());
        for (String audience : new String[] {"chat-a", null}) {
            assertEquals(
                    "bad_request",
                    assertError(400, provision(jwtTenant("realm-aud-c", shared, audience, "secret", secret))),
                    "audience " + audience);
        }
        for (String[] pair :
                new String[][] {{"chat-a", "realm-aud-a", "realm-aud-b"}, {"chat-b", "realm-aud-b", "realm-aud-a"}}) {
            Map<String, Object> claims = Jwts.claims(shared, "bob");
            claims.put("aud", pair[0]);
            String token = Jwts.hs256(secret, claims);
            ChatClient.connect(server.url(), "/" + pair[1], token).close();
            assertEquals(
                    "unauthorized",
                    ChatClient.connectError(server.url(), "/" + pair[2], token),
                    "a token for " + pair[1] + " must not open " + pair[2]);
        }

        // RS256: the same public key, however its PEM is wrapped
        KeyPair rsa = Jwts.rsaKeyPair();
        String pem = Jwts.pem(rsa.getPublic());
        String rsIssuer = "https://rs-realm.admin-test.example";
        assertEquals(
                201,
                provision(jwtTenant("realm-rs-one", rsIssuer, null, "publicKeyPem", pem))
                        .statusCode());
        String rewrapped = pem.replace("\n", "\r\n").replaceFirst("-----\r\n", "-----\r\n\r\n");
        assertEquals(
                "bad_request",
                assertError(400, provision(jwtTenant("realm-rs-two", rsIssuer, null, "publicKeyPem", rewrapped))));
        assertEquals(
                201,
                provision(jwtTenant(
                                "realm-rs-other",
                                rsIssuer,
                                null,
                                "publicKeyPem",
                                Jwts.pem(Jwts.rsaKeyPair().getPublic())))
                        .statusCode());
        // an id that exists is still 409, whatever its auth
        assertEquals("conflict", assertError(409, provision(jwtTenant("realm-one", issuer, null, "secret", secret))));
    }

    private static String jwtTenant(String id, String issuer, String audience, String keyField, String key) {
        ObjectNode auth = ChatClient.json("type", "jwt", "issuer", issuer, keyField, key);
        if (audience != null) {
            auth.put("audience", audience);
        }
        return ChatClient.json("id", id, "auth", auth).toString();
    }

    @Test
    void invalidDefinitionsAre400() {
        List<String> bodies = List.of(
                "{\"id\":\"Bad\",\"auth\":{\"type\":\"password\"}}",
                "{\"id\":\"ab\",\"auth\":{\"type\":\"password\"}}",
                "{\"id\":\"bad_id\",\"auth\":{\"type\":\"password\"}}",
                "{\"id\":\"bad-\",\"auth\":{\"type\":\"password\"}}",
                "{\"auth\":{\"type\":\"password\"}}",
                "{\"id\":42,\"auth\":{\"type\":\"password\"}}",
                "{\"id\":\"no-auth\"}",
                "{\"id\":\"null-auth\",\"auth\":null}",
                "{\"id\":\"string-auth\",\"auth\":\"password\"}",
                "{\"id\":\"odd-auth\",\"auth\":{\"type\":\"ldap\"}}",
                "{\"id\":\"short-secret\",\"auth\":{\"type\":\"jwt\",\"issuer\":\"i\",\"secret\":\"too-short\"}}",
                "{\"id\":\"short-secret2\",\"auth\":{\"type\":\"jwt\",\"issuer\":\"i\",\"secret\":\"" + "x".repeat(31)
                        + "\"}}",
                "{\"id\":\"no-key\",\"auth\":{\"type\":\"jwt\",\"issuer\":\"i\"}}",
                "{\"id\":\"no-issuer\",\"auth\":{\"type\":\"jwt\",\"secret\":\"" + SECRET + "\"}}",
                "{\"id\":\"bad-pem\",\"auth\":{\"type\":\"jwt\",\"issuer\":\"i\",\"publicKeyPem\":\"not a key\"}}",
                "{\"id\":\"bad-limits\",\"auth\":{\"type\":\"password\"},\"limits\":{\"messagesPerSecond\":0}}",
                "{\"id\":\"bad-limits2\",\"auth\":{\"type\":\"password\"},\"limits\":{\"roomsPerSocket\":-3}}",
                "{\"id\":\"bad-limits3\",\"auth\":{\"type\":\"password\"},\"limits\":{\"messageBurst\":\"10\"}}",
                "{\"id\":\"bad-limits4\",\"auth\":{\"type\":\"password\"},\"limits\":{\"socketsPerTenant\":1.5}}",
                "{\"id\":\"bad-limits5\",\"auth\":{\"type\":\"password\"},\"limits\":[1]}",
                "{\"id\":\"bad-limits6\",\"auth\":{\"type\":\"password\"},"
                        + "\"limits\":{\"loginFailuresPerMinute\":99999999999}}",
                "[]",
                "\"x\"",
                "not json",
                "{");
        for (String body : bodies) {
            assertEquals("bad_request", assertError(400, provision(body)), body);
        }
        // 31 bytes of UTF-8 in fewer characters is short too; 32 bytes are enough
        assertError(
                400,
                provision("{\"id\":\"utf-secret\",\"auth\":{\"type\":\"jwt\",\"issuer\":\"i\",\"secret\":\""
                        + "é".repeat(15) + "x\"}}"));
        assertEquals(
                201,
                provision("{\"id\":\"ok-secret\",\"auth\":{\"type\":\"jwt\",\"issuer\":\"i\",\"secret\":\""
                                + "x".repeat(32) + "\"}}")
                        .statusCode());
        for (String id :
                List.of("no-auth", "null-auth", "short-secret", "no-key", "bad-limits", "bad-limits6", "utf-secret")) {
            assertEquals(404, server.admin("GET", "/admin/tenants/" + id, null).statusCode(), id);
        }
        for (String id : List.of(
                "Bad",
                "ab",
                "bad_id",
                "bad-",
                "no-auth",
                "null-auth",
                "short-secret",
                "no-key",
                "bad-limits",
                "bad-limits6",
                "utf-secret")) {
            assertFalse(Files.exists(server.tenantsDir().resolve(id)), id);
        }
    }

    @Test
    void wrongContentTypeIs415() {
        String body = "{\"id\":\"typed\",\"auth\":{\"type\":\"password\"}}";
        String auth = basic(PlatformServer.ADMIN_USER, PlatformServer.ADMIN_PASSWORD);
        assertEquals(
                "unsupported_media_type", assertError(415, raw("POST", "/admin/tenants", "text/plain", body, auth)));
        assertError(415, raw("POST", "/admin/tenants", null, body, auth));
        assertError(415, raw("POST", "/admin/tenants", "application/x-www-form-urlencoded", body, auth));
        assertEquals(404, server.admin("GET", "/admin/tenants/typed", null).statusCode());
        assertEquals(
                201,
                raw("POST", "/admin/tenants", "application/json; charset=utf-8", body, auth)
                        .statusCode());
        assertError(
                415,
                raw(
                        "POST",
                        "/admin/tenants/typed/users",
                        "text/plain",
                        "{\"username\":\"alice\",\"password\":\"alice-password\"}",
                        auth));
        assertError(415, raw("POST", "/admin/tenants/typed/announcements", "text/plain", "{\"text\":\"hi\"}", auth));
    }

    @Test
    void oversizedBodyIs413() {
        String big = "{\"id\":\"too-big\",\"displayName\":\"" + "x".repeat(64 * 1024)
                + "\",\"auth\":{\"type\":\"password\"}}";
        assertEquals("too_large", assertError(413, provision(big)));
        assertEquals(404, server.admin("GET", "/admin/tenants/too-big", null).statusCode());
        assertFalse(Files.exists(server.tenantsDir().resolve("too-big")));
        server.passwordTenant("big-users");
        assertError(
                413,
                server.admin(
                        "POST",
                        "/admin/tenants/big-users/users",
                        "{\"username\":\"alice\",\"password\":\"" + "p".repeat(70_000) + "\"}"));
        assertError(
                413,
                server.admin(
                        "POST", "/admin/tenants/big-users/announcements", "{\"text\":\"" + "t".repeat(70_000) + "\"}"));
    }

    @Test
    void withoutOrWithWrongCredentialsIs401() {
        String body = "{\"id\":\"unauth\",\"auth\":{\"type\":\"password\"}}";
        List<String> wrong = List.of(
                basic(PlatformServer.ADMIN_USER, "wrong-password"),
                basic("someone", PlatformServer.ADMIN_PASSWORD),
                "Bearer " + PlatformServer.ADMIN_PASSWORD,
                "Basic !!!not-base64");
        assertEquals("unauthorized", assertError(401, raw("POST", "/admin/tenants", "application/json", body, null)));
        for (String auth : wrong) {
            HttpResponse<String> refused = raw("POST", "/admin/tenants", "application/json", body, auth);
            assertError(401, refused);
            assertFalse(refused.body().contains(PlatformServer.ADMIN_PASSWORD));
        }
        for (String path : List.of("/admin/tenants", "/admin/tenants/unauth", "/metrics")) {
            assertError(401, raw("GET", path, null, null, null));
            assertError(401, raw("GET", path, null, null, wrong.getFirst()));
        }
        assertError(401, raw("DELETE", "/admin/tenants/unauth", null, null, null));
        assertEquals(404, server.admin("GET", "/admin/tenants/unauth", null).statusCode(), "nothing was created");
        assertFalse(Files.exists(server.tenantsDir().resolve("unauth")));
    }

    // --- reading -------------------------------------------------------------------------------------------

    @Test
    void listIsAJsonArrayOfTenants() {
        server.passwordTenant("listed-one");
        server.passwordTenant("listed-two");
        HttpResponse<String> list = server.admin("GET", "/admin/tenants", null);
        assertEquals(200, list.statusCode());
        RestApiTest.assertJsonContentType(list);
        JsonNode tenants = json(list.body());
        assertTrue(tenants.isArray(), list.body());
        Set<String> ids = new HashSet<>();
        tenants.forEach(t -> {
            assertTrue(t.isObject());
            ids.add(t.get("id").asText());
        });
        assertTrue(ids.containsAll(Set.of("listed-one", "listed-two")), ids.toString());
    }

    @Test
    void oneTenantShowsLiveFigures() {
        server.passwordTenant("figures", "alice", "bob");
        JsonNode before =
                json(server.admin("GET", "/admin/tenants/figures", null).body());
        assertEquals("figures", before.get("id").asText());
        assertEquals(0, before.get("sockets").asInt());
        assertEquals(0, before.get("rooms").asInt());
        assertEquals(0, before.get("messages").asInt());
        try (ChatClient alice = ChatClient.connect(server.url(), "/figures", server.login("figures", "alice"));
                ChatClient bob = ChatClient.connect(server.url(), "/figures", server.login("figures", "bob"))) {
            assertOk(alice.join("general"));
            assertOk(alice.join("random"));
            assertOk(bob.join("general"));
            alice.send("general", "one");
            alice.send("general", "two");
            alice.send("random", "three");
            HttpResponse<String> response = server.admin("GET", "/admin/tenants/figures", null);
            assertEquals(200, response.statusCode());
            JsonNode live = json(response.body());
            assertEquals(2, live.get("sockets").asInt(), response.body());
            assertEquals(2, live.get("rooms").asInt(), response.body());
            assertEquals(3, live.get("messages").asInt(), response.body());
            JsonNode listed = null;
            for (JsonNode t : json(server.admin("GET", "/admin/tenants", null).body())) {
                if (t.get("id").asText().equals("figures")) {
                    listed = t;
                }
            }
            assertTrue(listed != null);
            assertEquals(2, listed.get("sockets").asInt());
            assertEquals(3, listed.get("messages").asInt());
        }
    }

    @Test
    void unknownTenantOrUserIs404() {
        server.passwordTenant("known", "alice");
        for (String[] call : new String[][] {
            {"GET", "/admin/tenants/unknown-one", null},
            {"DELETE", "/admin/tenants/unknown-one", null},
            {"POST", "/admin/tenants/unknown-one/suspend", null},
            {"POST", "/admin/tenants/unknown-one/resume", null},
            {"POST", "/admin/tenants/unknown-one/users", "{\"username\":\"alice\",\"password\":\"alice-password\"}"},
            {"DELETE", "/admin/tenants/unknown-one/users/alice", null},
            {"POST", "/admin/tenants/unknown-one/announcements", "{\"text\":\"hi\"}"},
            {"DELETE", "/admin/tenants/known/users/nobody", null},
            {"GET", "/admin/tenants/unknown-one/users", null},
            {"PUT", "/admin/tenants/unknown-one/users/alice/password", "{\"password\":\"long-enough\"}"}
        }) {
            assertEquals("not_found", assertError(404, server.admin(call[0], call[1], call[2])), call[1]);
        }
        assertFalse(Files.exists(server.tenantsDir().resolve("unknown-one")));
    }

    // --- users ---------------------------------------------------------------------------------------------

    /** The tenant's users a page at a time, by name, with their display names and creation times; never a hash. */
    @Test
    void usersAreListedAPageAtATime() {
        server.passwordTenant("listed", "carol", "alice", "bob");
        JsonNode all = PlatformServer.json(expectOk(server.admin("GET", "/admin/tenants/listed/users", null))
                .body());
        assertEquals(List.of("alice", "bob", "carol"), usernames(all));
        assertFalse(all.get("hasMore").asBoolean());
        assertTrue(all.get("users").get(0).has("createdAt"));
        assertFalse(all.toString().contains("pbkdf2") || all.toString().contains("password"), all.toString());
        JsonNode first = PlatformServer.json(expectOk(server.admin("GET", "/admin/tenants/listed/users?limit=2", null))
                .body());
        assertEquals(List.of("alice", "bob"), usernames(first));
        assertTrue(first.get("hasMore").asBoolean());
        JsonNode rest = PlatformServer.json(expectOk(server.admin("GET", "/admin/tenants/listed/users?after=bob", null))
                .body());
        assertEquals(List.of("carol"), usernames(rest));
        for (String query : List.of("?limit=0", "?limit=1001", "?limit=x", "?after=Not%20A%20Name")) {
            assertEquals(
                    "bad_request", assertError(400, server.admin("GET", "/admin/tenants/listed/users" + query, null)));
        }
    }

    /** An admin renames a user for people; every open socket of the tenant is told, and the name answers users:get. */
    @Test
    void aUsersDisplayNameIsChangedAndTheTenantsSocketsAreTold() {
        server.passwordTenant("renamed", "alice", "bob");
        try (ChatClient bob = ChatClient.connect(server.url(), "/renamed", server.login("renamed", "bob"))) {
            HttpResponse<String> set =
                    server.admin("PATCH", "/admin/tenants/renamed/users/alice", "{\"displayName\":\"Alice Ames\"}");
            assertEquals(200, set.statusCode(), set.body());
            assertEquals(json("{\"username\":\"alice\",\"displayName\":\"Alice Ames\"}"), json(set.body()));
            assertEquals(json("{\"user\":\"alice\",\"displayName\":\"Alice Ames\"}"), bob.awaitEvent("user:updated"));
            assertEquals(
                    "Alice Ames",
                    assertOk(bob.call("users:get", ChatClient.json("users", List.of("alice"))))
                            .get("users")
                            .get(0)
                            .get("displayName")
                            .asText());
            assertEquals(
                    200,
                    server.admin("PATCH", "/admin/tenants/renamed/users/alice", "{\"displayName\":null}")
                            .statusCode());
            assertEquals(json("{\"user\":\"alice\"}"), bob.awaitEvent("user:updated", e -> !e.has("displayName")));
        }
        assertEquals(
                "conflict",
                assertError(
                        409, server.admin("PATCH", "/admin/tenants/renamed/users/alice", "{\"displayName\":\"Bob\"}")));
        assertEquals(
                "not_found",
                assertError(
                        404, server.admin("PATCH", "/admin/tenants/renamed/users/nobody", "{\"displayName\":\"X\"}")));
        for (String body :
                List.of("{}", "{\"displayName\":3}", "{\"displayName\":\"\"}", "{\"displayName\":\" x\"}", "[]")) {
            assertEquals(
                    "bad_request",
                    assertError(400, server.admin("PATCH", "/admin/tenants/renamed/users/alice", body)),
                    body);
        }
    }

    private static HttpResponse<String> expectOk(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        return response;
    }

    private static List<String> usernames(JsonNode page) {
        List<String> names = new java.util.ArrayList<>();
        page.get("users").forEach(u -> names.add(u.get("username").asText()));
        return names;
    }

    @Test
    void usersAre201Then409AndInvalidOnesAre400() {
        server.passwordTenant("people");
        HttpResponse<String> created = server.admin(
                "POST",
                "/admin/tenants/people/users",
                "{\"username\":\"carol\",\"password\":\"carol-password\"," + "\"displayName\":\"Carol\"}");
        assertEquals(201, created.statusCode(), created.body());
        assertFalse(created.body().contains("carol-password"));
        assertEquals(
                "conflict",
                assertError(
                        409,
                        server.admin(
                                "POST",
                                "/admin/tenants/people/users",
                                "{\"username\":\"carol\",\"password\":\"other-password\"}")));
        assertEquals(
                201,
                server.call(
                                "POST",
                                "/api/tenants/people/sessions",
                                "{\"username\":\"carol\",\"password\":\"carol-password\"}",
                                null)
                        .statusCode(),
                "the first password stays");
        // one person passing for another: "carol" shown for mallory, or a user called what carol is shown as
        for (String body : List.of(
                "{\"username\":\"mallory\",\"password\":\"long-enough\",\"displayName\":\"CAROL\"}",
                "{\"username\":\"carol2\",\"password\":\"long-enough\",\"displayName\":\"carol\"}")) {
            HttpResponse<String> refused = server.admin("POST", "/admin/tenants/people/users", body);
            assertEquals("conflict", assertError(409, refused), body);
            assertTrue(refused.body().contains("another user goes by this name"), refused.body());
        }
        for (String body : List.of(
                "{\"username\":\"Carol2\",\"password\":\"long-enough\"}",
                "{\"username\":\"has space\",\"password\":\"long-enough\"}",
                "{\"username\":\"\",\"password\":\"long-enough\"}",
                "{\"username\":\"" + "u".repeat(33) + "\",\"password\":\"long-enough\"}",
                "{\"username\":\"../etc\",\"password\":\"long-enough\"}",
                "{\"password\":\"long-enough\"}",
                "{\"username\":\"dave\",\"password\":\"short\"}",
                "{\"username\":\"dave\",\"password\":\"1234567\"}",
                "{\"username\":\"dave\"}",
                "{\"username\":\"dave\",\"password\":12345678}",
                "[]",
                "not json")) {
            assertEquals(
                    "bad_request", assertError(400, server.admin("POST", "/admin/tenants/people/users", body)), body);
        }
        assertEquals(
                201,
                server.admin(
                                "POST",
                                "/admin/tenants/people/users",
                                "{\"username\":\"d.a_v-e9\",\"password\":\"12345678\"}")
                        .statusCode());
        assertEquals(
                201,
                server.admin(
                                "POST",
                                "/admin/tenants/people/users",
                                "{\"username\":\"" + "u".repeat(32) + "\",\"password\":\"12345678\"}")
                        .statusCode());
        assertError(
                401,
                server.call(
                        "POST",
                        "/api/tenants/people/sessions",
                        "{\"username\":\"dave\",\"password\":\"short\"}",
                        null));
    }

    @Test
    void deletingAUserDisconnectsTheirSocketsAndRevokesTheirTokens() {
        server.passwordTenant("leavers", "alice", "bob");
        String aliceToken = server.login("leavers", "alice");
        try (ChatClient alice = ChatClient.connect(server.url(), "/leavers", aliceToken);
                ChatClient alice2 = ChatClient.connect(server.url(), "/leavers", server.login("leavers", "alice"));
                ChatClient bob = ChatClient.connect(server.url(), "/leavers", server.login("leavers", "bob"))) {
            assertOk(alice.join("general"));
            assertOk(bob.join("general"));
            HttpResponse<String> deleted = server.admin("DELETE", "/admin/tenants/leavers/users/alice", null);
            long returned = System.nanoTime();
            assertEquals(204, deleted.statusCode(), deleted.body());
            assertDisconnectedWithinTwoSeconds(alice, returned);
            assertDisconnectedWithinTwoSeconds(alice2, returned);
            assertEquals("io server disconnect", alice.awaitDisconnect());
            bob.awaitEvent("user:offline", e -> e.get("user").asText().equals("alice"));
            bob.sync();
            assertFalse(bob.isDisconnected());
        }
        assertError(401, server.call("GET", "/api/tenants/leavers/rooms/general/messages", null, aliceToken));
        try (ChatClient again = ChatClient.open(server.url(), "/leavers", ChatClient.options(aliceToken))) {
            assertEquals("unauthorized", again.awaitConnectError());
        }
        assertError(
                401,
                server.call(
                        "POST",
                        "/api/tenants/leavers/sessions",
                        "{\"username\":\"alice\",\"password\":\"alice-password\"}",
                        null));
        assertError(404, server.admin("DELETE", "/admin/tenants/leavers/users/alice", null));
        // the name can be provisioned again, with a fresh password
        assertEquals(
                201,
                server.admin(
                                "POST",
                                "/admin/tenants/leavers/users",
                                "{\"username\":\"alice\",\"password\":\"new-alice-password\"}")
                        .statusCode());
        assertError(401, server.call("GET", "/api/tenants/leavers/rooms/general/messages", null, aliceToken));
    }

    // --- suspend, resume, delete ---------------------------------------------------------------------------

    @Test
    void suspendDisconnectsAndRefusesThenResumeAcceptsAgain() {
        server.passwordTenant("paused", "alice", "bob");
        String alice = server.login("paused", "alice");
        String bob = server.login("paused", "bob");
        server.passwordTenant("bystander", "alice");
        String bystanderToken = server.login("bystander", "alice");
        try (ChatClient aliceSocket = ChatClient.connect(server.url(), "/paused", alice);
                ChatClient bobSocket = ChatClient.connect(server.url(), "/paused", bob);
                ChatClient bystander = ChatClient.connect(server.url(), "/bystander", bystanderToken);
                ChatClient sameConnection = ChatClient.open(aliceSocket.socket().io(), "/bystander", bystanderToken)) {
            sameConnection.awaitConnected();
            HttpResponse<String> suspended = server.admin("POST", "/admin/tenants/paused/suspend", null);
            long returned = System.nanoTime();
            assertEquals(200, suspended.statusCode(), suspended.body());
            assertEquals("paused", json(suspended.body()).get("id").asText());
            assertDisconnectedWithinTwoSeconds(aliceSocket, returned);
            assertDisconnectedWithinTwoSeconds(bobSocket, returned);
            bystander.sync();
            assertFalse(bystander.isDisconnected(), "another tenant's socket stays");
            // the Engine.IO connection stays up for another tenant's socket multiplexed on it
            sameConnection.sync();
            assertFalse(sameConnection.isDisconnected(), "the multiplexed socket of another tenant stays");
        }
        try (ChatClient refused = ChatClient.open(server.url(), "/paused", ChatClient.options(alice))) {
            assertEquals("tenant suspended", refused.awaitConnectError());
        }
        assertEquals(200, server.admin("GET", "/admin/tenants/paused", null).statusCode());
        HttpResponse<String> resumed = server.admin("POST", "/admin/tenants/paused/resume", null);
        assertEquals(200, resumed.statusCode(), resumed.body());
        try (ChatClient back = ChatClient.connect(server.url(), "/paused", alice)) {
            assertOk(back.join("general"));
            back.send("general", "we are back");
        }
    }

    @Test
    void deleteDisconnectsRemovesTheNamespaceAndTheFolder() {
        server.passwordTenant("doomed", "alice", "bob");
        String alice = server.login("doomed", "alice");
        assertTrue(Files.isDirectory(server.tenantsDir().resolve("doomed")));
        try (ChatClient aliceSocket = ChatClient.connect(server.url(), "/doomed", alice);
                ChatClient bobSocket = ChatClient.connect(server.url(), "/doomed", server.login("doomed", "bob"))) {
            assertOk(aliceSocket.join("general"));
            aliceSocket.send("general", "last words");
            HttpResponse<String> deleted = server.admin("DELETE", "/admin/tenants/doomed", null);
            long returned = System.nanoTime();
            assertEquals(204, deleted.statusCode(), deleted.body());
            assertDisconnectedWithinTwoSeconds(aliceSocket, returned);
            assertDisconnectedWithinTwoSeconds(bobSocket, returned);
        }
        try (ChatClient refused = ChatClient.open(server.url(), "/doomed", ChatClient.options(alice))) {
            assertEquals("Invalid namespace", refused.awaitConnectError());
        }
        assertFalse(Files.exists(server.tenantsDir().resolve("doomed")), "folder removed");
        assertError(404, server.admin("GET", "/admin/tenants/doomed", null));
        assertError(404, server.admin("DELETE", "/admin/tenants/doomed", null));
        assertError(
                404,
                server.call(
                        "POST",
                        "/api/tenants/doomed/sessions",
                        "{\"username\":\"alice\",\"password\":\"alice-password\"}",
                        null));
        assertFalse(server.admin("GET", "/metrics", null).body().contains("tenant=\"doomed\""));
        // the id is free again, with nothing of the old tenant
        server.passwordTenant("doomed", "alice");
        // the new tenant's series, not the deleted one's (a meter registered again would read the old store)
        String metrics = server.admin("GET", "/metrics", null).body();
        assertEquals(0, sample(metrics, "chat_messages_stored", "doomed"), metrics);
        assertEquals(
                1,
                Pattern.compile("(?m)^chat_sockets\\{tenant=\"doomed\"}")
                        .matcher(metrics)
                        .results()
                        .count());
        String fresh = server.login("doomed", "alice");
        assertEquals(
                json("{\"messages\":[],\"hasMore\":false}"),
                json(server.call("GET", "/api/tenants/doomed/rooms/general/messages", null, fresh)
                        .body()));
        assertError(401, server.call("GET", "/api/tenants/doomed/rooms/general/messages", null, alice));
    }

    // --- announcements and metrics -------------------------------------------------------------------------

    @Test
    void announcementsReachEverySocketOfTheTenantOnly() {
        server.passwordTenant("news", "alice", "bob");
        server.passwordTenant("elsewhere", "alice");
        try (ChatClient alice = ChatClient.connect(server.url(), "/news", server.login("news", "alice"));
                ChatClient bob = ChatClient.connect(server.url(), "/news", server.login("news", "bob"));
                ChatClient lurker = ChatClient.connect(server.url(), "/news", server.login("news", "bob"));
                ChatClient other = ChatClient.connect(server.url(), "/elsewhere", server.login("elsewhere", "alice"))) {
            assertOk(bob.join("general"));
            HttpResponse<String> accepted =
                    server.admin("POST", "/admin/tenants/news/announcements", "{\"text\":\"maintenance at noon\"}");
            assertEquals(202, accepted.statusCode(), accepted.body());
            for (ChatClient socket : List.of(alice, bob, lurker)) {
                JsonNode event = socket.awaitEvent("announcement");
                assertEquals("maintenance at noon", event.get("text").asText());
                assertTrue(event.get("ts").asText().endsWith("Z"), event.toString());
                java.time.Instant.parse(event.get("ts").asText());
            }
            other.sync();
            assertEquals(List.of(), other.events("announcement"));
            assertError(400, server.admin("POST", "/admin/tenants/news/announcements", "{\"text\":\"\"}"));
            assertError(400, server.admin("POST", "/admin/tenants/news/announcements", "{}"));
            assertError(
                    400,
                    server.admin(
                            "POST", "/admin/tenants/news/announcements", "{\"text\":\"" + "t".repeat(4001) + "\"}"));
        }
    }

    @Test
    void metricsArePrometheusTextPerTenant() {
        server.passwordTenant("metered", "alice", "bob");
        assertError(
                401,
                server.call(
                        "POST",
                        "/api/tenants/metered/sessions",
                        "{\"username\":\"alice\",\"password\":\"wrong-password\"}",
                        null));
        try (ChatClient alice = ChatClient.connect(server.url(), "/metered", server.login("metered", "alice"));
                ChatClient bob = ChatClient.connect(server.url(), "/metered", server.login("metered", "bob"))) {
            assertOk(alice.join("general"));
            assertOk(bob.join("general"));
            alice.send("general", "counted");
            bob.awaitEvent("message");
            HttpResponse<String> metrics = server.admin("GET", "/metrics", null);
            assertEquals(200, metrics.statusCode());
            String type = metrics.headers().firstValue("Content-Type").orElse("");
            assertTrue(type.startsWith("text/plain"), type);
            String text = metrics.body();
            assertEquals(2, sample(text, "chat_sockets", "metered"), text);
            assertEquals(1, sample(text, "chat_rooms", "metered"), text);
            assertEquals(1, sample(text, "chat_messages_stored", "metered"), text);
            assertTrue(sample(text, "chat_messages_delivered_total", "metered") >= 1, text);
            assertTrue(sample(text, "chat_failed_logins_total", "metered") >= 1, text);
            assertEquals(0, sample(text, "chat_queue_full_closes_total", "metered"), text);
            assertEquals(0, sample(text, "chat_reads_skipped_total", "metered"), text);
            for (String family : List.of(
                    "chat_sockets",
                    "chat_messages_stored",
                    "chat_store_commit_seconds",
                    "chat_store_commit_batch_size")) {
                assertTrue(text.contains("# TYPE " + family + " "), family);
            }
            assertTrue(text.contains("chat_store_commit_seconds_bucket{"), text);
            assertTrue(text.contains("chat_outbound_queue_bytes "), text);
            assertTrue(Pattern.compile("(?m)^jvm_heap\\w* \\d").matcher(text).find(), text);
            assertTrue(Pattern.compile("(?m)^jvm_threads\\w* \\d").matcher(text).find(), text);
            for (String line : text.split("\n")) {
                assertTrue(
                        line.startsWith("#") || line.matches("[a-zA-Z_:][a-zA-Z0-9_:]*(\\{[^}]*})? \\S+"),
                        "not Prometheus text: " + line);
            }
        }
        assertError(401, raw("GET", "/metrics", null, null, null));
    }

    private static long sample(String text, String name, String tenant) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{tenant=\"" + tenant + "\"} (\\S+)$")
                .matcher(text);
        assertTrue(m.find(), "no " + name + " for " + tenant);
        return (long) Double.parseDouble(m.group(1));
    }
}
