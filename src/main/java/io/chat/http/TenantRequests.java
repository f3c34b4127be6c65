package io.chat.http;

import java.util.Optional;

import io.chat.tenant.Tenant;
import io.chat.tenant.TenantId;
import io.chat.tenant.TenantRegistry;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** The tenant a REST path names: 400 for an invalid id (before it touches anything), 404 for an unknown one. */
public final class TenantRequests {
    private TenantRequests() {
    }

    /** The live tenant of path parameter {@code param}; when there is none, the error has been answered. */
    public static Optional<Tenant> tenant(TenantRegistry registry, ServerRequest req, ServerResponse res,
                                          String param) {
        String raw = req.path().pathParameters().get(param);
        if (TenantId.parse(raw).isEmpty()) {
            JsonHttp.error(res, Status.BAD_REQUEST_400, "bad_request", "invalid tenant id");
            return Optional.empty();
        }
        Optional<Tenant> tenant = registry.find(raw);
        if (tenant.isEmpty()) {
            JsonHttp.error(res, Status.NOT_FOUND_404, "not_found", "unknown tenant");
        }
        return tenant;
    }
}
