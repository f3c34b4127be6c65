package io.chat.http;

import io.helidon.http.Header;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * The headers this package's filters put on a response ({@link SecurityHeaders}, {@link CachePolicy}), kept in the
 * request's context so that an error answer carries them too: Helidon clears a response's headers before its error
 * handlers run (a 401 or 404 of the API answered without {@code Cache-Control: no-store}, and without the security
 * headers before those were put back).
 */
public final class FilteredHeaders {
    /** What the filters put on the request's response, in order. */
    private record Kept(List<Header> headers) {}

    private FilteredHeaders() {}

    /** Puts {@code headers} on the response and remembers them for its error answer. */
    static void put(RoutingRequest req, ServerResponse res, List<Header> headers) {
        Kept kept = req.context().get(Kept.class).orElseGet(() -> {
            Kept fresh = new Kept(new ArrayList<>(4));
            req.context().register(fresh);
            return fresh;
        });
        kept.headers().addAll(headers);
        headers.forEach(res::header);
    }

    /**
     * Puts back on an error answer what the filters had put on the response; nothing for a request no filter of
     * this package saw.
     */
    public static void restore(ServerRequest req, ServerResponse res) {
        req.context().get(Kept.class).ifPresent(kept -> kept.headers().forEach(res::header));
    }
}
