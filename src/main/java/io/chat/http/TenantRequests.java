package io.chat.http;

import io.chat.tenant.Tenant;
import io.chat.tenant.TenantId;
import io.chat.tenant.TenantRegistry;
import io.helidon.webserver.http.ServerRequest;

/** The tenant a REST path names: 400 for an invalid id (before it touches anything), 404 for an unknown one. */
public final class TenantRequests {
    private TenantRequests() {}

    /** The live tenant of path parameter {@code param}; {@link ApiError} when there is none. */
    public static Tenant tenant(TenantRegistry registry, ServerRequest req, String param) {
        String raw = req.path().pathParameters().get(param);
        if (TenantId.parse(raw).isEmpty()) {
            throw ApiError.badRequest("invalid tenant id");
        }
        return registry.find(raw).orElseThrow(() -> ApiError.notFound("unknown tenant"));
    }
}
