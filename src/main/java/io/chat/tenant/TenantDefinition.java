package io.chat.tenant;

import java.time.Instant;

/** What a tenant is, as stored in {@code tenants/<id>/tenant.json}. */
public record TenantDefinition(
        TenantId id, String displayName, AuthConfig auth, Limits limits, boolean suspended, Instant createdAt) {
    public TenantDefinition withSuspended(boolean value) {
        return new TenantDefinition(id, displayName, auth, limits, value, createdAt);
    }
}
