package io.chat.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.Settings;
import io.chat.platform.PlatformServer;
import io.chat.platform.PlatformTest;
import io.chat.platform.SetUpPlatform;
import io.chat.testing.RawWebSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code chat.allowed-origins}: a browser Origin not on the list gets 403 on the polling handshake and on the
 * WebSocket upgrade (both the direct one and the polling→WebSocket one); a listed Origin and a client sending no
 * Origin (not a browser) get through.
 */
@PlatformTest
class OriginAllowlistTest {
    private static final String GOOD = "https://chat.example.com";
    private static final String BAD = "https://evil.example.net";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static PlatformServer server;

    @SetUpPlatform
    static Settings settings(Settings base) {
        return base.toBuilder().allowedOrigins(List.of(GOOD)).build();
    }

    private static HttpResponse<String> handshake(Optional<String> origin) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(server.url() + "/socket.io/?EIO=4&transport=polling"));
        origin.ifPresent(o -> request.header("Origin", o));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void pollingHandshakeFromAnotherOriginIs403() throws Exception {
        for (String origin : List.of(
                BAD, "null", GOOD + ".evil.net", "http://chat.example.com", GOOD + ":443", GOOD.toUpperCase())) {
            HttpResponse<String> refused = handshake(Optional.of(origin));
            assertEquals(403, refused.statusCode(), origin);
            assertEquals("{\"code\":4,\"message\":\"Forbidden\"}", refused.body(), origin);
            assertFalse(
                    refused.headers().firstValue("Access-Control-Allow-Origin").isPresent(), origin);
        }
    }

    @Test
    void pollingHandshakeFromTheAllowedOriginOrWithoutOriginWorks() throws Exception {
        HttpResponse<String> allowed = handshake(Optional.of(GOOD));
        assertEquals(200, allowed.statusCode(), allowed.body());
        assertTrue(allowed.body().startsWith("0{\"sid\":"), allowed.body());
        assertEquals(Optional.of(GOOD), allowed.headers().firstValue("Access-Control-Allow-Origin"));
        HttpResponse<String> noOrigin = handshake(Optional.empty());
        assertEquals(200, noOrigin.statusCode(), noOrigin.body());
    }

    @Test
    void webSocketUpgradeFromAnotherOriginIs403() throws Exception {
        try (RawWebSocket refused = Wire.connect(server.port(), "/socket.io/?EIO=4&transport=websocket", BAD)) {
            assertTrue(refused.statusLine().contains(" 403 "), refused.statusLine());
        }
        try (RawWebSocket allowed = Wire.connect(server.port(), "/socket.io/?EIO=4&transport=websocket", GOOD)) {
            assertTrue(allowed.upgraded(), allowed.statusLine());
            assertTrue(allowed.readFrame().text().startsWith("0{\"sid\":"));
        }
    }

    @Test
    void pollingToWebSocketUpgradeFromAnotherOriginIs403() throws Exception {
        HttpResponse<String> allowed = handshake(Optional.of(GOOD));
        String sid = PlatformServer.json(allowed.body().substring(1)).get("sid").asText();
        try (RawWebSocket refused =
                Wire.connect(server.port(), "/socket.io/?EIO=4&transport=websocket&sid=" + sid, BAD)) {
            assertTrue(refused.statusLine().contains(" 403 "), refused.statusLine());
        }
        try (RawWebSocket upgraded =
                Wire.connect(server.port(), "/socket.io/?EIO=4&transport=websocket&sid=" + sid, GOOD)) {
            assertTrue(upgraded.upgraded(), upgraded.statusLine());
            upgraded.sendText("2probe");
            assertEquals("3probe", upgraded.readFrame().text());
        }
    }
}
