package io.chat.http;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.List;

/**
 * What browsers may keep of public responses. The web client's files ({@code app.js} has no content hash in its
 * name) are revalidated on every use ({@code no-cache}, answered 304 through their {@code ETag}): without the header a
 * browser may reuse a cached copy by heuristic for a tenth of the file's age, and run an old {@code app.js} against
 * a newer server. The API's answers (tokens, history), Socket.IO's long-polling answers (messages) and the admin
 * listener's are never stored ({@code no-store}).
 */
public final class CachePolicy implements Filter {
    private static final List<Header> REVALIDATE = List.of(HeaderValues.create(HeaderNames.CACHE_CONTROL, "no-cache"));
    private static final List<Header> NEVER_STORE = List.of(HeaderValues.create(HeaderNames.CACHE_CONTROL, "no-store"));

    private final boolean publicListener;

    private CachePolicy(boolean publicListener) {
        this.publicListener = publicListener;
    }

    /** The public listener's: {@code no-store} under {@code /api} and {@code /socket.io}, {@code no-cache} elsewhere. */
    public static CachePolicy publicListener() {
        return new CachePolicy(true);
    }

    /** {@code no-store} on every answer: the admin listener's (tenant definitions, users, metrics). */
    public static CachePolicy neverStore() {
        return new CachePolicy(false);
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        boolean neverStored = under(path, "/api") || under(path, "/socket.io");
        FilteredHeaders.put(req, res, publicListener && !neverStored ? REVALIDATE : NEVER_STORE);
        chain.proceed();
    }

    private static boolean under(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }
}
