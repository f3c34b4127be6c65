package io.chat.http;

import io.helidon.http.DirectHandler;
import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.List;

/**
 * Headers on every public response: no site may frame the web client (clickjacking), browsers must not guess
 * content types, and no page leaks its address (a tenant name) in a Referer. The policy is the one the web
 * client's page also declares; {@code frame-ancestors} only works as a header. A page of another site that opened
 * the client keeps no handle on its window (it could send it to a look-alike sign-in page later), and the client
 * asks for no camera, microphone, location or payment, so no script it could ever run may either.
 */
public final class SecurityHeaders implements Filter {
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            + "frame-ancestors 'none'";
    private static final HeaderName CSP = HeaderNames.create("Content-Security-Policy");
    private static final HeaderName FRAME_OPTIONS = HeaderNames.create("X-Frame-Options");
    private static final HeaderName CONTENT_TYPE_OPTIONS = HeaderNames.create("X-Content-Type-Options");
    private static final HeaderName REFERRER_POLICY = HeaderNames.create("Referrer-Policy");
    private static final HeaderName OPENER_POLICY = HeaderNames.create("Cross-Origin-Opener-Policy");
    private static final HeaderName PERMISSIONS_POLICY = HeaderNames.create("Permissions-Policy");
    static final String PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";
    private static final List<Header> HEADERS = List.of(
            HeaderValues.create(CSP, CONTENT_SECURITY_POLICY),
            HeaderValues.create(FRAME_OPTIONS, "DENY"),
            HeaderValues.create(CONTENT_TYPE_OPTIONS, "nosniff"),
            HeaderValues.create(REFERRER_POLICY, "no-referrer"),
            HeaderValues.create(OPENER_POLICY, "same-origin"),
            HeaderValues.create(PERMISSIONS_POLICY, PERMISSIONS));

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        FilteredHeaders.put(req, res, HEADERS);
        chain.proceed();
    }

    /**
     * Helidon's answers written without routing (its own 400 for a request it cannot parse, 413, a WebSocket upgrade
     * refused with a {@code RequestException}): the default answers, with these headers. Filters never see them.
     */
    public static DirectHandlers directHandlers() {
        DirectHandler withHeaders = (request, eventType, status, headers, message) -> {
            DirectHandler.TransportResponse response =
                    DirectHandler.defaultHandler().handle(request, eventType, status, headers, message);
            HEADERS.forEach(response.headers()::set);
            return response;
        };
        DirectHandlers.Builder handlers = DirectHandlers.builder();
        for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
            handlers.addHandler(type, withHeaders);
        }
        return handlers.build();
    }

    /** The headers as lines of an HTTP/1.1 response head, each ending in CRLF, for answers written byte by byte. */
    static String asLines() {
        StringBuilder lines = new StringBuilder();
        HEADERS.forEach(header ->
                lines.append(header.name()).append(": ").append(header.get()).append("\r\n"));
        return lines.toString();
    }
}
