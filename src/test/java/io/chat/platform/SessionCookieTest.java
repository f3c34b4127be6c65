package io.chat.platform;

import static io.chat.platform.PlatformServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * "Keep me signed in" (contract: Login and sessions): a remembered login leaves an HttpOnly, SameSite=Strict cookie
 * for the tenant's session routes alone; a new tab trades it for the same session; logout, a revoked session, another
 * tenant, another site and a stranger's guess get nothing.
 */
@PlatformTest
class SessionCookieTest {
    private static PlatformServer server;

    @BeforeAll
    static void provision() {
        server.passwordTenant("acme", "alice");
        server.passwordTenant("other", "alice");
    }

    private static HttpResponse<String> post(String path, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return server.send(request.build());
    }

    private static HttpResponse<String> rememberedLogin(String tenant, String... headers) {
        return post(
                "/api/tenants/" + tenant + "/sessions",
                "{\"username\":\"alice\",\"password\":\"" + PlatformServer.password("alice") + "\",\"remember\":true}",
                headers);
    }

    private static HttpResponse<String> resume(String tenant, String cookie, String... headers) {
        String[] all = cookie == null ? headers : concat(headers, "Cookie", cookie);
        return post("/api/tenants/" + tenant + "/sessions/resume", "{}", all);
    }

    private static String[] concat(String[] headers, String... more) {
        String[] all = new String[headers.length + more.length];
        System.arraycopy(headers, 0, all, 0, headers.length);
        System.arraycopy(more, 0, all, headers.length, more.length);
        return all;
    }

    /** The Set-Cookie header of the session cookie, and its "name=value" part. */
    private static String setCookie(HttpResponse<String> response) {
        List<String> cookies = response.headers().allValues("Set-Cookie");
        assertEquals(1, cookies.size(), cookies::toString);
        return cookies.getFirst();
    }

    private static String pair(String setCookie) {
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    @Test
    void aRememberedLoginLeavesAScopedHttpOnlyStrictCookieThatANewTabTradesForTheSameSession() {
        HttpResponse<String> login = rememberedLogin("acme");
        assertEquals(201, login.statusCode(), login.body());
        String header = setCookie(login);
        String lower = header.toLowerCase();
        assertTrue(lower.contains("httponly"), header);
        assertTrue(lower.contains("samesite=strict"), header);
        assertTrue(header.contains("Path=/api/tenants/acme/sessions"), header);
        assertTrue(lower.contains("max-age="), header);
        String token = json(login.body()).get("token").asText();
        assertEquals("chat_session=" + token, pair(header));

        HttpResponse<String> resumed = resume("acme", pair(header), "Origin", server.url());
        assertEquals(200, resumed.statusCode(), resumed.body());
        assertEquals(token, json(resumed.body()).get("token").asText());
        assertEquals("alice", json(resumed.body()).get("user").asText());
        Instant expiresAt = Instant.parse(json(resumed.body()).get("expiresAt").asText());
        assertTrue(expiresAt.isAfter(Instant.now()));

        // the same cookie is nothing at another tenant's door, and a guessed one is nothing anywhere
        assertEquals(401, resume("other", pair(header)).statusCode());
        assertEquals(
                401, resume("acme", "chat_session=guessed-token-of-a-stranger").statusCode());
        assertEquals(401, resume("acme", null).statusCode());
    }

    @Test
    void aLoginWithoutRememberSetsNoCookie() {
        HttpResponse<String> login = post(
                "/api/tenants/acme/sessions",
                "{\"username\":\"alice\",\"password\":\"" + PlatformServer.password("alice") + "\"}");
        assertEquals(201, login.statusCode(), login.body());
        assertTrue(login.headers().allValues("Set-Cookie").isEmpty());
        HttpResponse<String> bad =
                post("/api/tenants/acme/sessions", "{\"username\":\"alice\",\"password\":\"x\",\"remember\":\"yes\"}");
        assertEquals(400, bad.statusCode(), bad.body());
    }

    @Test
    void logoutClearsTheCookieAndTheSessionCannotBeResumed() {
        HttpResponse<String> login = rememberedLogin("acme");
        String cookie = pair(setCookie(login));
        String token = json(login.body()).get("token").asText();
        HttpResponse<String> logout =
                server.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/tenants/acme/sessions/current"))
                        .header("Authorization", "Bearer " + token)
                        .header("Cookie", cookie)
                        .DELETE()
                        .build());
        assertEquals(204, logout.statusCode(), logout.body());
        String cleared = setCookie(logout);
        assertTrue(cleared.startsWith("chat_session=;"), cleared);
        assertTrue(cleared.contains("1970"), cleared);

        HttpResponse<String> stale = resume("acme", cookie);
        assertEquals(401, stale.statusCode(), stale.body());
        assertTrue(setCookie(stale).startsWith("chat_session=;"), "a stale cookie is cleared");
    }

    @Test
    void aSuspendedTenantPausesTheCookieAndDoesNotClearIt() {
        server.passwordTenant("paused", "alice");
        String cookie = pair(setCookie(rememberedLogin("paused")));
        TestTenants.expect(200, server.admin("POST", "/admin/tenants/paused/suspend", null));
        HttpResponse<String> suspended = resume("paused", cookie);
        assertEquals(403, suspended.statusCode(), suspended.body());
        assertEquals(
                "tenant suspended",
                json(suspended.body()).get("error").get("message").asText());
        assertEquals(List.of(), suspended.headers().allValues("Set-Cookie"), "the browser keeps its cookie");
        TestTenants.expect(200, server.admin("POST", "/admin/tenants/paused/resume", null));
        assertEquals(200, resume("paused", cookie).statusCode());
    }

    @Test
    void anotherSiteCannotLogInWithRememberNorResume() {
        HttpResponse<String> login = rememberedLogin("acme", "Origin", "https://evil.example");
        assertEquals(403, login.statusCode(), login.body());
        assertTrue(login.headers().allValues("Set-Cookie").isEmpty());

        String cookie = pair(setCookie(rememberedLogin("acme")));
        assertEquals(
                403, resume("acme", cookie, "Origin", "https://evil.example").statusCode());
        assertEquals(403, resume("acme", cookie, "Origin", "null").statusCode());
        // a form or text/plain post (no CORS preflight) is refused before the cookie is looked at
        HttpResponse<String> form =
                server.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/tenants/acme/sessions/resume"))
                        .header("Content-Type", "text/plain")
                        .header("Cookie", cookie)
                        .POST(HttpRequest.BodyPublishers.ofString("{}"))
                        .build());
        assertEquals(415, form.statusCode(), form.body());
        assertFalse(form.body().contains("token"), form.body());
        Optional<String> none = form.headers().firstValue("Set-Cookie");
        assertTrue(none.isEmpty());
    }
}
