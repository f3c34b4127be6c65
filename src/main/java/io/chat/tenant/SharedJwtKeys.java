package io.chat.tenant;

import io.chat.tenant.auth.JwtTenantConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One tenant's tokens must not open another tenant's namespace. A JWT names its issuer and audience, not the tenant,
 * so two JWT tenants with the same issuer and key (one identity provider realm for several customers) accept each
 * other's tokens, unless each has an audience and the two differ ({@link JwtTenantConfig#acceptsTokensOf}). Such a
 * tenant is refused when provisioned; tenants stored before this rule are kept, with a warning naming them (their
 * ids, never a key).
 */
final class SharedJwtKeys {
    private static final System.Logger LOGGER = System.getLogger(SharedJwtKeys.class.getName());

    /** The 400's message: short, fixed, naming no other tenant. */
    static final String REFUSED = "another jwt tenant has this issuer and key: give each its own audience";

    private SharedJwtKeys() {}

    /** A tenant of {@code others} (not {@code candidate} itself) that would accept {@code candidate}'s tokens. */
    static Optional<TenantId> acceptedBy(TenantDefinition candidate, Collection<TenantDefinition> others) {
        if (!(candidate.auth() instanceof AuthConfig.Jwt(JwtTenantConfig config))) {
            return Optional.empty();
        }
        for (TenantDefinition other : others) {
            if (!other.id().equals(candidate.id())
                    && other.auth() instanceof AuthConfig.Jwt(JwtTenantConfig otherConfig)
                    && config.acceptsTokensOf(otherConfig)) {
                return Optional.of(other.id());
            }
        }
        return Optional.empty();
    }

    /** Refuses {@code candidate} ({@link InvalidRequest}, {@link #REFUSED}) when a tenant of {@code others} would accept its tokens. */
    static void check(TenantDefinition candidate, Collection<TenantDefinition> others) {
        Optional<TenantId> other = acceptedBy(candidate, others);
        if (other.isPresent()) {
            LOGGER.log(
                    System.Logger.Level.INFO,
                    "tenant=" + candidate.id() + " event=provision outcome=refused reason=shared-jwt-key other="
                            + other.get());
            throw new InvalidRequest(REFUSED);
        }
    }

    /**
     * Each pair of {@code definitions} that accept each other's tokens, as their ids (sorted). Compared within an
     * issuer only, so tenants of different issuers cost one map entry each.
     */
    static List<List<TenantId>> pairs(Collection<TenantDefinition> definitions) {
        Map<String, List<TenantDefinition>> byIssuer = new HashMap<>();
        for (TenantDefinition definition : definitions) {
            if (definition.auth() instanceof AuthConfig.Jwt(JwtTenantConfig config)) {
                byIssuer.computeIfAbsent(config.issuer(), issuer -> new ArrayList<>())
                        .add(definition);
            }
        }
        List<List<TenantId>> pairs = new ArrayList<>();
        for (List<TenantDefinition> sameIssuer : byIssuer.values()) {
            sameIssuer.sort(Comparator.comparing(definition -> definition.id().value()));
            for (int i = 0; i < sameIssuer.size(); i++) {
                for (int j = i + 1; j < sameIssuer.size(); j++) {
                    if (acceptedBy(sameIssuer.get(i), List.of(sameIssuer.get(j)))
                            .isPresent()) {
                        pairs.add(List.of(
                                sameIssuer.get(i).id(), sameIssuer.get(j).id()));
                    }
                }
            }
        }
        pairs.sort(Comparator.comparing((List<TenantId> pair) -> pair.get(0).value())
                .thenComparing(pair -> pair.get(1).value()));
        return pairs;
    }

    /** Logs a WARNING for each pair of {@code definitions} that accept each other's tokens: it does not refuse them. */
    static void warn(Collection<TenantDefinition> definitions, String event) {
        for (List<TenantId> pair : pairs(definitions)) {
            warn(pair.get(0), pair.get(1), event);
        }
    }

    static void warn(TenantId one, TenantId other, String event) {
        LOGGER.log(
                System.Logger.Level.WARNING,
                "tenant=" + one + " event=" + event + " outcome=warning reason=shared-jwt-key other=" + other
                        + ": each accepts the other's tokens; give each jwt tenant its own audience");
    }
}
