package io.chat.http;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Headers on every public response: no site may frame the web client (clickjacking), browsers must not guess
 * content types, and no page leaks its address (a tenant name) in a Referer. The policy is the one the web
 * client's page also declares; {@code frame-ancestors} only works as a header.
 */
public final class SecurityHeaders implements Filter {
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            + "frame-ancestors 'none'";
    private static final HeaderName CSP = HeaderNames.create("Content-Security-Policy");
    private static final HeaderName FRAME_OPTIONS = HeaderNames.create("X-Frame-Options");
    private static final HeaderName CONTENT_TYPE_OPTIONS = HeaderNames.create("X-Content-Type-Options");
    private static final HeaderName REFERRER_POLICY = HeaderNames.create("Referrer-Policy");

    /** Marks, in a request's context, that its response carries these headers. */
    private record Applied() {
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        req.context().register(new Applied());
        addTo(res);
        chain.proceed();
    }

    /**
     * Puts the headers back on an error response: Helidon clears a response's headers before its error handlers
     * run. Does nothing for a request this filter did not see (another listener).
     */
    public static void restore(ServerRequest req, ServerResponse res) {
        if (req.context().get(Applied.class).isPresent()) {
            addTo(res);
        }
    }

    private static void addTo(ServerResponse res) {
        res.header(CSP, CONTENT_SECURITY_POLICY);
        res.header(FRAME_OPTIONS, "DENY");
        res.header(CONTENT_TYPE_OPTIONS, "nosniff");
        res.header(REFERRER_POLICY, "no-referrer");
    }
}
