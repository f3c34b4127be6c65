package io.chat.tenant;

import io.chat.tenant.auth.JwtTenantConfig;

/** How a tenant's users prove who they are. */
public sealed interface AuthConfig permits AuthConfig.Password, AuthConfig.Jwt {
    String type();

    /**
     * Whether the tenant's users are rows of its store, which an admin may delete (a password tenant); a JWT tenant's
     * identity provider owns its users, and any valid name is one.
     */
    boolean storesUsers();

    /** Users provisioned by the admin, logging in with a password for an opaque session token. */
    record Password() implements AuthConfig {
        @Override
        public String type() {
            return "password";
        }

        @Override
        public boolean storesUsers() {
            return true;
        }
    }

    /** The tenant's own identity provider: JWTs checked against its key, issuer and optional audience. */
    record Jwt(JwtTenantConfig config) implements AuthConfig {
        @Override
        public String type() {
            return "jwt";
        }

        @Override
        public boolean storesUsers() {
            return false;
        }
    }
}
