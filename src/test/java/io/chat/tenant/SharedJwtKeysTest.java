package io.chat.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.history.CommitObserver;
import io.chat.history.H2TenantStore;
import io.chat.tenant.auth.JwtTenantConfig;
import io.chat.tenant.auth.PasswordHasher;
import io.chat.testing.JwtTenants;
import io.chat.testing.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two JWT tenants with one issuer and one key accept each other's tokens unless each has its own audience: such a
 * tenant is refused when provisioned (also when two are provisioned at once), and tenants already stored so are opened
 * with a warning naming them, never their key.
 */
class SharedJwtKeysTest {
    private static final String ISSUER = "https://realm.example";
    private static final String SECRET = "one-secret-for-every-tenant-of-the-realm";

    private final ExecutorService reads = Executors.newFixedThreadPool(1);
    private final List<TenantRegistry> registries = new ArrayList<>();

    @AfterEach
    void close() {
        registries.forEach(TenantRegistry::close);
        reads.shutdown();
    }

    @Test
    void theIssuerTheKeyAndBothAudiencesDecide() throws Exception {
        JwtTenantConfig plain = JwtTenantConfig.hs256(ISSUER, Optional.empty(), SECRET);
        JwtTenantConfig audA = JwtTenantConfig.hs256(ISSUER, Optional.of("a"), SECRET);
        JwtTenantConfig audB = JwtTenantConfig.hs256(ISSUER, Optional.of("b"), SECRET);
        assertTrue(plain.acceptsTokensOf(JwtTenantConfig.hs256(ISSUER, Optional.empty(), SECRET)));
        assertTrue(plain.acceptsTokensOf(audA), "the tenant without an audience accepts the other's tokens");
        assertTrue(audA.acceptsTokensOf(plain));
        assertTrue(audA.acceptsTokensOf(JwtTenantConfig.hs256(ISSUER, Optional.of("a"), SECRET)));
        assertTrue(plain.acceptsTokensOf(plain.withUserClaim("preferred_username")), "one token may carry both");
        assertFalse(audA.acceptsTokensOf(audB));
        assertFalse(plain.acceptsTokensOf(JwtTenantConfig.hs256(ISSUER, Optional.empty(), SECRET + "!")));
        assertFalse(plain.acceptsTokensOf(JwtTenantConfig.hs256(ISSUER + "/x", Optional.empty(), SECRET)));

        PublicKey key = rsaKey();
        String pem = pem(key, "\n");
        JwtTenantConfig rs = JwtTenantConfig.rs256(ISSUER, Optional.empty(), pem);
        assertTrue(rs.acceptsTokensOf(JwtTenantConfig.rs256(ISSUER, Optional.empty(), pem(key, "\r\n") + "\n")));
        assertFalse(rs.acceptsTokensOf(JwtTenantConfig.rs256(ISSUER, Optional.empty(), pem(rsaKey(), "\n"))));
        assertFalse(rs.acceptsTokensOf(plain), "an RS256 tenant refuses HS256 tokens");
        assertFalse(plain.acceptsTokensOf(rs));
    }

    @Test
    void tenantsStoredBeforeTheRuleAreOpenedWithAWarningNamingThemAndNoMoreAreProvisioned() throws Exception {
        Path root = Files.createTempDirectory("shared-jwt-keys");
        FolderTenantCatalog stored = FolderTenantCatalog.create(root, H2TenantStore.opener(reads, CommitObserver.NONE));
        stored.create(jwt("cust-b", ISSUER, null, SECRET));
        stored.create(jwt("cust-a", ISSUER, null, SECRET));
        stored.create(jwt("cust-c", ISSUER, null, "a-secret-of-its-own-as-long-as-the-other"));
        stored.create(jwt("cust-d", ISSUER + "/d", "d", SECRET));

        TenantRegistry registry;
        List<String> lines;
        try (LogCapture log = LogCapture.start()) {
            registry = registry(root);
            registry.loadAll();
            lines = log.lines();
        }
        assertEquals(4, registry.all().size(), "nothing refused at start");
        List<String> warnings = lines.stream()
                .filter(line -> line.startsWith("WARNING") && line.contains("shared-jwt-key"))
                .toList();
        assertEquals(1, warnings.size(), lines.toString());
        assertTrue(warnings.getFirst().contains("tenant=cust-a ")
                && warnings.getFirst().contains("other=cust-b"));
        assertTrue(lines.stream().noneMatch(line -> line.contains(SECRET)), lines.toString());

        for (String audience : new String[] {null, "e"}) {
            InvalidRequest refused = assertThrows(
                    InvalidRequest.class, () -> registry.provision(jwt("cust-e", ISSUER, audience, SECRET)));
            assertEquals(SharedJwtKeys.REFUSED, refused.getMessage());
        }
        assertTrue(registry.find("cust-e").isEmpty());
        assertFalse(Files.exists(root.resolve("cust-e")), "nothing stored");
        registry.suspend(TenantId.parse("cust-d").orElseThrow());
        assertThrows(InvalidRequest.class, () -> registry.provision(jwt("cust-f", ISSUER + "/d", null, SECRET)));
        assertEquals(
                "cust-g",
                registry.provision(jwt("cust-g", ISSUER + "/d", "g", SECRET))
                        .id()
                        .value());
    }

    @Test
    void ofTwoProvisionedAtOnceOneIsStored() throws Exception {
        TenantRegistry registry = registry(Files.createTempDirectory("shared-jwt-race"));
        assertOneOfTwoAtOnceIsStored(registry, registry, SECRET);
    }

    /**
     * Five rounds of two JWT tenants with one issuer and key provisioned at once, the first through {@code first},
     * the second through {@code second}: each round stores exactly one of them.
     */
    static void assertOneOfTwoAtOnceIsStored(TenantRegistry first, TenantRegistry second, String secret)
            throws Exception {
        ExecutorService admins = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 5; round++) {
                String issuer = ISSUER + "/race-" + round;
                CyclicBarrier start = new CyclicBarrier(2);
                List<Future<Boolean>> provisions = new ArrayList<>();
                for (TenantRegistry node : List.of(first, second)) {
                    TenantDefinition definition = jwt("race-" + round + "-" + provisions.size(), issuer, null, secret);
                    provisions.add(admins.submit(() -> {
                        start.await();
                        try {
                            node.provision(definition);
                            return true;
                        } catch (InvalidRequest e) {
                            return false;
                        }
                    }));
                }
                int stored = 0;
                for (Future<Boolean> provision : provisions) {
                    stored += provision.get() ? 1 : 0;
                }
                assertEquals(1, stored, "round " + round);
            }
        } finally {
            admins.shutdown();
        }
    }

    private TenantRegistry registry(Path root) {
        TenantRegistry registry = new TenantRegistry(
                FolderTenantCatalog.create(root, H2TenantStore.opener(reads, CommitObserver.NONE)),
                new PasswordHasher(),
                Clock.systemUTC(),
                TenantRegistry.TenantListener.all());
        registries.add(registry);
        return registry;
    }

    static TenantDefinition jwt(String id, String issuer, String audience, String secret) {
        return JwtTenants.definition(id, issuer, audience, secret);
    }

    private static PublicKey rsaKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair().getPublic();
    }

    private static String pem(PublicKey key, String lineBreak) {
        return "-----BEGIN PUBLIC KEY-----" + lineBreak
                + Base64.getMimeEncoder(64, lineBreak.getBytes()).encodeToString(key.getEncoded()) + lineBreak
                + "-----END PUBLIC KEY-----";
    }
}
