package io.chat.tenant;

import io.chat.tenant.auth.AuthenticatedUser;
import io.chat.tenant.auth.TenantAuthenticator;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Function;

/** The authenticator a tenant's definition asks for. */
final class Authenticators {
    private Authenticators() {}

    static TenantAuthenticator forTenant(
            AuthConfig auth, Function<String, Optional<AuthenticatedUser>> sessionByTokenHash, Clock clock) {
        return switch (auth) {
            case AuthConfig.Password password -> TenantAuthenticator.password(sessionByTokenHash, clock);
            case AuthConfig.Jwt jwt -> TenantAuthenticator.jwt(jwt.config(), clock);
        };
    }
}
