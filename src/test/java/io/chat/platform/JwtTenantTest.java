package io.chat.platform;

import static io.chat.platform.ChatAssertions.assertMessage;
import static io.chat.platform.ChatAssertions.assertOk;
import static io.chat.platform.ChatClient.json;
import static io.chat.platform.ChatClient.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Tenants that bring their own identity provider: HS256 and RS256 JWTs minted here, checked by the platform. */
@PlatformTest
class JwtTenantTest {
    private static final String ISSUER = "https://idp.jwt-test.example";
    private static final String AUDIENCE = "chat-platform";
    private static final String SECRET = "a-shared-secret-of-at-least-32-bytes-for-hs256";
    private static final String OTHER_SECRET = "another-secret-also-at-least-32-bytes-long!!";
    /** The claim tenant's: with the HS256 tenant's issuer, secret and no audience it would accept its tokens. */
    private static final String CLAIM_SECRET = "the-claim-tenant-secret-of-32-bytes-or-more";

    private static PlatformServer server;
    private static KeyPair rsa;
    private static String hsTenant;
    private static String rsTenant;
    private static String claimTenant;

    @BeforeAll
    static void provision() throws Exception {
        rsa = Jwts.rsaKeyPair();
        hsTenant = TestTenants.newId("jwt-hs");
        rsTenant = TestTenants.newId("jwt-rs");
        claimTenant = TestTenants.newId("jwt-claim");
        provision(
                json(
                        "id",
                        hsTenant,
                        "auth",
                        json("type", "jwt", "issuer", ISSUER, "audience", AUDIENCE, "secret", SECRET)),
                SECRET);
        String pem = Jwts.pem(rsa.getPublic());
        provision(json("id", rsTenant, "auth", json("type", "jwt", "issuer", ISSUER, "publicKeyPem", pem)), "PRIVATE");
        provision(
                json(
                        "id",
                        claimTenant,
                        "auth",
                        json(
                                "type",
                                "jwt",
                                "issuer",
                                ISSUER,
                                "secret",
                                CLAIM_SECRET,
                                "userClaim",
                                "preferred_username")),
                CLAIM_SECRET);
    }

    private static void provision(ObjectNode definition, String secret) {
        var response = server.admin("POST", "/admin/tenants", definition.toString());
        TestTenants.expect(201, response);
        JsonNode tenant = PlatformServer.json(response.body());
        assertEquals(definition.get("id"), tenant.get("id"));
        assertFalse(response.body().contains(secret), "the secret is never returned: " + response.body());
    }

    private static Map<String, Object> claims(String sub) {
        Map<String, Object> claims = Jwts.claims(ISSUER, sub);
        claims.put("aud", AUDIENCE);
        return claims;
    }

    private static String unauthorized(String tenant, String token) {
        return ChatClient.connectError(server.url(), "/" + tenant, token);
    }

    /** Connects, joins, sends: the message's {@code from} is the token's user. */
    private static void assertSendsAs(String tenant, String token, String user) {
        try (ChatClient client = ChatClient.connect(server.url(), "/" + tenant, token)) {
            JsonNode join = assertOk(client.join("general"));
            assertTrue(strings(join.get("members")).contains(user), join.toString());
            JsonNode message = client.send("general", "hello from " + user);
            assertMessage(message, "general", user, "hello from " + user);
            assertEquals(
                    List.of(user),
                    strings(assertOk(client.call("presence:list", json("room", "general")))
                            .get("users")));
        }
    }

    /**
     * The identity provider owns a JWT tenant's users: a direct message may name any valid user name (who may never
     * have connected), and the picker lists no one (the tenant stores no users).
     */
    @Test
    void aDirectMessageOnAJwtTenantNamesAnyValidUser() {
        try (ChatClient alice = ChatClient.connect(server.url(), "/" + hsTenant, Jwts.hs256(SECRET, claims("alice")));
                ChatClient zed = ChatClient.connect(server.url(), "/" + hsTenant, Jwts.hs256(SECRET, claims("zed")))) {
            JsonNode opened = assertOk(alice.call("dm:open", json("users", List.of("zed"))));
            assertEquals(List.of("alice", "zed"), strings(opened.get("members")));
            String room = opened.get("room").asText();
            alice.send(room, "hello zed");
            assertOk(zed.join(room));
            assertEquals(
                    "hello zed",
                    assertOk(zed.call("history:fetch", json("room", room)))
                            .get("messages")
                            .get(0)
                            .get("text")
                            .asText());
            // a name no token may carry (a line break, over 128 characters) is refused
            ChatAssertions.assertError(alice.call("dm:open", json("users", List.of("two\nlines"))), "bad_request");
            ChatAssertions.assertError(alice.call("dm:open", json("users", List.of("x".repeat(129)))), "bad_request");
            assertEquals(
                    0, assertOk(alice.call("users:list", json())).get("users").size());
        }
    }

    /**
     * A subject that is not a password tenant's user name (an email address, a name with a space) is a user as any
     * other: others open a conversation with it and search its messages (a review: only its own dm:open worked).
     */
    @Test
    void aUserWhoseNameIsAnEmailAddressIsOneToOpenAConversationWithAndSearchBy() {
        String email = "Alice.Smith@example.com";
        try (ChatClient alice = ChatClient.connect(server.url(), "/" + hsTenant, Jwts.hs256(SECRET, claims(email)));
                ChatClient bob = ChatClient.connect(server.url(), "/" + hsTenant, Jwts.hs256(SECRET, claims("bob")))) {
            JsonNode opened = assertOk(bob.call("dm:open", json("users", List.of(email))));
            assertEquals(List.of(email, "bob"), strings(opened.get("members")));
            String room = opened.get("room").asText();
            assertOk(alice.join(room));
            alice.send(room, "quarterly figures attached");
            JsonNode found = assertOk(bob.call("search", json("q", "quarterly", "from", email)));
            assertEquals(1, found.get("results").size(), found.toString());
            assertEquals(email, found.get("results").get(0).get("from").asText());
            assertEquals(
                    0,
                    assertOk(bob.call("users:get", json("users", List.of(email))))
                            .get("users")
                            .size(),
                    "a name is valid, and the tenant stores no users");
        }
    }

    /** Its identity provider owns the passwords: neither a reset nor a change has one to set. */
    @Test
    void aJwtTenantHasNoPasswordToResetOrChange() {
        String body = "{\"password\":\"long-enough-secret\"}";
        HttpResponse<String> reset = server.admin("PUT", "/admin/tenants/" + hsTenant + "/users/alice/password", body);
        assertEquals(400, reset.statusCode(), reset.body());
        HttpResponse<String> change = server.call(
                "PUT",
                "/api/tenants/" + hsTenant + "/password",
                "{\"currentPassword\":\"anything-at-all\",\"newPassword\":\"long-enough-secret\"}",
                Jwts.hs256(SECRET, claims("alice")));
        assertEquals(400, change.statusCode(), change.body());
        assertTrue(change.body().contains("this tenant signs in with its own tokens"), change.body());
        for (int i = 0; i < 12; i++) {
            assertEquals(
                    400,
                    server.call(
                                    "PUT",
                                    "/api/tenants/" + hsTenant + "/password",
                                    "{}",
                                    Jwts.hs256(SECRET, claims("alice")))
                            .statusCode(),
                    "taking no login attempt: never 429");
        }
    }

    @Test
    void validHs256TokenConnectsAndTheSubIsTheUser() {
        assertSendsAs(hsTenant, Jwts.hs256(SECRET, claims("alice")), "alice");
        Map<String, Object> arrayAudience = claims("bob");
        arrayAudience.put("aud", List.of("someone-else", AUDIENCE));
        assertSendsAs(hsTenant, Jwts.hs256(SECRET, arrayAudience), "bob");
    }

    @Test
    void validRs256TokenConnectsAndTheSubIsTheUser() {
        assertSendsAs(rsTenant, Jwts.rs256(rsa.getPrivate(), Jwts.claims(ISSUER, "carol")), "carol");
    }

    @Test
    void theConfiguredUserClaimIsTheUser() {
        Map<String, Object> claims = Jwts.claims(ISSUER, "subject-1234");
        claims.put("preferred_username", "dave");
        assertSendsAs(claimTenant, Jwts.hs256(CLAIM_SECRET, claims), "dave");
        assertEquals(
                "unauthorized",
                unauthorized(claimTenant, Jwts.hs256(CLAIM_SECRET, Jwts.claims(ISSUER, "erin"))),
                "a token without the configured claim names no user");
    }

    @Test
    void expiryHasThirtySecondsOfLeewayAndExpIsRequired() {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> expired = claims("alice");
        expired.put("iat", now - 600);
        expired.put("exp", now - 120);
        assertEquals("unauthorized", unauthorized(hsTenant, Jwts.hs256(SECRET, expired)));
        Map<String, Object> justExpired = claims("alice");
        justExpired.put("iat", now - 600);
        justExpired.put("exp", now - 10);
        assertSendsAs(hsTenant, Jwts.hs256(SECRET, justExpired), "alice");
        Map<String, Object> noExp = claims("alice");
        noExp.remove("exp");
        assertEquals("unauthorized", unauthorized(hsTenant, Jwts.hs256(SECRET, noExp)));
    }

    @Test
    void wrongIssuerOrAudienceIsUnauthorized() {
        Map<String, Object> issuer = claims("alice");
        issuer.put("iss", "https://evil.example");
        assertEquals("unauthorized", unauthorized(hsTenant, Jwts.hs256(SECRET, issuer)));
        Map<String, Object> audience = claims("alice");
        audience.put("aud", "another-service");
        assertEquals("unauthorized", unauthorized(hsTenant, Jwts.hs256(SECRET, audience)));
        Map<String, Object> audiences = claims("alice");
        audiences.put("aud", List.of("another-service", "a-third"));
        assertEquals("unauthorized", unauthorized(hsTenant, Jwts.hs256(SECRET, audiences)));
        Map<String, Object> rsIssuer = Jwts.claims("https://evil.example", "alice");
        assertEquals("unauthorized", unauthorized(rsTenant, Jwts.rs256(rsa.getPrivate(), rsIssuer)));
    }

    @Test
    void badSignaturesAndAlgorithmsAreUnauthorized() {
        assertEquals("unauthorized", unauthorized(hsTenant, Jwts.none(claims("alice"))), "alg none, HS256 tenant");
        assertEquals(
                "unauthorized",
                unauthorized(rsTenant, Jwts.none(Jwts.claims(ISSUER, "alice"))),
                "alg none, RS256 tenant");
        assertEquals(
                "unauthorized", unauthorized(hsTenant, Jwts.hs256(OTHER_SECRET, claims("alice"))), "another secret");
        // HS256 against the RS256 tenant, keyed with its public key (the classic confusion) or any secret
        byte[] pemBytes = Jwts.pem(rsa.getPublic()).getBytes(StandardCharsets.UTF_8);
        assertEquals("unauthorized", unauthorized(rsTenant, Jwts.hs256(pemBytes, Jwts.claims(ISSUER, "alice"))));
        assertEquals("unauthorized", unauthorized(rsTenant, Jwts.hs256(SECRET, Jwts.claims(ISSUER, "alice"))));
        assertEquals(
                "unauthorized",
                unauthorized(hsTenant, Jwts.rs256(rsa.getPrivate(), claims("alice"))),
                "RS256 against the HS256 tenant");
        assertEquals(
                "unauthorized",
                unauthorized(rsTenant, Jwts.rs256(Jwts.rsaKeyPair().getPrivate(), Jwts.claims(ISSUER, "alice"))),
                "another RSA key");
        String valid = Jwts.hs256(SECRET, claims("alice"));
        String[] parts = valid.split("\\.");
        String forged = parts[0] + "." + Jwts.hs256(SECRET, claims("mallory")).split("\\.")[1] + "." + parts[2];
        assertEquals("unauthorized", unauthorized(hsTenant, forged), "payload swapped under a valid signature");
        assertEquals("unauthorized", unauthorized(hsTenant, parts[0] + "." + parts[1]), "no signature part");
        assertEquals("unauthorized", unauthorized(rsTenant, valid), "another tenant's token");
    }
}
