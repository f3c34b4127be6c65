package io.chat.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chat.json.Json;
import io.chat.tenant.TenantDefinition;
import io.chat.tenant.TenantJson;
import java.time.Instant;

/** JWT tenants' definitions as an admin's request makes them (HS256). */
public final class JwtTenants {
    private JwtTenants() {}

    /** A JWT tenant {@code id} trusting {@code issuer} and {@code secret}, with {@code audience} when not null. */
    public static TenantDefinition definition(String id, String issuer, String audience, String secret) {
        ObjectNode auth = Json.mapper()
                .createObjectNode()
                .put("type", "jwt")
                .put("issuer", issuer)
                .put("secret", secret);
        if (audience != null) {
            auth.put("audience", audience);
        }
        ObjectNode body = Json.mapper().createObjectNode().put("id", id);
        body.set("auth", auth);
        return TenantJson.fromRequest(body, Instant.now());
    }
}
