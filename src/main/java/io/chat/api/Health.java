package io.chat.api;

import io.chat.http.JsonHttp;
import io.chat.json.Json;
import io.chat.tenant.Tenant;
import io.chat.tenant.TenantRegistry;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /health}: UP when every open tenant store answers; says nothing about which tenant is down. The stores
 * are asked at once, each on its own health connection (never behind reads), and answered within {@link #WAIT_MS}.
 */
public final class Health {
    private static final long WAIT_MS = 2_000;

    private final TenantRegistry registry;

    public Health(TenantRegistry registry) {
        this.registry = registry;
    }

    public void handle(ServerRequest req, ServerResponse res) {
        List<CompletableFuture<Boolean>> checks = registry.all().stream()
                .map(Tenant::store)
                .map(store -> store.checkHealth())
                .toList();
        boolean up = CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new))
                .thenApply(done -> checks.stream().allMatch(CompletableFuture::join))
                .completeOnTimeout(false, WAIT_MS, TimeUnit.MILLISECONDS)
                .join();
        JsonHttp.send(
                res,
                up ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503,
                Json.mapper().createObjectNode().put("status", up ? "UP" : "DOWN"));
    }
}
