package io.chat.http;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * What browsers may keep of public responses. The web client's files ({@code app.js} has no content hash in its
 * name) are revalidated on every use ({@code no-cache}, answered 304 through their {@code ETag}): without the header a
 * browser may reuse a cached copy by heuristic for a tenth of the file's age, and run an old {@code app.js} against
 * a newer server. The API's answers (tokens, history) are never stored ({@code no-store}).
 */
public final class CachePolicy implements Filter {
    private static final Header REVALIDATE = HeaderValues.create(HeaderNames.CACHE_CONTROL, "no-cache");
    private static final Header NEVER_STORE = HeaderValues.create(HeaderNames.CACHE_CONTROL, "no-store");

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        res.header(path.equals("/api") || path.startsWith("/api/") ? NEVER_STORE : REVALIDATE);
        chain.proceed();
    }
}
