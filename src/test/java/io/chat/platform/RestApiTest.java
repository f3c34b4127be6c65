package io.chat.platform;

import static io.chat.platform.ChatAssertions.assertOk;
import static io.chat.platform.PlatformServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The public REST API of the contract (login, logout, history, health) against the real platform. */
@PlatformTest
class RestApiTest {
    private static PlatformServer server;

    @BeforeAll
    static void provision() throws Exception {
        server.passwordTenant("acme", "alice", "bob");
        server.passwordTenant("other", "alice");
    }

    private static HttpResponse<String> login(String tenant, String body) {
        return server.call("POST", "/api/tenants/" + tenant + "/sessions", body, null);
    }

    private static String credentials(String user, String password) {
        return "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}";
    }

    /** Asserts the contract's error shape, without a stack trace, and returns the error code. */
    static String assertError(int status, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response::body);
        assertJsonContentType(response);
        String body = response.body();
        assertFalse(body.contains("Exception"), body);
        assertFalse(body.contains("at io."), body);
        JsonNode error = json(body).get("error");
        assertTrue(error != null && error.isObject(), body);
        assertTrue(error.get("code").isTextual() && !error.get("code").asText().isEmpty(), body);
        assertTrue(
                error.get("message").isTextual()
                        && !error.get("message").asText().isEmpty(),
                body);
        return error.get("code").asText();
    }

    static void assertJsonContentType(HttpResponse<String> response) {
        Optional<String> type = response.headers().firstValue("Content-Type");
        assertTrue(type.isPresent() && type.get().startsWith("application/json"), "content type " + type);
    }

    private static HttpResponse<String> history(String tenant, String room, String query, String token) {
        return server.call("GET", "/api/tenants/" + tenant + "/rooms/" + room + "/messages" + query, null, token);
    }

    // --- login ---------------------------------------------------------------------------------------------

    @Test
    void loginAnswers201WithTokenUserAndExpiry() {
        HttpResponse<String> response = login("acme", credentials("alice", "alice-password"));
        assertEquals(201, response.statusCode(), response.body());
        assertJsonContentType(response);
        JsonNode body = json(response.body());
        assertTrue(body.get("token").isTextual() && body.get("token").asText().length() >= 16, response.body());
        assertTrue(body.get("user").isTextual(), response.body());
        assertEquals("alice", body.get("user").asText());
        String expiresAt = body.get("expiresAt").asText();
        assertTrue(expiresAt.endsWith("Z"), expiresAt);
        assertTrue(Instant.parse(expiresAt).isAfter(Instant.now()), expiresAt);
        assertFalse(response.body().contains("alice-password"));

        String again = server.login("acme", "alice");
        assertNotEquals(body.get("token").asText(), again, "each login gets its own token");
    }

    @Test
    void malformedLoginsAnswer400() {
        List<String> bodies = List.of(
                "not json",
                "{\"username\":\"alice\"",
                "{}",
                "{\"username\":\"alice\"}",
                "{\"password\":\"alice-password\"}",
                "[\"alice\",\"alice-password\"]",
                "\"alice\"",
                "42",
                "null",
                "{\"username\":1,\"password\":\"alice-password\"}",
                "{\"username\":\"alice\",\"password\":[]}");
        for (String body : bodies) {
            assertEquals("bad_request", assertError(400, login("acme", body)), body);
        }
        assertError(400, server.call("POST", "/api/tenants/acme/sessions", null, null));
    }

    @Test
    void usernamesNoUserCanHaveAnswer400BeforeAnythingKeysOnThem() {
        // 60,000 characters: was 500 internal, and each one kept in the login throttle for minutes
        for (String name : List.of("u".repeat(60_000), "x".repeat(33), "Alice", "al ice", "", "al\u00e9")) {
            HttpResponse<String> refused = login("acme", credentials(name, "alice-password"));
            assertEquals(
                    "bad_request", assertError(400, refused), name.length() > 40 ? name.length() + " chars" : name);
        }
        // a valid name, even of the longest length and unknown, is checked as usual
        assertError(401, login("acme", credentials("x".repeat(32), "alice-password")));
        server.login("acme", "alice");
    }

    @Test
    void loginTakesJsonOnly() {
        String body = credentials("alice", "alice-password");
        for (String type :
                List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x")) {
            HttpResponse<String> refused =
                    server.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/tenants/acme/sessions"))
                            .header("Content-Type", type)
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build());
            assertEquals("unsupported_media_type", assertError(415, refused), type);
        }
        HttpResponse<String> untyped =
                server.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/tenants/acme/sessions"))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build());
        assertError(415, untyped);
        assertEquals(
                201,
                server.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/tenants/acme/sessions"))
                                .header("Content-Type", "application/json; charset=utf-8")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build())
                        .statusCode());
    }

    @Test
    void badPasswordAndUnknownUserGetTheSameAnswer() {
        HttpResponse<String> badPassword = login("acme", credentials("bob", "wrong-password"));
        HttpResponse<String> unknownUser = login("acme", credentials("nobody", "wrong-password"));
        assertError(401, badPassword);
        assertError(401, unknownUser);
        assertEquals(badPassword.body(), unknownUser.body());
        assertEquals(
                badPassword.headers().firstValue("Content-Type"),
                unknownUser.headers().firstValue("Content-Type"));
        // failures of bob (1 of 10) do not stop bob
        server.login("acme", "bob");
    }

    @Test
    void unknownTenantIs404AndInvalidTenantIs400() {
        assertEquals("not_found", assertError(404, login("nosuch", credentials("alice", "alice-password"))));
        for (String id : List.of("AC", "Acme", "a_b", "ac", "acme-", "-acme", "x".repeat(33))) {
            assertEquals("bad_request", assertError(400, login(id, credentials("alice", "alice-password"))), id);
        }
    }

    @Test
    void tooManyFailuresAnswer429WithRetryAfterButOtherUsersStillLogIn() {
        assertEquals(
                201,
                server.admin(
                                "POST",
                                "/admin/tenants",
                                "{\"id\":\"throttled\",\"auth\":{\"type\":\"password\"},"
                                        + "\"limits\":{\"loginFailuresPerMinute\":3}}")
                        .statusCode());
        for (String user : List.of("alice", "bob")) {
            assertEquals(
                    201,
                    server.admin("POST", "/admin/tenants/throttled/users", credentials(user, user + "-password"))
                            .statusCode());
        }
        for (int i = 0; i < 3; i++) {
            assertError(401, login("throttled", credentials("alice", "wrong-" + i + "-password")));
        }
        HttpResponse<String> limited = login("throttled", credentials("alice", "wrong-password"));
        assertEquals("rate_limited", assertError(429, limited));
        String retryAfter =
                limited.headers().firstValue("Retry-After").orElseThrow(() -> new AssertionError("no Retry-After"));
        long seconds = Long.parseLong(retryAfter.trim());
        assertTrue(seconds >= 1 && seconds <= 60, retryAfter);
        // the right password is refused too while limited, from the address that failed
        assertError(429, login("throttled", credentials("alice", "alice-password")));
        // not from another: a guesser cannot lock alice out of her own machine
        assertEquals(
                201,
                server.callFromOtherAddress(
                                "POST", "/api/tenants/throttled/sessions", credentials("alice", "alice-password"))
                        .statusCode());
        // which started her count again
        assertError(401, login("throttled", credentials("alice", "wrong-again-password")));
        // another user of the same tenant is not affected
        assertEquals(201, login("throttled", credentials("bob", "bob-password")).statusCode());
        // nor is the same user name in another tenant
        assertEquals(201, login("other", credentials("alice", "alice-password")).statusCode());
    }

    // --- logout --------------------------------------------------------------------------------------------

    @Test
    void logoutAnswers204AndTheTokenIsRefusedAfterwards() {
        String token = server.login("acme", "bob");
        assertEquals(200, history("acme", "general", "", token).statusCode());
        HttpResponse<String> logout = server.call("DELETE", "/api/tenants/acme/sessions/current", null, token);
        assertEquals(204, logout.statusCode(), logout.body());
        assertError(401, history("acme", "general", "", token));
        assertError(401, server.call("DELETE", "/api/tenants/acme/sessions/current", null, token));
        assertError(401, server.call("DELETE", "/api/tenants/acme/sessions/current", null, null));
        assertError(401, server.call("DELETE", "/api/tenants/acme/sessions/current", null, "not-a-token"));
    }

    @Test
    void logoutDisconnectsTheTokensSockets() {
        String token = server.login("acme", "bob");
        String kept = server.login("acme", "bob");
        try (ChatClient revoked = ChatClient.connect(server.url(), "/acme", token);
                ChatClient other = ChatClient.connect(server.url(), "/acme", kept)) {
            assertEquals(
                    204,
                    server.call("DELETE", "/api/tenants/acme/sessions/current", null, token)
                            .statusCode());
            long returned = System.nanoTime();
            revoked.awaitDisconnect();
            assertTrue(revoked.disconnectedAtNanos() - returned < 2_000_000_000L, "disconnected within 2 s");
            other.sync();
            assertFalse(other.isDisconnected(), "another token's socket stays");
            try (ChatClient again = ChatClient.open(server.url(), "/acme", ChatClient.options(token))) {
                assertEquals("unauthorized", again.awaitConnectError());
            }
        }
    }

    // --- history -------------------------------------------------------------------------------------------

    @Test
    void historyNeedsAValidTokenOfTheTenant() {
        String otherToken = server.login("other", "alice");
        assertEquals("unauthorized", assertError(401, history("acme", "general", "", null)));
        assertError(401, history("acme", "general", "", "bogus"));
        assertError(401, history("acme", "general", "", otherToken));
        HttpResponse<String> basic = server.send(HttpRequest.newBuilder(
                        URI.create(server.url() + "/api/tenants/acme/rooms/general/messages"))
                .header(
                        "Authorization",
                        "Basic " + java.util.Base64.getEncoder().encodeToString("alice:alice-password".getBytes()))
                .GET()
                .build());
        assertError(401, basic);
        assertEquals(200, history("other", "general", "", otherToken).statusCode());
    }

    @Test
    void emptyRoomAnswersAnEmptyPage() {
        String token = server.login("acme", "alice");
        HttpResponse<String> response = history("acme", "never-used", "", token);
        assertEquals(200, response.statusCode(), response.body());
        assertJsonContentType(response);
        assertEquals(json("{\"messages\":[],\"hasMore\":false}"), json(response.body()));
        assertEquals(
                json("{\"messages\":[],\"hasMore\":false}"),
                json(history("acme", "never-used", "?before=10&limit=5", token).body()));
    }

    @Test
    void historyPagesLikeTheContract() {
        String token = server.login("acme", "alice");
        List<JsonNode> sent = new ArrayList<>();
        try (ChatClient alice = ChatClient.connect(server.url(), "/acme", token)) {
            assertOk(alice.join("paging"));
            for (int i = 1; i <= 7; i++) {
                sent.add(alice.send("paging", "message " + i));
            }
        }
        for (int i = 0; i < 7; i++) {
            assertEquals(i + 1, sent.get(i).get("seq").asLong(), "seq starts at 1, no gaps");
        }

        JsonNode all = json(history("acme", "paging", "", token).body());
        assertEquals(7, all.get("messages").size());
        assertFalse(all.get("hasMore").asBoolean());
        assertTrue(all.get("hasMore").isBoolean());
        for (int i = 0; i < 7; i++) {
            JsonNode message = all.get("messages").get(i);
            assertEquals(sent.get(i), message, "REST returns messages as acked");
            assertEquals("paging", message.get("room").asText());
            assertEquals("alice", message.get("from").asText());
            assertTrue(message.get("id").isTextual());
            assertTrue(message.get("ts").asText().endsWith("Z"));
            Instant.parse(message.get("ts").asText());
        }

        JsonNode newest = json(history("acme", "paging", "?limit=3", token).body());
        assertEquals(List.of(5L, 6L, 7L), seqs(newest));
        assertTrue(newest.get("hasMore").asBoolean());

        JsonNode middle =
                json(history("acme", "paging", "?before=5&limit=3", token).body());
        assertEquals(List.of(2L, 3L, 4L), seqs(middle), "before is exclusive, oldest first");
        assertTrue(middle.get("hasMore").asBoolean());

        JsonNode oldest =
                json(history("acme", "paging", "?before=2&limit=3", token).body());
        assertEquals(List.of(1L), seqs(oldest));
        assertFalse(oldest.get("hasMore").asBoolean());

        JsonNode exact =
                json(history("acme", "paging", "?before=4&limit=3", token).body());
        assertEquals(List.of(1L, 2L, 3L), seqs(exact));
        assertFalse(exact.get("hasMore").asBoolean(), "nothing older than seq 1");

        JsonNode beforeFirst =
                json(history("acme", "paging", "?before=1", token).body());
        assertEquals(List.of(), seqs(beforeFirst));
        assertFalse(beforeFirst.get("hasMore").asBoolean());

        JsonNode beyond =
                json(history("acme", "paging", "?before=1000&limit=100", token).body());
        assertEquals(7, beyond.get("messages").size());

        JsonNode one = json(history("acme", "paging", "?limit=1", token).body());
        assertEquals(List.of(7L), seqs(one));
        assertTrue(one.get("hasMore").asBoolean());
    }

    @Test
    void badHistoryParametersAnswer400() {
        String token = server.login("acme", "alice");
        for (String query : List.of(
                "?limit=0",
                "?limit=101",
                "?limit=-1",
                "?limit=abc",
                "?limit=1.5",
                "?before=abc",
                "?before=-1",
                "?limit=99999999999")) {
            assertEquals("bad_request", assertError(400, history("acme", "general", query, token)), query);
        }
        assertEquals(200, history("acme", "general", "?limit=100", token).statusCode());
        assertEquals(200, history("acme", "general", "?limit=1&before=0", token).statusCode());
    }

    @Test
    void invalidRoomOrTenantInHistoryPath() {
        String token = server.login("acme", "alice");
        assertError(404, history("acme", "bad%20room", "", token));
        assertError(404, history("acme", "x".repeat(65), "", token));
        assertError(404, history("nosuch", "general", "", token));
        assertError(400, history("Acme", "general", "", token));
    }

    private static List<Long> seqs(JsonNode page) {
        List<Long> seqs = new ArrayList<>();
        page.get("messages").forEach(m -> seqs.add(m.get("seq").asLong()));
        return seqs;
    }

    // --- health, errors, ports -----------------------------------------------------------------------------

    @Test
    void healthIsUp() {
        HttpResponse<String> health = server.call("GET", "/health", null, null);
        assertEquals(200, health.statusCode());
        assertEquals(json("{\"status\":\"UP\"}"), json(health.body()));
        assertFalse(health.body().contains("acme"), "says nothing about tenants");
    }

    @Test
    void adminAndMetricsAreNotOnThePublicPort() {
        String basic = "Basic "
                + java.util.Base64.getEncoder()
                        .encodeToString((PlatformServer.ADMIN_USER + ":" + PlatformServer.ADMIN_PASSWORD).getBytes());
        for (String path : List.of("/admin/tenants", "/admin/tenants/acme", "/metrics")) {
            HttpResponse<String> plain = server.call("GET", path, null, null);
            assertEquals(404, plain.statusCode(), path + ": " + plain.body());
            HttpResponse<String> withCredentials = server.send(HttpRequest.newBuilder(URI.create(server.url() + path))
                    .header("Authorization", basic)
                    .GET()
                    .build());
            assertEquals(404, withCredentials.statusCode(), path);
            assertFalse(withCredentials.body().contains("chat_sockets"), path);
            assertFalse(withCredentials.body().contains("\"acme\""), path);
        }
        HttpResponse<String> post = server.send(HttpRequest.newBuilder(URI.create(server.url() + "/admin/tenants"))
                .header("Authorization", basic)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"sneaky\",\"auth\":{\"type\":\"password\"}}"))
                .build());
        assertEquals(404, post.statusCode());
        assertEquals(404, server.admin("GET", "/admin/tenants/sneaky", null).statusCode(), "nothing provisioned");
    }

    @Test
    void unknownPathsAndMethodsAnswerJsonErrorsWithoutStackTraces() {
        assertError(404, server.call("GET", "/api/nothing-here", null, null));
        HttpResponse<String> wrongMethod = server.call("GET", "/api/tenants/acme/sessions", null, null);
        assertTrue(wrongMethod.statusCode() == 404 || wrongMethod.statusCode() == 405, wrongMethod.body());
        assertFalse(wrongMethod.body().contains("Exception"));
        HttpResponse<String> huge =
                login("acme", "{\"username\":\"alice\",\"password\":\"" + "p".repeat(70_000) + "\"}");
        assertTrue(huge.statusCode() == 400 || huge.statusCode() == 413, huge.statusCode() + " " + huge.body());
        assertError(huge.statusCode(), huge);
    }
}
