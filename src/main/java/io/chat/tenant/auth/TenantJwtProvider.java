package io.chat.tenant.auth;

import io.helidon.common.Errors;
import io.helidon.security.AuthenticationResponse;
import io.helidon.security.ProviderRequest;
import io.helidon.security.jwt.Jwt;
import io.helidon.security.jwt.JwtValidator;
import io.helidon.security.jwt.SignedJwt;
import io.helidon.security.jwt.jwk.Jwk;
import io.helidon.security.jwt.jwk.JwkKeys;
import io.helidon.security.jwt.jwk.JwkOctet;
import io.helidon.security.jwt.jwk.JwkRSA;
import io.helidon.security.spi.AuthenticationProvider;
import jakarta.json.Json;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * Helidon authentication provider of a JWT tenant, built on Helidon's JWT library ({@link SignedJwt},
 * {@link JwtValidator}, {@link JwkOctet} / {@link JwkRSA}).
 *
 * <p>Why not Helidon's {@code JwtProvider}: in 4.2.0 it (1) refuses every token whose header has no {@code kid}
 * (it only finds keys by kid, and tenants give us one key, not a JWKS), (2) never checks {@code iss} (its issuer is
 * for outbound tokens only), (3) treats {@code exp} as optional with a fixed 5 s skew, (4) needs {@code sub} even when
 * the user is another claim, and (5) puts the raw token in its failure description, which the audit log records.
 * Here Helidon still does the signature check and every claim check; this class only chooses the rules.
 *
 * <p>Immutable after construction; Helidon's JWK verifies with a fresh {@code Mac}/{@code Signature} per call, so one
 * instance serves any number of threads.
 */
final class TenantJwtProvider implements AuthenticationProvider {
    static final Duration LEEWAY = TenantAuthenticator.JWT_LEEWAY;
    // Tenants bring one key and no JWKS: an empty key set makes Helidon use the tenant's key as its default JWK,
    // which also makes Helidon require the token's alg to equal that key's alg.
    private static final JwkKeys NO_KEYS = JwkKeys.builder().build();
    /** The longest user name a token may carry. */
    static final int MAX_USERNAME_LENGTH = ShownNames.MAX_JWT_USERNAME_LENGTH;

    private final Jwk key;
    private final String algorithm;
    private final String userClaim;
    private final JwtValidator validator;

    private TenantJwtProvider(Jwk key, JwtTenantConfig config) {
        this.key = key;
        this.algorithm = key.algorithm();
        this.userClaim = config.userClaim();
        JwtValidator.Builder rules = JwtValidator.builder()
                // now() is read on each validation (no fixed instant), so one validator serves the tenant's life.
                // exp is required here and judged by BearerAuthentication on the tenant's clock, as sessions are.
                .addNotBeforeValidator(b -> b.allowedTimeSkew(LEEWAY))
                .addIssueTimeValidator(b -> b.allowedTimeSkew(LEEWAY))
                .addIssuerValidator(config.issuer(), true)
                .addCriticalValidator();
        config.audience()
                .ifPresent(aud -> rules.addAudienceValidator(
                        b -> b.addExpectedAudience(aud).mandatory(true)));
        this.validator = rules.build();
    }

    /** A provider for {@code config}; {@link IllegalArgumentException} when its key is unusable. */
    static TenantJwtProvider create(JwtTenantConfig config) {
        return new TenantJwtProvider(
                config.secret()
                        .map(TenantJwtProvider::hs256Key)
                        .orElseGet(() -> rs256Key(config.publicKeyPem().orElseThrow())),
                config);
    }

    private static Jwk hs256Key(String secret) {
        // JwkOctet has no public setter for raw bytes: it is built the JWK way, from {"kty":"oct","k":base64url},
        // where Helidon insists on a kid. The kid is never matched against tokens (the key set is empty).
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        return JwkOctet.create(Json.createObjectBuilder()
                .add(Jwk.PARAM_KEY_TYPE, Jwk.KEY_TYPE_OCT)
                .add(Jwk.PARAM_KEY_ID, "tenant-secret")
                .add(Jwk.PARAM_ALGORITHM, JwkOctet.ALG_HS256)
                .add(Jwk.PARAM_USE, Jwk.USE_SIGNATURE)
                .add(
                        JwkOctet.PARAM_OCTET_KEY,
                        Base64.getUrlEncoder().withoutPadding().encodeToString(bytes))
                .build());
    }

    private static Jwk rs256Key(String pem) {
        return JwkRSA.builder()
                .keyType(Jwk.KEY_TYPE_RSA)
                .algorithm(JwkRSA.ALG_RS256)
                .usage(Jwk.USE_SIGNATURE)
                .publicKey(RsaPem.parse(pem))
                .build();
    }

    String algorithm() {
        return algorithm;
    }

    @Override
    public AuthenticationResponse authenticate(ProviderRequest request) {
        Optional<String> token = BearerAuthentication.token(request.env());
        if (token.isEmpty()) {
            return BearerAuthentication.failed("no bearer token");
        }
        try {
            return authenticate(token.get());
        } catch (RuntimeException e) {
            // Malformed JSON, a claim of the wrong type, ...: Helidon's messages may quote the token, so a fixed
            // phrase.
            return BearerAuthentication.failed("invalid token");
        }
    }

    private AuthenticationResponse authenticate(String token) {
        SignedJwt signed = SignedJwt.parseToken(token);
        Jwt jwt = signed.getJwt();
        // Helidon falls back to the key's alg when the header has none; RFC 7515 makes alg mandatory, and an
        // explicit match also refuses "none" and the HS256-with-RSA-public-key confusion before any crypto runs.
        if (!jwt.algorithm().map(algorithm::equals).orElse(false)) {
            return BearerAuthentication.failed("unexpected alg");
        }
        Errors signature = signed.verifySignature(NO_KEYS, key);
        if (!signature.isValid()) {
            return BearerAuthentication.failed("bad signature");
        }
        Errors claims = validator.validate(jwt);
        if (!claims.isValid()) {
            return BearerAuthentication.failed("claims rejected");
        }
        Optional<String> username = jwt.payloadClaim(userClaim)
                .filter(v -> v.getValueType() == JsonValue.ValueType.STRING)
                .map(v -> ((JsonString) v).getString());
        if (username.isEmpty()) {
            return BearerAuthentication.failed("no user claim");
        }
        // the claim is the user's name everywhere (rooms, mentions, conversation keys, the store's 255-character
        // columns): one that hides characters, e.g. a newline joining two names into one conversation's key, is refused
        if (!ShownNames.isShown(username.get(), MAX_USERNAME_LENGTH)) {
            return BearerAuthentication.failed("bad user claim");
        }
        Optional<Instant> expiresAt = jwt.expirationTime();
        if (expiresAt.isEmpty()) {
            return BearerAuthentication.failed("no exp");
        }
        return BearerAuthentication.success(new AuthenticatedUser(username.get(), expiresAt.get()));
    }
}
