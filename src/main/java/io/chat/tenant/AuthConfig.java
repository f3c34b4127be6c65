package io.chat.tenant;

import io.chat.tenant.auth.JwtTenantConfig;

/** How a tenant's users prove who they are. */
public sealed interface AuthConfig permits AuthConfig.Password, AuthConfig.Jwt {
    String type();

    /** Users provisioned by the admin, logging in with a password for an opaque session token. */
    record Password() implements AuthConfig {
        @Override
        public String type() {
            return "password";
        }
    }

    /** The tenant's own identity provider: JWTs checked against its key, issuer and optional audience. */
    record Jwt(JwtTenantConfig config) implements AuthConfig {
        @Override
        public String type() {
            return "jwt";
        }
    }
}
