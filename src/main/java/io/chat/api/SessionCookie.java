package io.chat.api;

import io.chat.http.TrustedProxies;
import io.helidon.http.HeaderNames;
import io.helidon.http.SetCookie;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * "Keep me signed in": a login may leave its session token in a cookie that only the tenant's session routes receive
 * ({@code Path=/api/tenants/<tenant>/sessions}), which page scripts cannot read (HttpOnly), which no other site's page
 * sends (SameSite=Strict), and which ends with the session. A new tab or a restarted browser trades it for the token
 * (see PublicApi's resume); logging out clears it. A cross-site page cannot use it either way: these routes take only
 * JSON (a cross-site JSON post needs a CORS permission we never give) and refuse a foreign {@code Origin}.
 */
final class SessionCookie {
    static final String NAME = "chat_session";

    private SessionCookie() {}

    static String path(String tenant) {
        return "/api/tenants/" + tenant + "/sessions";
    }

    static void set(
            ServerResponse res,
            TrustedProxies proxies,
            ServerRequest req,
            String tenant,
            String token,
            Instant expiresAt) {
        Duration left = Duration.between(Instant.now(), expiresAt);
        res.headers()
                .addCookie(cookie(proxies, req, tenant, token)
                        .maxAge(left.isNegative() ? Duration.ofSeconds(1) : left)
                        .build());
    }

    static void clear(ServerResponse res, TrustedProxies proxies, ServerRequest req, String tenant) {
        res.headers()
                .addCookie(cookie(proxies, req, tenant, "")
                        .expires(Instant.EPOCH) // Helidon writes no Max-Age=0
                        .build());
    }

    /** The attributes of both: clearing replaces the cookie only with the same name and path. */
    private static SetCookie.Builder cookie(TrustedProxies proxies, ServerRequest req, String tenant, String value) {
        return SetCookie.builder(NAME, value)
                .path(path(tenant))
                .httpOnly(true)
                .secure(proxies.viaHttps(req))
                .sameSite(SetCookie.SameSite.STRICT);
    }

    static Optional<String> read(ServerRequest req) {
        return req.headers().cookies().first(NAME).asOptional().filter(token -> !token.isBlank());
    }

    /**
     * Whether the request comes from one of our own pages, or from no page at all: a browser names the page's origin
     * on every POST and DELETE, and it must be this server's own (the {@code Host} the browser asked for).
     */
    static boolean sameOrigin(ServerRequest req) {
        Optional<String> origin = req.headers().first(HeaderNames.ORIGIN);
        if (origin.isEmpty()) {
            return true;
        }
        Optional<String> host = req.headers().first(HeaderNames.HOST);
        if (host.isEmpty()) {
            return false;
        }
        try {
            URI page = URI.create(origin.get().trim());
            URI asked = URI.create(page.getScheme() + "://" + host.get().trim());
            return page.getHost() != null
                    && page.getHost().equalsIgnoreCase(asked.getHost())
                    && port(page) == port(asked);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A URI's port, its scheme's default when it names none ({@code https://chat.example} is port 443). */
    private static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }
}
