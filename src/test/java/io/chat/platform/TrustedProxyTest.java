package io.chat.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chat.Settings;
import io.chat.http.TrustedProxies;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Behind a balancer every client arrives from the balancer's address, and the per-address caps counted them as one
 * (a stranger's flood refused everyone). With the balancer's address in {@code chat.trusted-proxies}, each client is
 * capped by the address the balancer puts in {@code X-Forwarded-For}; a peer that is not trusted is capped by its own
 * address whatever it sends. Here the cap is one Engine.IO session per address, the requests come from 127.0.0.1.
 */
class TrustedProxyTest {
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    @Test
    void clientsBehindATrustedProxyHaveSlotsOfTheirOwn() throws Exception {
        try (PlatformServer node = PlatformServer.start(oneSessionPerAddress("127.0.0.1"))) {
            String url = "http://127.0.0.1:" + node.port();
            assertEquals(200, handshake(url, "203.0.113.1"));
            assertEquals(200, handshake(url, "203.0.113.2"), "another client behind the same proxy");
            assertEquals(
                    503,
                    handshake(url, "198.51.100.9, 203.0.113.1"),
                    "the first client again, whatever it wrote first");
            assertEquals(200, handshake(url, "192.0.2.3"), "a third client");
        }
    }

    @Test
    void anUntrustedPeersForwardedForIsIgnored() throws Exception {
        try (PlatformServer node = PlatformServer.start(oneSessionPerAddress("10.9.9.9"))) {
            String url = "http://127.0.0.1:" + node.port();
            assertEquals(200, handshake(url, "203.0.113.1"));
            assertEquals(503, handshake(url, "203.0.113.2"), "127.0.0.1 is not trusted: one address, one session");
        }
    }

    private static Settings oneSessionPerAddress(String trusted) throws Exception {
        return PlatformServer.testSettings().toBuilder()
                .connections(new Settings.ConnectionCaps(0, 1, 64))
                .trustedProxies(TrustedProxies.parse(trusted))
                .build();
    }

    /** An Engine.IO handshake (long-polling) with that X-Forwarded-For: its status. */
    private int handshake(String url, String forwardedFor) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/socket.io/?EIO=4&transport=polling"))
                .header("X-Forwarded-For", forwardedFor)
                .timeout(Duration.ofSeconds(30))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
