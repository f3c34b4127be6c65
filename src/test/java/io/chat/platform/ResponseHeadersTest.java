package io.chat.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.socket.client.IO;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every public response forbids framing (clickjacking of the web client), content sniffing and Referer leaks, and
 * the Socket.IO long-polling transport works with those headers on its responses.
 */
@PlatformTest
class ResponseHeadersTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static PlatformServer server;

    @BeforeAll
    static void provision() throws Exception {
        server.passwordTenant("framed", "alice", "bob");
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(server.url() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertProtected(String what, HttpResponse<String> response) {
        var headers = response.headers();
        String csp = headers.firstValue("Content-Security-Policy").orElse("");
        assertTrue(csp.contains("frame-ancestors 'none'"), what + ": " + headers.map());
        assertTrue(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), what + ": " + csp);
        assertEquals("DENY", headers.firstValue("X-Frame-Options").orElse(""), what);
        assertEquals("nosniff", headers.firstValue("X-Content-Type-Options").orElse(""), what);
        assertEquals("no-referrer", headers.firstValue("Referrer-Policy").orElse(""), what);
        assertEquals(
                "same-origin", headers.firstValue("Cross-Origin-Opener-Policy").orElse(""), what);
        assertTrue(headers.firstValue("Permissions-Policy").orElse("").contains("camera=()"), what);
    }

    @Test
    void everyKindOfPublicResponseCarriesTheHeaders() throws Exception {
        // the web client (when this build has it: otherwise its 404), a deep link, REST, errors, health, polling
        for (String path : List.of(
                "/",
                "/t/framed",
                "/app.css",
                "/health",
                "/api/tenants/framed/rooms/general/messages",
                "/nothing-here",
                "/socket.io/?EIO=4&transport=polling")) {
            assertProtected(path, get(path));
        }
        assertTrue(get("/socket.io/?EIO=4&transport=polling").body().startsWith("0{\"sid\":"));
    }

    /**
     * Browsers revalidate the web client's files on every use (a review: with no Cache-Control they may reuse an old
     * app.js by heuristic after an upgrade), and never store the API's answers (tokens, history).
     */
    @Test
    void theWebClientIsRevalidatedAndTheApiIsNeverStored() throws Exception {
        for (String path : List.of("/", "/t/framed", "/app.css", "/app.js")) {
            HttpResponse<String> response = get(path);
            if (response.statusCode() == 404) {
                continue; // a build without the web client
            }
            assertEquals(200, response.statusCode(), path);
            assertEquals(
                    "no-cache", response.headers().firstValue("Cache-Control").orElse(""), path);
            var etag = response.headers().firstValue("ETag");
            if (etag.isPresent()) {
                HttpResponse<String> again = HTTP.send(
                        HttpRequest.newBuilder(URI.create(server.url() + path))
                                .header("If-None-Match", etag.get())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(304, again.statusCode(), path + ": revalidated, not sent again");
            }
        }
        HttpResponse<String> login = server.call(
                "POST",
                "/api/tenants/framed/sessions",
                "{\"username\":\"alice\",\"password\":\"" + PlatformServer.password("alice") + "\"}",
                null);
        assertEquals(201, login.statusCode(), login.body());
        assertEquals("no-store", login.headers().firstValue("Cache-Control").orElse(""), "a token is never stored");
        String token = PlatformServer.json(login.body()).get("token").asText();
        HttpResponse<String> history = server.call("GET", "/api/tenants/framed/rooms/general/messages", null, token);
        assertEquals(200, history.statusCode(), history.body());
        assertEquals("no-store", history.headers().firstValue("Cache-Control").orElse(""), "nor a history");
        // long-polling answers carry messages (a hostile review: no-cache let a browser keep them on disk)
        HttpResponse<String> polling = get("/socket.io/?EIO=4&transport=polling");
        assertEquals(200, polling.statusCode(), polling.body());
        assertEquals("no-store", polling.headers().firstValue("Cache-Control").orElse(""), "nor a polling answer");
        HttpResponse<String> admin = server.admin("GET", "/admin/tenants", null);
        assertEquals(200, admin.statusCode(), admin.body());
        assertEquals("no-store", admin.headers().firstValue("Cache-Control").orElse(""), "nor the admin API's");
    }

    /** Helidon clears a response's headers before its error handlers: the errors' answers get the policy back. */
    @Test
    void errorAnswersKeepTheirCachePolicy() throws Exception {
        HttpResponse<String> noToken = get("/api/tenants/framed/rooms/general/messages");
        assertEquals(401, noToken.statusCode(), noToken.body());
        assertEquals("no-store", noToken.headers().firstValue("Cache-Control").orElse(""), "an API error");
        HttpResponse<String> unknownTenant = get("/api/tenants/nobody-here/rooms/general/messages");
        assertEquals(404, unknownTenant.statusCode(), unknownTenant.body());
        assertEquals(
                "no-store", unknownTenant.headers().firstValue("Cache-Control").orElse(""), "an API 404");
        HttpResponse<String> missing = get("/nothing-here");
        assertEquals(404, missing.statusCode());
        assertEquals("no-cache", missing.headers().firstValue("Cache-Control").orElse(""), "a public 404");
        assertProtected("a public 404", missing);
        HttpResponse<String> adminMissing = server.admin("GET", "/admin/tenants/nobody-here", null);
        assertEquals(404, adminMissing.statusCode(), adminMissing.body());
        assertEquals(
                "no-store", adminMissing.headers().firstValue("Cache-Control").orElse(""), "an admin 404");
    }

    @Test
    void headAnswersAsGetDoesWithoutTheBody() throws Exception {
        // link checkers, previews and monitors ask with HEAD first
        for (String path : List.of("/", "/t/framed", "/app.css", "/health")) {
            HttpResponse<String> get = get(path);
            HttpResponse<String> head = HTTP.send(
                    HttpRequest.newBuilder(URI.create(server.url() + path))
                            .method("HEAD", HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(get.statusCode(), head.statusCode(), path);
            assertEquals("", head.body(), path);
            assertEquals(
                    get.headers().firstValue("Content-Type"), head.headers().firstValue("Content-Type"), path);
            assertProtected("HEAD " + path, head);
        }
    }

    @Test
    void aPollingOnlyClientStillChats() {
        IO.Options polling = ChatClient.options(server.login("framed", "alice"));
        polling.transports = new String[] {"polling"};
        try (ChatClient alice = ChatClient.open(server.url(), "/framed", polling);
                ChatClient bob = ChatClient.connect(server.url(), "/framed", server.login("framed", "bob"))) {
            alice.awaitConnected();
            ChatAssertions.assertOk(alice.join("general"));
            ChatAssertions.assertOk(bob.join("general"));
            var sent = bob.send("general", "over polling");
            assertEquals(sent, alice.awaitEvent("message"));
        }
    }
}
