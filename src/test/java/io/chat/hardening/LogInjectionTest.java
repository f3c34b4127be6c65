package io.chat.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.platform.PlatformServer;
import io.chat.testing.LogCapture;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A request path is the client's string: {@code GET /admin/x%0d%0a<forged line>} without credentials wrote the
 * forged line into the server log, decoded. Every line the server logs about such requests is captured here.
 */
class LogInjectionTest {
    private static final String FORGED = "event=admin-auth outcome=ok user=root";

    @Test
    void aPathWithLineBreaksIsLoggedOnOneLineEscaped() throws Exception {
        LogCapture capture = LogCapture.start();
        try (capture;
                PlatformServer server = PlatformServer.start()) {
            String path = "/admin/x%0d%0a" + FORGED.replace(" ", "%20") + "%22%5c%e2%80%a8";
            RawHttp.Answer answer = RawHttp.exchange(
                    "127.0.0.1",
                    server.adminPort(),
                    "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                    null);
            assertEquals(401, answer.status(), answer.text());
        }
        List<String> mentions = capture.lines().stream()
                .filter(line -> line.contains("user=root"))
                .toList();
        assertEquals(1, mentions.size(), "one log line mentions the request: " + mentions);
        String line = mentions.getFirst();
        assertFalse(line.contains("\n") || line.contains("\r") || line.contains("\u2028"), line);
        assertTrue(line.contains("path=\"/admin/x\\r\\n" + FORGED + "\\\"\\\\\\u2028\""), line);
    }
}
