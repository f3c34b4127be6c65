package io.chat.http;

import io.chat.tenant.Tenant;
import io.chat.tenant.TenantId;
import io.chat.tenant.TenantRegistry;
import io.helidon.webserver.http.ServerRequest;
import java.util.Optional;
import java.util.function.Function;

/** The tenant a REST path names: 400 for an invalid id (before it touches anything), 404 for an unknown one. */
public final class TenantRequests {
    private TenantRequests() {}

    /** The live tenant of path parameter {@code param}; {@link ApiError} when there is none. */
    public static Tenant tenant(TenantRegistry registry, ServerRequest req, String param) {
        return tenant(req, param, registry::find);
    }

    /**
     * {@link #tenant}, also finding a tenant another node created a moment ago ({@link TenantRegistry#findLatest}):
     * for authenticated callers only.
     */
    public static Tenant latestTenant(TenantRegistry registry, ServerRequest req, String param) {
        return tenant(req, param, registry::findLatest);
    }

    private static Tenant tenant(ServerRequest req, String param, Function<String, Optional<Tenant>> lookup) {
        String raw = req.path().pathParameters().get(param);
        if (TenantId.parse(raw).isEmpty()) {
            throw ApiError.badRequest("invalid tenant id");
        }
        return lookup.apply(raw).orElseThrow(() -> ApiError.notFound("unknown tenant"));
    }
}
