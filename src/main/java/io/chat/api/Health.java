package io.chat.api;

import io.chat.http.JsonHttp;
import io.chat.socketio.Json;
import io.chat.tenant.Tenant;
import io.chat.tenant.TenantRegistry;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** {@code GET /health}: UP when every open tenant store answers; says nothing about which tenant is down. */
public final class Health {
    private final TenantRegistry registry;

    public Health(TenantRegistry registry) {
        this.registry = registry;
    }

    public void handle(ServerRequest req, ServerResponse res) {
        boolean up = registry.all().stream().map(Tenant::store).allMatch(store -> store.healthy());
        JsonHttp.send(res, up ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503,
                      Json.mapper().createObjectNode().put("status", up ? "UP" : "DOWN"));
    }
}
