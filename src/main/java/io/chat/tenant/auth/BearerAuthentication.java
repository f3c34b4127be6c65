package io.chat.tenant.auth;

import io.helidon.security.AuthenticationResponse;
import io.helidon.security.Principal;
import io.helidon.security.Security;
import io.helidon.security.SecurityContext;
import io.helidon.security.SecurityEnvironment;
import io.helidon.security.SecurityResponse;
import io.helidon.security.Subject;
import io.helidon.security.spi.AuthenticationProvider;
import io.helidon.security.util.TokenHandler;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

/**
 * The plumbing both tenant kinds share: a token goes into a Helidon {@link SecurityEnvironment} as an
 * {@code Authorization: Bearer} header, the tenant's {@link Security} runs its provider, and the provider's
 * {@link AuthenticatedUser} comes back out of the subject's public credentials.
 */
final class BearerAuthentication {
    static final String HEADER = "Authorization";
    private static final String CONTEXT_ID = "tenant-atn";
    // Helidon's own extractor: case-insensitive "bearer " prefix on the Authorization header.
    private static final TokenHandler TOKEN_HANDLER =
            TokenHandler.builder().tokenHeader(HEADER).tokenPrefix("bearer ").build();

    private BearerAuthentication() {}

    /** One Security instance holding {@code provider} as its only authentication provider. */
    static Security security(AuthenticationProvider provider, String name) {
        return Security.builder()
                .addAuthenticationProvider(provider, name)
                // no tracer lookups on every context: nothing here is traced
                .disableTracing()
                .build();
    }

    /**
     * Runs one authentication through {@code security} and the one expiry check: the user is refused once
     * {@code clock} reaches {@code acceptedUntil} of them. Empty on any failure. Throws
     * {@link CredentialUncheckedException} only when the provider could not check the token ({@link #unchecked}).
     */
    static Optional<AuthenticatedUser> authenticate(
            Security security, String token, Clock clock, Function<AuthenticatedUser, Instant> acceptedUntil) {
        if (token == null || token.isBlank() || token.length() > TenantAuthenticator.MAX_TOKEN_LENGTH) {
            return Optional.empty();
        }
        try {
            // A fresh context per call: contexts hold the authenticated user, so they are never shared between threads.
            SecurityContext context = security.createContext(CONTEXT_ID);
            context.env(security.environmentBuilder()
                    .header(HEADER, "Bearer " + token)
                    .transport("bearer")
                    .build());
            AuthenticationResponse response = context.atnClientBuilder().submit();
            if (response.status() != SecurityResponse.SecurityStatus.SUCCESS) {
                if (response.throwable().orElse(null) instanceof CredentialUncheckedException unchecked) {
                    throw unchecked;
                }
                return Optional.empty();
            }
            return response.user()
                    .flatMap(subject -> subject.publicCredential(AuthenticatedUser.class))
                    .filter(user -> clock.instant().isBefore(acceptedUntil.apply(user)));
        } catch (CredentialUncheckedException e) {
            throw e;
        } catch (RuntimeException e) {
            // Security wraps provider errors in SecurityException; the messages may quote the token, so drop them.
            return Optional.empty();
        }
    }

    /** The bearer token of a provider request, if it carries exactly a well-formed one. */
    static Optional<String> token(SecurityEnvironment env) {
        try {
            return TOKEN_HANDLER.extractToken(env.headers()).filter(t -> !t.isBlank());
        } catch (RuntimeException e) {
            // TokenHandler's message quotes the header value: never pass it on.
            return Optional.empty();
        }
    }

    /** A successful response carrying {@code user} for {@link #authenticate} to pick up. */
    static AuthenticationResponse success(AuthenticatedUser user) {
        return AuthenticationResponse.success(Subject.builder()
                .principal(Principal.create(user.username()))
                .addPublicCredential(AuthenticatedUser.class, user)
                .build());
    }

    /**
     * A failure. {@code reason} is a fixed phrase: Helidon's audit log records it (at TRACE by default), so it must
     * never contain the token or any part of it.
     */
    static AuthenticationResponse failed(String reason) {
        return AuthenticationResponse.failed(reason);
    }

    /** A failure to check the token at all (the store failed): {@link #authenticate} throws, it does not refuse. */
    static AuthenticationResponse unchecked(String reason) {
        return AuthenticationResponse.failed(reason, new CredentialUncheckedException());
    }
}
