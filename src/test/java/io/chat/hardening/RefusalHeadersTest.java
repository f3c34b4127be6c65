package io.chat.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.Settings;
import io.chat.platform.PlatformServer;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The answers no route writes carry the public security headers too: a WebSocket upgrade refused before switching
 * protocols (400, and 503 past the sessions of an address), and Helidon's own 400 for a request it cannot parse.
 */
class RefusalHeadersTest {
    private static final String UPGRADE = "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
    private static PlatformServer server;

    @BeforeAll
    static void start() throws IOException {
        // one Socket.IO session per address, so that a second one is refused
        Settings settings = Settings.forTests(
                        Files.createTempDirectory("tenants"), PlatformServer.ADMIN_USER, PlatformServer.ADMIN_PASSWORD)
                .toBuilder()
                .connections(new Settings.ConnectionCaps(0, 1))
                .build();
        server = PlatformServer.start(settings);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static RawHttp.Answer exchange(String head) throws IOException {
        return RawHttp.exchange("127.0.0.1", server.port(), head, null);
    }

    private static void assertProtected(String what, RawHttp.Answer answer) {
        String text = answer.text();
        int headEnd = text.indexOf("\r\n\r\n");
        String head = (headEnd < 0 ? text : text.substring(0, headEnd)).toLowerCase();
        assertTrue(head.contains("\r\nx-content-type-options: nosniff"), what + ": " + text);
        assertTrue(head.contains("\r\nx-frame-options: deny"), what + ": " + text);
        assertTrue(head.contains("\r\nreferrer-policy: no-referrer"), what + ": " + text);
        assertTrue(head.contains("\r\ncontent-security-policy: default-src 'self';"), what + ": " + text);
    }

    @Test
    void aRefusedUpgradeCarriesTheHeaders() throws IOException {
        RawHttp.Answer bad = exchange(
                "GET /socket.io/?EIO=3&transport=websocket HTTP/1.1\r\nHost: localhost\r\n" + UPGRADE + "\r\n");
        assertEquals(400, bad.status(), bad.text());
        assertProtected("400 upgrade", bad);

        // the address's one session, then a WebSocket that would be a second
        RawHttp.Answer first = exchange("GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertEquals(200, first.status(), first.text());
        RawHttp.Answer full = exchange(
                "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: localhost\r\n" + UPGRADE + "\r\n");
        assertEquals(503, full.status(), full.text());
        assertTrue(full.text().contains("Retry-After: 1"), full.text());
        assertProtected("503 upgrade", full);
    }

    @Test
    void helidonsOwnBadRequestCarriesTheHeaders() throws IOException {
        for (String head : new String[] {
            "GET / HTTP/1.1\r\nHost: localhost\r\nNo colon in this header\r\n\r\n",
            "GET /a b c HTTP/1.1\r\nHost: localhost\r\n\r\n",
            "NOT HTTP\r\n\r\n"
        }) {
            RawHttp.Answer answer = exchange(head);
            assertEquals(400, answer.status(), head + " -> " + answer.text());
            assertProtected(head, answer);
        }
    }
}
