package io.chat.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.platform.PlatformServer;
import io.chat.platform.PlatformTest;
import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Cross-site request forgery on the admin API: a page on another site posting a form to
 * {@code /admin/tenants/<id>/suspend}, the browser adding the Basic credentials it cached, used to suspend the tenant.
 * Requests as a browser sends them are written here byte for byte.
 */
@PlatformTest
class AdminBrowserTest {
    private static PlatformServer server;
    private static String basic;

    @BeforeAll
    static void provision() throws IOException {
        server.passwordTenant("target", "alice");
        basic = AccessTest.basic(PlatformServer.ADMIN_USER, PlatformServer.ADMIN_PASSWORD);
    }

    /** One request on its own connection; returns the whole answer (head and body). */
    private static String raw(String request) throws IOException {
        return RawHttp.exchange("127.0.0.1", server.adminPort(), request, null).text();
    }

    private static int status(String answer) {
        return Integer.parseInt(answer.substring(9, 12));
    }

    private static boolean suspended() {
        return PlatformServer.json(
                        server.admin("GET", "/admin/tenants/target", null).body())
                .get("suspended")
                .asBoolean();
    }

    /** What Chromium sends for a form on another site, posted to the admin API with cached Basic credentials. */
    private static String formPost(String path, String extraHeaders) {
        String body = "x=1";
        return "POST " + path + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + server.adminPort() + "\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: " + body.length() + "\r\n"
                + "Authorization: " + basic + "\r\n"
                + extraHeaders
                + "Connection: close\r\n\r\n" + body;
    }

    @Test
    void aFormPostedFromAnotherSiteIsRefusedAndSuspendsNothing() throws IOException {
        String fromEvil = "Origin: https://evil.example\r\nSec-Fetch-Site: cross-site\r\nSec-Fetch-Mode: navigate\r\n"
                + "Sec-Fetch-Dest: document\r\n";
        String answer = raw(formPost("/admin/tenants/target/suspend", fromEvil));
        assertEquals(403, status(answer), answer);
        assertTrue(answer.contains("\"forbidden\""), answer);
        assertFalse(suspended(), "the tenant was suspended by a cross-site form");
        // Origin alone (older browsers send no Sec-Fetch-*), and Sec-Fetch-Site alone (a GET sends no Origin)
        assertEquals(403, status(raw(formPost("/admin/tenants/target/suspend", "Origin: https://evil.example\r\n"))));
        assertEquals(403, status(raw(formPost("/admin/tenants/target/suspend", "Sec-Fetch-Site: same-site\r\n"))));
        assertEquals(
                403,
                status(raw("GET /admin/tenants HTTP/1.1\r\nHost: x\r\nAuthorization: " + basic
                        + "\r\nSec-Fetch-Site: cross-site\r\nConnection: close\r\n\r\n")));
        assertFalse(suspended());
    }

    @Test
    void aBodyThatIsNotJsonIsRefusedOnEveryAdminRoute() throws IOException {
        String answer = raw(formPost("/admin/tenants/target/suspend", ""));
        assertEquals(415, status(answer), answer);
        assertTrue(answer.contains("\"unsupported_media_type\""), answer);
        assertFalse(suspended(), "a form post without Origin suspended the tenant");
        String plain = "POST /admin/tenants/target/resume HTTP/1.1\r\nHost: x\r\nAuthorization: " + basic
                + "\r\nContent-Type: text/plain\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        assertEquals(415, status(raw(plain)));
        // what the scripts send (curl -X POST, no body) and JSON still work
        assertEquals(
                200, server.admin("POST", "/admin/tenants/target/suspend", null).statusCode());
        assertTrue(suspended());
        assertEquals(
                200, server.admin("POST", "/admin/tenants/target/resume", "{}").statusCode());
        assertFalse(suspended());
    }

    @Test
    void browsersAreNotInvitedToCacheBasicCredentials() throws IOException {
        String typed =
                raw("GET /admin/tenants HTTP/1.1\r\nHost: x\r\nSec-Fetch-Site: none\r\nSec-Fetch-Mode: navigate\r\n"
                        + "Sec-Fetch-Dest: document\r\nConnection: close\r\n\r\n");
        assertEquals(401, status(typed), typed);
        assertFalse(typed.toLowerCase().contains("www-authenticate"), typed);
        String cli =
                raw("GET /admin/tenants HTTP/1.1\r\nHost: x\r\nUser-Agent: curl/8.5.0\r\nConnection: close\r\n\r\n");
        assertEquals(401, status(cli), cli);
        assertTrue(
                cli.contains("WWW-Authenticate: Basic realm=\"chat-admin\"")
                        || cli.toLowerCase().contains("www-authenticate: basic realm=\"chat-admin\""),
                cli);
    }
}
