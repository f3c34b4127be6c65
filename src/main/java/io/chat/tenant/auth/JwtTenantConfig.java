package io.chat.tenant.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.interfaces.RSAPublicKey;
import java.util.Objects;
import java.util.Optional;

/**
 * What a JWT tenant's tokens are checked against.
 *
 * @param issuer       the required {@code iss}
 * @param audience     when present, {@code aud} (a string or an array) must contain it
 * @param secret       HS256 key, used as its UTF-8 bytes; at least 32 bytes
 * @param publicKeyPem RS256 key, an SPKI PEM ({@code -----BEGIN PUBLIC KEY-----}) RSA public key
 * @param userClaim    the claim holding the user name ({@code sub} by default)
 */
public record JwtTenantConfig(
        String issuer,
        Optional<String> audience,
        Optional<String> secret,
        Optional<String> publicKeyPem,
        String userClaim) {
    /** HS256 keys shorter than this are refused: RFC 7518 3.2 asks for a key at least as long as the hash. */
    public static final int MIN_SECRET_BYTES = 32;

    public static final String DEFAULT_USER_CLAIM = "sub";

    public JwtTenantConfig {
        Objects.requireNonNull(audience, "audience");
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(publicKeyPem, "publicKeyPem");
        if (issuer == null || issuer.isBlank()) {
            throw new IllegalArgumentException("issuer is required");
        }
        if (audience.isPresent() && audience.get().isBlank()) {
            throw new IllegalArgumentException("audience must not be blank");
        }
        if (secret.isPresent() == publicKeyPem.isPresent()) {
            throw new IllegalArgumentException("exactly one of secret and publicKeyPem is required");
        }
        if (secret.isPresent() && secret.get().getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("secret must be at least " + MIN_SECRET_BYTES + " bytes");
        }
        if (userClaim == null || userClaim.isBlank()) {
            userClaim = DEFAULT_USER_CLAIM;
        }
    }

    /** An HS256 tenant. */
    public static JwtTenantConfig hs256(String issuer, Optional<String> audience, String secret) {
        return new JwtTenantConfig(issuer, audience, Optional.of(secret), Optional.empty(), DEFAULT_USER_CLAIM);
    }

    /** An RS256 tenant. */
    public static JwtTenantConfig rs256(String issuer, Optional<String> audience, String publicKeyPem) {
        return new JwtTenantConfig(issuer, audience, Optional.empty(), Optional.of(publicKeyPem), DEFAULT_USER_CLAIM);
    }

    /** The same tenant with another user claim. */
    public JwtTenantConfig withUserClaim(String claim) {
        return new JwtTenantConfig(issuer, audience, secret, publicKeyPem, claim);
    }

    /**
     * Whether one token can pass both this tenant's checks and {@code other}'s: the same issuer and the same key (the
     * secret's bytes, or the RSA key however its PEM is wrapped), and not two audiences that differ. Tokens name their
     * issuer and audience but not the tenant, so two such tenants open each other's namespaces. The user claim does
     * not tell them apart (one token may carry both claims).
     */
    public boolean acceptsTokensOf(JwtTenantConfig other) {
        if (!issuer.equals(other.issuer)) {
            return false;
        }
        if (audience.isPresent() && other.audience.isPresent() && !audience.equals(other.audience)) {
            return false;
        }
        if (secret.isPresent() && other.secret.isPresent()) {
            return MessageDigest.isEqual(
                    secret.get().getBytes(StandardCharsets.UTF_8),
                    other.secret.get().getBytes(StandardCharsets.UTF_8));
        }
        if (publicKeyPem.isPresent() && other.publicKeyPem.isPresent()) {
            return sameRsaKey(publicKeyPem.get(), other.publicKeyPem.get());
        }
        return false; // HS256 and RS256: alg must match the key, so no token passes both
    }

    private static boolean sameRsaKey(String pem, String otherPem) {
        if (pem.equals(otherPem)) {
            return true;
        }
        try {
            RSAPublicKey key = RsaPem.parse(pem);
            RSAPublicKey otherKey = RsaPem.parse(otherPem);
            return key.getModulus().equals(otherKey.getModulus())
                    && key.getPublicExponent().equals(otherKey.getPublicExponent());
        } catch (IllegalArgumentException e) {
            return false; // a PEM that is no key verifies no token
        }
    }

    /** Never shows the secret (records print every component by default). */
    @Override
    public String toString() {
        return "JwtTenantConfig[issuer=" + issuer + ", audience=" + audience.orElse("-")
                + ", key=" + (secret.isPresent() ? "HS256 secret (hidden)" : "RS256 public key")
                + ", userClaim=" + userClaim + "]";
    }
}
