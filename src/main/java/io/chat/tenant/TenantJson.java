package io.chat.tenant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chat.json.Json;
import io.chat.tenant.auth.JwtTenantConfig;
import io.chat.tenant.auth.TenantAuthenticator;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Tenant definitions to and from JSON: the admin API's request, the file on disk (with secrets), and the
 * public view (never a secret).
 */
public final class TenantJson {
    private static final int MIN_SECRET_BYTES = 32;
    private static final int MAX_DISPLAY_NAME = 200;
    private static final int MAX_CLAIM_NAME = 100;
    private static final int MAX_ISSUER = 1000;
    private static final int MAX_PEM = 20_000;

    private TenantJson() {}

    /** Validates an admin API request body into a new, live definition. */
    public static TenantDefinition fromRequest(JsonNode body, Instant now) {
        if (body == null || !body.isObject()) {
            throw new InvalidRequest("body must be a JSON object");
        }
        TenantId id = TenantId.parse(text(body, "id").orElseThrow(() -> new InvalidRequest("id is required")))
                .orElseThrow(() -> new InvalidRequest("invalid tenant id: " + TenantId.RULE));
        String displayName = text(body, "displayName").orElse(id.value());
        if (!Names.isDisplayName(displayName, MAX_DISPLAY_NAME)) {
            throw new InvalidRequest("invalid displayName");
        }
        JsonNode auth = body.get("auth");
        if (auth == null || !auth.isObject()) {
            throw new InvalidRequest("auth is required");
        }
        return new TenantDefinition(id, displayName, auth(auth), limits(body.get("limits")), false, now);
    }

    /** Reads {@code tenant.json}; the file was written by {@link #toFile}, so it is trusted but still checked. */
    public static TenantDefinition fromFile(byte[] content) {
        try {
            JsonNode node = Json.mapper().readTree(content);
            TenantDefinition base =
                    fromRequest(node, Instant.parse(node.path("createdAt").asText()));
            return base.withSuspended(node.path("suspended").asBoolean(false));
        } catch (java.io.IOException | java.time.format.DateTimeParseException e) {
            throw new InvalidRequest("unreadable tenant definition");
        }
    }

    public static byte[] toFile(TenantDefinition definition) {
        ObjectNode node = common(definition);
        ObjectNode auth = authNode(definition.auth());
        if (definition.auth() instanceof AuthConfig.Jwt(JwtTenantConfig jwt)) {
            jwt.secret().ifPresent(s -> auth.put("secret", s));
            jwt.publicKeyPem().ifPresent(p -> auth.put("publicKeyPem", p));
        }
        node.set("auth", auth);
        try {
            return Json.mapper()
                    .writerWithDefaultPrettyPrinter()
                    .writeValueAsString(node)
                    .getBytes(StandardCharsets.UTF_8);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The definition as the admin API shows it: no secret, ever. */
    public static ObjectNode toPublic(TenantDefinition definition) {
        ObjectNode node = common(definition);
        node.set("auth", authNode(definition.auth()));
        node.put("status", definition.suspended() ? "suspended" : "active");
        return node;
    }

    private static ObjectNode common(TenantDefinition definition) {
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("id", definition.id().value());
        node.put("displayName", definition.displayName());
        Limits limits = definition.limits();
        ObjectNode limitsNode = node.putObject("limits");
        Limits.NAMES.forEach(name -> limitsNode.put(name, limits.value(name)));
        node.put("suspended", definition.suspended());
        node.put("createdAt", definition.createdAt().toString());
        return node;
    }

    private static ObjectNode authNode(AuthConfig auth) {
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("type", auth.type());
        if (auth instanceof AuthConfig.Jwt(JwtTenantConfig jwt)) {
            node.put("issuer", jwt.issuer());
            jwt.audience().ifPresent(a -> node.put("audience", a));
            node.put("algorithm", jwt.secret().isPresent() ? "HS256" : "RS256");
            node.put("userClaim", jwt.userClaim());
        }
        return node;
    }

    private static AuthConfig auth(JsonNode auth) {
        String type = text(auth, "type").orElseThrow(() -> new InvalidRequest("auth.type is required"));
        return switch (type) {
            case "password" -> new AuthConfig.Password();
            case "jwt" -> jwt(auth);
            default -> throw new InvalidRequest("auth.type must be password or jwt");
        };
    }

    private static AuthConfig jwt(JsonNode auth) {
        String issuer = text(auth, "issuer")
                .filter(s -> !s.isBlank() && s.length() <= MAX_ISSUER)
                .orElseThrow(() -> new InvalidRequest("auth.issuer is required"));
        Optional<String> audience = text(auth, "audience");
        if (audience.isPresent() && (audience.get().isBlank() || audience.get().length() > MAX_ISSUER)) {
            throw new InvalidRequest("invalid auth.audience");
        }
        Optional<String> secret = text(auth, "secret");
        Optional<String> pem = text(auth, "publicKeyPem");
        if (secret.isPresent() == pem.isPresent()) {
            throw new InvalidRequest("auth needs exactly one of secret and publicKeyPem");
        }
        if (secret.isPresent() && secret.get().getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw new InvalidRequest("auth.secret must be at least 32 bytes");
        }
        if (pem.isPresent() && (pem.get().length() > MAX_PEM || !pem.get().contains("BEGIN PUBLIC KEY"))) {
            throw new InvalidRequest("auth.publicKeyPem must be an SPKI PEM public key");
        }
        String claim = text(auth, "userClaim").orElse("sub");
        if (claim.isBlank() || claim.length() > MAX_CLAIM_NAME) {
            throw new InvalidRequest("invalid auth.userClaim");
        }
        JwtTenantConfig config = new JwtTenantConfig(issuer, audience, secret, pem, claim);
        try {
            // builds the verifier once, so that a key that cannot be used is refused now, not at the first login
            TenantAuthenticator.jwt(config);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequest("auth.publicKeyPem must be an SPKI PEM RSA public key of 2048 bits or more");
        }
        return new AuthConfig.Jwt(config);
    }

    private static Limits limits(JsonNode node) {
        if (node == null || node.isNull()) {
            return Limits.DEFAULTS;
        }
        if (!node.isObject()) {
            throw new InvalidRequest("limits must be an object");
        }
        Map<String, Integer> given = new HashMap<>();
        node.fieldNames().forEachRemaining(field -> {
            // a misspelt limit would otherwise be ignored without a word, and the default silently kept
            if (!Limits.NAMES.contains(field)) {
                throw new InvalidRequest("limits has an unknown field");
            }
            given.put(field, positive(node, field, Limits.DEFAULTS.value(field)));
        });
        try {
            return Limits.DEFAULTS.with(given);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequest("limits must be positive integers");
        }
    }

    private static int positive(JsonNode node, String field, int fallback) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < 1) {
            throw new InvalidRequest("limits." + field + " must be a positive integer");
        }
        return value.asInt();
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw new InvalidRequest(field + " must be a string");
        }
        return Optional.of(value.asText());
    }
}
