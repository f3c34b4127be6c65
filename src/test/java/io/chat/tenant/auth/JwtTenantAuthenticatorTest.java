package io.chat.tenant.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.security.jwt.Jwt;
import io.helidon.security.jwt.SignedJwt;
import io.helidon.security.jwt.jwk.JwkOctet;
import io.helidon.security.jwt.jwk.JwkRSA;
import jakarta.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JwtTenantAuthenticatorTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef-tenant-secret";
    private static final String ISSUER = "https://idp.acme.example";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private static KeyPair rsa;
    private static String rsaPem;

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        rsa = generator.generateKeyPair();
        rsaPem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(rsa.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    private static TenantAuthenticator hsTenant() {
        return TenantAuthenticator.jwt(JwtTenantConfig.hs256(ISSUER, Optional.empty(), SECRET));
    }

    private static TenantAuthenticator hsTenant(String audience) {
        return TenantAuthenticator.jwt(JwtTenantConfig.hs256(ISSUER, Optional.of(audience), SECRET));
    }

    private static TenantAuthenticator rsTenant() {
        return TenantAuthenticator.jwt(JwtTenantConfig.rs256(ISSUER, Optional.empty(), rsaPem));
    }

    /** Claims of a token that a tenant without audience accepts; tests change one thing each. */
    private static Map<String, Object> claims(String sub) {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", ISSUER);
        claims.put("sub", sub);
        claims.put("iat", now - 5);
        claims.put("exp", now + 300);
        return claims;
    }

    // ---- token builders by hand: full control of header and claims ----

    private static String b64Json(Map<String, Object> map) throws Exception {
        return B64URL.encodeToString(JSON.writeValueAsBytes(map));
    }

    static String hmacToken(Map<String, Object> header, Map<String, Object> claims, byte[] key) throws Exception {
        String signingInput = b64Json(header) + "." + b64Json(claims);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return signingInput + "."
                + B64URL.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    }

    static String hs256(Map<String, Object> claims) throws Exception {
        return hmacToken(Map.of("alg", "HS256", "typ", "JWT"), claims, SECRET.getBytes(StandardCharsets.UTF_8));
    }

    static String rs256(Map<String, Object> header, Map<String, Object> claims, PrivateKey key) throws Exception {
        String signingInput = b64Json(header) + "." + b64Json(claims);
        Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initSign(key);
        signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + B64URL.encodeToString(signature.sign());
    }

    // ---- HS256 ----

    @Test
    void validHs256IsAcceptedWithSubAsUser() throws Exception {
        Map<String, Object> claims = claims("alice");
        Optional<AuthenticatedUser> user = hsTenant().authenticate(hs256(claims));
        assertEquals(
                Optional.of(new AuthenticatedUser("alice", Instant.ofEpochSecond((Long) claims.get("exp")))), user);
    }

    @Test
    void tokenSignedWithHelidonsOwnClassesIsAccepted() {
        // Interop check: a token from Helidon's Jwt builder and SignedJwt.sign, with a kid we know nothing about.
        JwkOctet key = JwkOctet.create(Json.createObjectBuilder()
                .add("kty", "oct")
                .add("kid", "idp-key-1")
                .add("alg", "HS256")
                .add("k", B64URL.encodeToString(SECRET.getBytes(StandardCharsets.UTF_8)))
                .build());
        Instant exp = Instant.ofEpochSecond(Instant.now().getEpochSecond() + 600);
        Jwt jwt = Jwt.builder()
                .algorithm("HS256")
                .keyId("idp-key-1")
                .issuer(ISSUER)
                .subject("bob")
                .addAudience("chat")
                .issueTime(Instant.now())
                .expirationTime(exp)
                .build();
        String token = SignedJwt.sign(jwt, key).tokenContent();
        assertEquals(
                Optional.of(new AuthenticatedUser("bob", exp)), hsTenant("chat").authenticate(token));
    }

    @Test
    void configuredUserClaim() throws Exception {
        TenantAuthenticator tenant = TenantAuthenticator.jwt(
                JwtTenantConfig.hs256(ISSUER, Optional.empty(), SECRET).withUserClaim("preferred_username"));
        Map<String, Object> claims = claims("0f3c-opaque-id");
        claims.put("preferred_username", "carol");
        assertEquals("carol", tenant.authenticate(hs256(claims)).orElseThrow().username());

        // without that claim (sub alone is not enough), or with a non-string or blank one: refused
        assertEquals(Optional.empty(), tenant.authenticate(hs256(claims("0f3c-opaque-id"))));
        claims.put("preferred_username", 42);
        assertEquals(Optional.empty(), tenant.authenticate(hs256(claims)));
        claims.put("preferred_username", " ");
        assertEquals(Optional.empty(), tenant.authenticate(hs256(claims)));

        // a user claim other than sub works when sub is absent
        Map<String, Object> noSub = claims("x");
        noSub.remove("sub");
        noSub.put("preferred_username", "dave");
        assertEquals("dave", tenant.authenticate(hs256(noSub)).orElseThrow().username());
    }

    @Test
    void aUserClaimThatHidesCharactersOrIsTooLongIsRefused() throws Exception {
        // "alice\nbob" would open the conversation that alice, bob and carol's key names (members joined by newlines)
        for (String sub : List.of("alice\nbob", "bob\u202Eevil", "\u001b[31mred", "lone\uD800", "x".repeat(129))) {
            assertEquals(Optional.empty(), hsTenant().authenticate(hs256(claims(sub))), sub);
        }
        // what identity providers put there stays valid: mail addresses, opaque ids, other scripts
        for (String sub : List.of("alice@example.com", "auth0|64f1c2", "Zoë Martín", "x".repeat(128))) {
            assertEquals(
                    sub,
                    hsTenant().authenticate(hs256(claims(sub))).orElseThrow().username());
        }
    }

    @Test
    void missingSubIsRefusedForTheDefaultClaim() throws Exception {
        Map<String, Object> claims = claims("x");
        claims.remove("sub");
        assertEquals(Optional.empty(), hsTenant().authenticate(hs256(claims)));
    }

    @Test
    void wrongSecretIsRefused() throws Exception {
        String token = hmacToken(
                Map.of("alg", "HS256"),
                claims("alice"),
                "another-secret-of-at-least-32-bytes!!".getBytes(StandardCharsets.UTF_8));
        assertEquals(Optional.empty(), hsTenant().authenticate(token));
    }

    @Test
    void tamperedPayloadIsRefused() throws Exception {
        String token = hs256(claims("alice"));
        String[] parts = token.split("\\.");
        String forged = parts[0] + "." + b64Json(claims("admin")) + "." + parts[2];
        assertEquals(Optional.empty(), hsTenant().authenticate(forged));
    }

    @Test
    void expiredBeyondLeewayIsRefused() throws Exception {
        Map<String, Object> claims = claims("alice");
        long now = Instant.now().getEpochSecond();
        claims.put("iat", now - 600);
        claims.put("exp", now - 60);
        assertEquals(Optional.empty(), hsTenant().authenticate(hs256(claims)));
    }

    @Test
    void expiredWithinLeewayIsAccepted() throws Exception {
        Map<String, Object> claims = claims("alice");
        long now = Instant.now().getEpochSecond();
        claims.put("iat", now - 600);
        claims.put("exp", now - 10);
        assertTrue(hsTenant().authenticate(hs256(claims)).isPresent());
    }

    @Test
    void expIsJudgedByTheInjectedClockWithTheLeeway() throws Exception {
        Map<String, Object> claims = claims("alice");
        Instant exp = Instant.ofEpochSecond((Long) claims.get("exp"));
        String token = hs256(claims);
        JwtTenantConfig config = JwtTenantConfig.hs256(ISSUER, Optional.empty(), SECRET);
        TenantAuthenticator within = TenantAuthenticator.jwt(config, Clock.fixed(exp.plusSeconds(29), ZoneOffset.UTC));
        assertTrue(within.authenticate(token).isPresent(), "29 s past exp, by the tenant's clock");
        assertEquals(
                exp.plus(TenantAuthenticator.JWT_LEEWAY),
                within.acceptedUntil(within.authenticate(token).get()));
        TenantAuthenticator past = TenantAuthenticator.jwt(config, Clock.fixed(exp.plusSeconds(30), ZoneOffset.UTC));
        assertEquals(Optional.empty(), past.authenticate(token), "exp plus the leeway, by the tenant's clock");
    }

    @Test
    void tokensOverTheLengthLimitAreRefusedUnread() throws Exception {
        Map<String, Object> claims = claims("alice");
        claims.put("pad", "x".repeat(TenantAuthenticator.MAX_TOKEN_LENGTH));
        assertEquals(Optional.empty(), hsTenant().authenticate(hs256(claims)));
    }

    @Test
    void notBeforeAndIssuedAtHonourTheLeeway() throws Exception {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> claims = claims("alice");
        claims.put("nbf", now + 10);
        claims.put("iat", now + 10);
        assertTrue(hsTenant().authenticate(hs256(claims)).isPresent(), "10 s in the future is within 30 s");
        claims.put("nbf", now + 120);
        claims.put("iat", now - 5);
        assertEquals(Optional.empty(), hsTenant().authenticate(hs256(claims)), "nbf 2 min ahead");
        claims.remove("nbf");
        claims.put("iat", now + 120);
        assertEquals(Optional.empty(), hsTenant().authenticate(hs256(claims)), "iat 2 min ahead");
    }

    @Test
    void missingExpIsRefused() throws Exception {
        Map<String, Object> claims = claims("alice");
        claims.remove("exp");
        assertEquals(Optional.empty(), hsTenant().authenticate(hs256(claims)));
    }

    @Test
    void nonNumericExpIsRefused() throws Exception {
        Map<String, Object> claims = claims("alice");
        claims.put("exp", "tomorrow");
        assertEquals(Optional.empty(), hsTenant().authenticate(hs256(claims)));
    }

    @Test
    void wrongOrMissingIssuerIsRefused() throws Exception {
        Map<String, Object> claims = claims("alice");
        claims.put("iss", "https://evil.example");
        assertEquals(Optional.empty(), hsTenant().authenticate(hs256(claims)));
        claims.remove("iss");
        assertEquals(Optional.empty(), hsTenant().authenticate(hs256(claims)));
    }

    @Test
    void audience() throws Exception {
        Map<String, Object> claims = claims("alice");
        claims.put("aud", "chat");
        assertTrue(hsTenant("chat").authenticate(hs256(claims)).isPresent(), "aud string");
        claims.put("aud", List.of("billing", "chat"));
        assertTrue(hsTenant("chat").authenticate(hs256(claims)).isPresent(), "aud array containing it");
        claims.put("aud", "billing");
        assertEquals(Optional.empty(), hsTenant("chat").authenticate(hs256(claims)), "wrong aud");
        claims.put("aud", List.of("billing", "mail"));
        assertEquals(Optional.empty(), hsTenant("chat").authenticate(hs256(claims)), "aud array without it");
        claims.remove("aud");
        assertEquals(Optional.empty(), hsTenant("chat").authenticate(hs256(claims)), "aud missing");
        // a tenant without audience ignores aud
        claims.put("aud", "anything");
        assertTrue(hsTenant().authenticate(hs256(claims)).isPresent());
    }

    @Test
    void algNoneIsRefused() throws Exception {
        for (String alg : List.of("none", "None", "NONE")) {
            String unsigned = b64Json(Map.of("alg", alg, "typ", "JWT")) + "." + b64Json(claims("alice")) + ".";
            assertEquals(Optional.empty(), hsTenant().authenticate(unsigned), alg);
            assertEquals(Optional.empty(), rsTenant().authenticate(unsigned), alg);
        }
    }

    @Test
    void missingAlgIsRefusedEvenWhenCorrectlySigned() throws Exception {
        String token = hmacToken(Map.of("typ", "JWT"), claims("alice"), SECRET.getBytes(StandardCharsets.UTF_8));
        assertEquals(Optional.empty(), hsTenant().authenticate(token));
    }

    @Test
    void otherHmacAlgIsRefused() throws Exception {
        // Same key, HS384: signed correctly, but not the tenant's algorithm.
        String signingInput = b64Json(Map.of("alg", "HS384")) + "." + b64Json(claims("alice"));
        Mac mac = Mac.getInstance("HmacSHA384");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA384"));
        String token = signingInput + "."
                + B64URL.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        assertEquals(Optional.empty(), hsTenant().authenticate(token));
    }

    @Test
    void keyConfusionHs256WithRsaPublicKeyIsRefused() throws Exception {
        // The classic attack: take the RS256 tenant's public key and use it as an HMAC secret.
        TenantAuthenticator tenant = rsTenant();
        for (byte[] key :
                List.of(rsaPem.getBytes(StandardCharsets.UTF_8), rsa.getPublic().getEncoded())) {
            String forged = hmacToken(Map.of("alg", "HS256", "typ", "JWT"), claims("mallory"), key);
            assertEquals(Optional.empty(), tenant.authenticate(forged));
        }
    }

    @Test
    void rs256TokenAgainstHs256TenantIsRefused() throws Exception {
        String token = rs256(Map.of("alg", "RS256"), claims("alice"), rsa.getPrivate());
        assertEquals(Optional.empty(), hsTenant().authenticate(token));
    }

    // ---- RS256 ----

    @Test
    void validRs256IsAccepted() throws Exception {
        Map<String, Object> claims = claims("erin");
        String token = rs256(Map.of("alg", "RS256", "typ", "JWT", "kid", "some-idp-kid"), claims, rsa.getPrivate());
        assertEquals(
                Optional.of(new AuthenticatedUser("erin", Instant.ofEpochSecond((Long) claims.get("exp")))),
                rsTenant().authenticate(token));
    }

    @Test
    void rs256SignedWithHelidonIsAccepted() {
        JwkRSA key = JwkRSA.builder()
                .algorithm("RS256")
                .publicKey((RSAPublicKey) rsa.getPublic())
                .privateKey((RSAPrivateKey) rsa.getPrivate())
                .build();
        Jwt jwt = Jwt.builder()
                .algorithm("RS256")
                .issuer(ISSUER)
                .subject("frank")
                .expirationTime(Instant.now().plusSeconds(60))
                .build();
        assertEquals(
                "frank",
                rsTenant()
                        .authenticate(SignedJwt.sign(jwt, key).tokenContent())
                        .orElseThrow()
                        .username());
    }

    @Test
    void rs256FromAnotherKeyIsRefused() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        String token = rs256(
                Map.of("alg", "RS256"),
                claims("alice"),
                generator.generateKeyPair().getPrivate());
        assertEquals(Optional.empty(), rsTenant().authenticate(token));
    }

    // ---- garbage in, nothing out ----

    @Test
    void garbageIsRefusedWithoutExceptions() throws Exception {
        TenantAuthenticator tenant = hsTenant();
        String valid = hs256(claims("alice"));
        List<String> garbage = new ArrayList<>(List.of(
                "",
                " ",
                "abc",
                "a.b",
                "a.b.c",
                "....",
                "Bearer " + valid,
                valid + ".extra",
                valid.replace('.', ' '),
                "é.é.é",
                "x".repeat(20_000)));
        garbage.add(B64URL.encodeToString("[1,2]".getBytes()) + "." + B64URL.encodeToString("{}".getBytes()) + ".AAAA");
        garbage.add(
                B64URL.encodeToString("{}".getBytes()) + "." + B64URL.encodeToString("not json".getBytes()) + ".AAAA");
        garbage.add(null);
        for (String token : garbage) {
            assertEquals(Optional.empty(), tenant.authenticate(token), String.valueOf(token));
        }
    }

    @Test
    void unknownCriticalHeaderIsRefused() throws Exception {
        String token = hmacToken(
                Map.of("alg", "HS256", "crit", List.of("x-custom"), "x-custom", 1),
                claims("alice"),
                SECRET.getBytes(StandardCharsets.UTF_8));
        assertEquals(Optional.empty(), hsTenant().authenticate(token));
    }

    // ---- creation ----

    @Test
    void shortSecretIsRejectedAtCreation() {
        String shortSecret = "x".repeat(31);
        assertThrows(
                IllegalArgumentException.class,
                () -> TenantAuthenticator.jwt(JwtTenantConfig.hs256(ISSUER, Optional.empty(), shortSecret)));
        // 32 bytes counted as UTF-8: 16 two-byte characters are enough
        TenantAuthenticator.jwt(JwtTenantConfig.hs256(ISSUER, Optional.empty(), "é".repeat(16)));
    }

    @Test
    void badConfigsAreRejectedAtCreation() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> JwtTenantConfig.hs256(" ", Optional.empty(), SECRET));
        assertThrows(
                IllegalArgumentException.class,
                () -> new JwtTenantConfig(ISSUER, Optional.empty(), Optional.of(SECRET), Optional.of(rsaPem), "sub"));
        assertThrows(
                IllegalArgumentException.class,
                () -> new JwtTenantConfig(ISSUER, Optional.empty(), Optional.empty(), Optional.empty(), "sub"));
        assertThrows(
                IllegalArgumentException.class,
                () -> TenantAuthenticator.jwt(JwtTenantConfig.rs256(ISSUER, Optional.empty(), "not a pem")));
        assertThrows(
                IllegalArgumentException.class,
                () -> TenantAuthenticator.jwt(JwtTenantConfig.rs256(
                        ISSUER, Optional.empty(), rsaPem.replace("PUBLIC KEY", "RSA PUBLIC KEY"))));
        KeyPairGenerator small = KeyPairGenerator.getInstance("RSA");
        small.initialize(1024);
        String smallPem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getEncoder()
                        .encodeToString(small.generateKeyPair().getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----";
        assertThrows(
                IllegalArgumentException.class,
                () -> TenantAuthenticator.jwt(JwtTenantConfig.rs256(ISSUER, Optional.empty(), smallPem)));
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        String ecPem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getEncoder()
                        .encodeToString(ec.generateKeyPair().getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----";
        assertThrows(
                IllegalArgumentException.class,
                () -> TenantAuthenticator.jwt(JwtTenantConfig.rs256(ISSUER, Optional.empty(), ecPem)));
    }

    @Test
    void configNeverPrintsTheSecret() {
        JwtTenantConfig config = JwtTenantConfig.hs256(ISSUER, Optional.of("chat"), SECRET);
        assertFalse(config.toString().contains(SECRET), config.toString());
        assertEquals("sub", config.userClaim());
        assertEquals("HS256", ((TenantAuthenticator.JwtTenant) TenantAuthenticator.jwt(config)).algorithm());
        assertEquals("RS256", ((TenantAuthenticator.JwtTenant) rsTenant()).algorithm());
    }

    // ---- many virtual threads at once ----

    @Test
    void concurrentAuthenticationsOnVirtualThreads() throws Exception {
        TenantAuthenticator hs = hsTenant();
        TenantAuthenticator rs = rsTenant();
        int threads = 200;
        int perThread = 50;
        List<String> good = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            good.add(hs256(claims("user" + i)));
            bad.add(hmacToken(
                    Map.of("alg", "HS256"), claims("user" + i), "w".repeat(40).getBytes()));
        }
        String rsToken = rs256(Map.of("alg", "RS256"), claims("rsuser"), rsa.getPrivate());
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                results.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < perThread; i++) {
                        int n = (id + i) % 20;
                        Optional<AuthenticatedUser> user = hs.authenticate(good.get(n));
                        if (user.map(u -> u.username().equals("user" + n)).orElse(false)
                                && hs.authenticate(bad.get(n)).isEmpty()
                                && (i % 10 != 0 || rs.authenticate(rsToken).isPresent())) {
                            ok++;
                        }
                    }
                    return ok;
                }));
            }
            for (Future<Integer> result : results) {
                assertEquals(perThread, result.get());
            }
        }
        long calls = (long) threads * perThread * 2 + threads * perThread / 10;
        System.out.printf(
                "JWT: %d authentications on %d virtual threads in %.0f ms (%.1f us each)%n",
                calls, threads, (System.nanoTime() - start) / 1e6, (System.nanoTime() - start) / 1e3 / calls);
    }
}
