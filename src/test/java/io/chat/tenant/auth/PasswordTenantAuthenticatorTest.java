package io.chat.tenant.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PasswordTenantAuthenticatorTest {
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    // Stands in for the tenant's session table: keyed by token hash, as the real store is.
    private final Map<String, AuthenticatedUser> sessions = new ConcurrentHashMap<>();
    private final List<String> lookedUp = new ArrayList<>();
    private final TenantAuthenticator tenant = TenantAuthenticator.password(
            hash -> {
                synchronized (lookedUp) {
                    lookedUp.add(hash);
                }
                return Optional.ofNullable(sessions.get(hash));
            },
            clock);

    private String login(String user, Duration validFor) {
        String token = SessionTokens.newToken();
        sessions.put(SessionTokens.hash(token), new AuthenticatedUser(user, NOW.plus(validFor)));
        return token;
    }

    @Test
    void liveSessionIsAccepted() {
        String token = login("alice", Duration.ofHours(1));
        assertEquals(
                Optional.of(new AuthenticatedUser("alice", NOW.plus(Duration.ofHours(1)))), tenant.authenticate(token));
        // the lookup saw only the hash, never the token
        assertEquals(List.of(SessionTokens.hash(token)), lookedUp);
    }

    @Test
    void unknownTokenIsRefused() {
        login("alice", Duration.ofHours(1));
        assertEquals(Optional.empty(), tenant.authenticate(SessionTokens.newToken()));
    }

    @Test
    void expiredSessionIsRefused() {
        assertEquals(Optional.empty(), tenant.authenticate(login("alice", Duration.ofSeconds(-1))));
        assertEquals(Optional.empty(), tenant.authenticate(login("alice", Duration.ZERO)), "expiring now");
    }

    @Test
    void revokedSessionIsRefused() {
        String token = login("alice", Duration.ofHours(1));
        assertTrue(tenant.authenticate(token).isPresent());
        sessions.remove(SessionTokens.hash(token));
        assertEquals(Optional.empty(), tenant.authenticate(token));
    }

    @Test
    void failingLookupIsNeitherAcceptedNorRefused() {
        // a store that failed or is busy has not judged the token: "unauthorized" would sign a valid user out
        TenantAuthenticator broken = TenantAuthenticator.password(hash -> {
            throw new IllegalStateException("database is closed");
        });
        assertThrows(CredentialUncheckedException.class, () -> broken.authenticate(SessionTokens.newToken()));
        TenantAuthenticator nulls = TenantAuthenticator.password(hash -> null);
        assertEquals(Optional.empty(), nulls.authenticate(SessionTokens.newToken()));
    }

    @Test
    void emptyOrHugeTokensNeverReachTheLookup() {
        assertEquals(Optional.empty(), tenant.authenticate(null));
        assertEquals(Optional.empty(), tenant.authenticate(""));
        assertEquals(Optional.empty(), tenant.authenticate("   "));
        assertEquals(Optional.empty(), tenant.authenticate("x".repeat(100_000)));
        assertTrue(lookedUp.isEmpty());
    }

    @Test
    void aJwtTenantsTokenMeansNothingHere() throws Exception {
        String jwt = JwtTenantAuthenticatorTest.hs256(
                Map.of("iss", "x", "sub", "alice", "exp", Instant.now().getEpochSecond() + 60));
        assertFalse(tenant.authenticate(jwt).isPresent());
    }

    @Test
    void concurrentAuthenticationsOnVirtualThreads() throws Exception {
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            tokens.add(login("user" + i, Duration.ofHours(1)));
        }
        AtomicInteger wrong = new AtomicInteger();
        long start = System.nanoTime();
        int threads = 500;
        int perThread = 100;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        int n = (id * 7 + i) % tokens.size();
                        if (!tenant.authenticate(tokens.get(n))
                                .map(u -> u.username().equals("user" + n))
                                .orElse(false)) {
                            wrong.incrementAndGet();
                        }
                    }
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        }
        long calls = (long) threads * perThread;
        System.out.printf(
                "sessions: %d authentications on %d virtual threads in %.0f ms (%.1f us each)%n",
                calls, threads, (System.nanoTime() - start) / 1e6, (System.nanoTime() - start) / 1e3 / calls);
        assertEquals(0, wrong.get());
    }
}
