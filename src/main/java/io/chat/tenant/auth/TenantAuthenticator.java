package io.chat.tenant.auth;

import io.helidon.security.Security;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

/**
 * A tenant's authentication middleware: turns the bearer credential of a login-protected request or a Socket.IO
 * CONNECT into a user. Each tenant has its own instance, backed by its own Helidon {@link Security}.
 *
 * <p>Implementations are thread-safe and fast (a digest and a map lookup, or one signature check): they run on many
 * virtual threads at once, on every CONNECT.
 */
public sealed interface TenantAuthenticator permits TenantAuthenticator.PasswordTenant, TenantAuthenticator.JwtTenant {
    /** How far past its {@code exp} (and before its {@code nbf} and {@code iat}) a JWT is still accepted. */
    Duration JWT_LEEWAY = Duration.ofSeconds(30);
    /** Longer bearer credentials are refused unread: bigger than any sane JWT, and no multi-megabyte hash or parse. */
    int MAX_TOKEN_LENGTH = 16_384;

    /**
     * The user {@code bearerToken} (without the {@code Bearer } prefix) stands for; empty when it is not valid: null,
     * blank, over {@link #MAX_TOKEN_LENGTH}, refused by the tenant's provider, or no longer {@link #acceptedUntil}
     * by the authenticator's clock (the one expiry check, for both kinds). Throws
     * {@link CredentialUncheckedException} when it could not be checked (the session store failed).
     */
    Optional<AuthenticatedUser> authenticate(String bearerToken);

    /** Until when a credential of {@code user} is accepted: a session's end, a JWT's {@code exp} plus the leeway. */
    Instant acceptedUntil(AuthenticatedUser user);

    /**
     * For a password tenant. {@code sessionByTokenHash} gets {@link io.chat.tenant.auth.SessionTokens#hash} of the
     * token and answers the session's user, from the caller's database or cache; a session whose {@code expiresAt}
     * is not after now is refused. An exception it throws (the store failed or is busy) makes {@link #authenticate} throw
     * {@link CredentialUncheckedException}: the token was not judged.
     */
    static TenantAuthenticator password(Function<String, Optional<AuthenticatedUser>> sessionByTokenHash) {
        return password(sessionByTokenHash, Clock.systemUTC());
    }

    /** As {@link #password(Function)}, judging expiry by {@code clock}. */
    static TenantAuthenticator password(Function<String, Optional<AuthenticatedUser>> sessionByTokenHash, Clock clock) {
        return new PasswordTenant(
                BearerAuthentication.security(new SessionTokenProvider(sessionByTokenHash), "session-token"), clock);
    }

    /**
     * For a JWT tenant. Throws {@link IllegalArgumentException} when the key is unusable (HS256 secret under 32 bytes,
     * a PEM that is not an SPKI RSA key of at least 2048 bits).
     */
    static TenantAuthenticator jwt(JwtTenantConfig config) {
        return jwt(config, Clock.systemUTC());
    }

    /** As {@link #jwt(JwtTenantConfig)}, judging {@code exp} by {@code clock}. */
    static TenantAuthenticator jwt(JwtTenantConfig config, Clock clock) {
        TenantJwtProvider provider = TenantJwtProvider.create(config);
        return new JwtTenant(BearerAuthentication.security(provider, "tenant-jwt"), provider.algorithm(), clock);
    }

    /** Password tenants: opaque session tokens. Made only by {@link #password}. */
    final class PasswordTenant implements TenantAuthenticator {
        private final Security security;
        private final Clock clock;

        private PasswordTenant(Security security, Clock clock) {
            this.security = security;
            this.clock = clock;
        }

        @Override
        public Optional<AuthenticatedUser> authenticate(String bearerToken) {
            return BearerAuthentication.authenticate(security, bearerToken, clock, this::acceptedUntil);
        }

        @Override
        public Instant acceptedUntil(AuthenticatedUser user) {
            return user.expiresAt();
        }
    }

    /** JWT tenants: tokens of the tenant's identity provider. Made only by {@link #jwt}. */
    final class JwtTenant implements TenantAuthenticator {
        private final Security security;
        private final String algorithm;
        private final Clock clock;

        private JwtTenant(Security security, String algorithm, Clock clock) {
            this.security = security;
            this.algorithm = algorithm;
            this.clock = clock;
        }

        /** {@code HS256} or {@code RS256}: the only alg this tenant accepts. */
        public String algorithm() {
            return algorithm;
        }

        @Override
        public Optional<AuthenticatedUser> authenticate(String bearerToken) {
            return BearerAuthentication.authenticate(security, bearerToken, clock, this::acceptedUntil);
        }

        @Override
        public Instant acceptedUntil(AuthenticatedUser user) {
            return user.expiresAt().plus(JWT_LEEWAY);
        }
    }
}
