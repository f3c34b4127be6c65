package io.chat.tenant.auth;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Salted slow password hashes: PBKDF2 with HMAC-SHA256 from the JDK.
 *
 * <p>Encoded as {@code pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>} so that the iteration count can grow
 * later: a stored hash is always verified with the count written in it, and {@link #needsRehash} says when a login
 * should store a fresh hash at the current count.
 *
 * <p>Thread-safe: every call uses its own {@link SecretKeyFactory}.
 */
public final class PasswordHasher {
    /**
     * 600,000 iterations: about 110 ms per hash on this project's 2-core machine (Temurin 25, measured: 400k 73 ms,
     * 500k 91 ms, 600k 110 ms), and OWASP's 2023 figure for PBKDF2-HMAC-SHA256.
     */
    public static final int DEFAULT_ITERATIONS = 600_000;

    static final String SCHEME = "pbkdf2-sha256";
    private static final String ALGORITHM = "PBKDF2WithHmacSHA256";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    // A corrupted or hostile stored hash must not make one verify run for minutes.
    private static final int MAX_ITERATIONS = 10_000_000;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();
    /**
     * Slow hashes running at once in the whole JVM: one processor is always left to everything else. Requests run on
     * virtual threads, and a hash holds its carrier thread for its whole ~110 ms: a login flood would otherwise
     * occupy every carrier and starve everything else (other logins, chat traffic, heartbeats). Extra hashes wait
     * their turn in order, a flooded lane's behind the others' ({@link HashSlots}).
     */
    private static final int GLOBAL_PERMITS = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);

    private static final HashSlots HASHING = new HashSlots(GLOBAL_PERMITS);
    /**
     * Hashes of one lane (a tenant, the admin) queued for or holding {@link #HASHING} at once: at most half of it.
     * A lane's other hashes wait in the lane, so a flood on one tenant never queues more than this many hashes ahead
     * of another tenant's login (before, 24 logins in flight on one tenant made another's take 4-7 s).
     */
    private static final int LANE_PERMITS = Math.max(1, GLOBAL_PERMITS / 2);

    private final int iterations;
    // Verified against when the user does not exist, so that answer costs the same as a wrong password.
    private final String dummyHash;
    /** This hasher's lane; null for the hasher that lanes are made from, whose hashes only take a global permit. */
    private final Semaphore lane;
    /** The lane's recent failed verifications (none for the hasher lanes are made from): see {@link HashSlots}. */
    private final Failures failures;

    /**
     * Failed verifications (a wrong password, no such user), decaying by half every {@link #HALF_LIFE_NANOS}: from
     * {@link #SUSPECT} on, the lane is a flood's. A tenant's users mistyping now and then stay below; a stranger
     * guessing, a hash every few seconds even when many tenants share the processors, stays above.
     */
    static final class Failures {
        static final double SUSPECT = 1.5;
        private static final long HALF_LIFE_NANOS = 10_000_000_000L;
        private double score;
        private long at = System.nanoTime();

        synchronized void failed() {
            decay();
            score++;
        }

        synchronized boolean suspect() {
            decay();
            return score >= SUSPECT;
        }

        private void decay() {
            long now = System.nanoTime();
            score *= Math.pow(0.5, (double) (now - at) / HALF_LIFE_NANOS);
            at = now;
        }
    }

    /** A hasher at {@link #DEFAULT_ITERATIONS}. */
    public PasswordHasher() {
        this(DEFAULT_ITERATIONS);
    }

    /** A hasher at another count; meant for tests, where 100 ms per user would be slow. */
    public PasswordHasher(int iterations) {
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations must be 1.." + MAX_ITERATIONS);
        }
        this.iterations = iterations;
        this.lane = null;
        this.failures = null;
        // Random bytes in a hash's place: burnTime derives at the same cost, and no password matches them either,
        // without the slow hash at construction (it was a third of a cold start's CPU to /health, by JFR).
        this.dummyHash = SCHEME
                + '$'
                + iterations
                + '$'
                + B64.encodeToString(randomBytes(SALT_BYTES))
                + '$'
                + B64.encodeToString(randomBytes(HASH_BITS / 8));
    }

    private PasswordHasher(PasswordHasher shared) {
        this.iterations = shared.iterations;
        this.dummyHash = shared.dummyHash;
        this.lane = new Semaphore(LANE_PERMITS, true);
        this.failures = new Failures();
    }

    /**
     * The same hasher in a lane of its own: its hashes queue among themselves first, so that one busy user of the
     * hasher (a tenant under a login flood) delays another only by about one hash. One lane per tenant.
     */
    public PasswordHasher lane() {
        return new PasswordHasher(this);
    }

    public int iterations() {
        return iterations;
    }

    /** A new hash of {@code password} with a fresh random salt. Does not clear {@code password}: the caller owns it. */
    public String hash(char[] password) {
        byte[] salt = randomBytes(SALT_BYTES);
        byte[] hash = derive(password, salt, iterations, HASH_BITS);
        return SCHEME + '$' + iterations + '$' + B64.encodeToString(salt) + '$' + B64.encodeToString(hash);
    }

    /**
     * Whether {@code password} matches {@code encoded}, compared in constant time. A malformed {@code encoded} is a
     * mismatch, and still costs one dummy verification so it is not told apart by timing either.
     */
    public boolean verify(char[] password, String encoded) {
        Optional<Encoded> parsed = Encoded.parse(encoded);
        if (parsed.isEmpty()) {
            burnTime(password);
            return false;
        }
        Encoded e = parsed.get();
        byte[] actual = derive(password, e.salt(), e.iterations(), e.hash().length * 8);
        boolean matches = MessageDigest.isEqual(actual, e.hash());
        if (!matches) {
            failed();
        }
        return matches;
    }

    /**
     * For an unknown user: does the same work as {@link #verify} (a dummy hash at this hasher's iteration count)
     * and answers {@code false}, so "no such user" and "wrong password" take the same time.
     */
    public boolean burnTime(char[] password) {
        Encoded e = Encoded.parse(dummyHash).orElseThrow();
        byte[] actual = derive(password, e.salt(), e.iterations(), e.hash().length * 8);
        MessageDigest.isEqual(actual, e.hash());
        failed();
        return false;
    }

    private void failed() {
        if (failures != null) {
            failures.failed();
        }
    }

    /** Whether this lane's recent verifications failed again and again: its hashes wait behind other lanes'. */
    boolean suspect() {
        return failures != null && failures.suspect();
    }

    /** Whether a stored hash was made with other settings than this hasher's and should be replaced at next login. */
    public boolean needsRehash(String encoded) {
        return Encoded.parse(encoded)
                .map(e -> e.iterations() != iterations || e.hash().length * 8 != HASH_BITS)
                .orElse(true);
    }

    /** The iteration count written in an encoded hash. */
    static Optional<Integer> iterationsOf(String encoded) {
        return Encoded.parse(encoded).map(Encoded::iterations);
    }

    String dummyHash() {
        return dummyHash;
    }

    private byte[] derive(char[] password, byte[] salt, int iterations, int bits) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, bits);
        if (lane != null) {
            lane.acquireUninterruptibly();
        }
        HASHING.acquire(suspect());
        try {
            return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            // Only reachable if the JDK lacks PBKDF2; the message carries no password.
            throw new IllegalStateException("cannot derive " + ALGORITHM, e);
        } finally {
            HASHING.release();
            if (lane != null) {
                lane.release();
            }
            spec.clearPassword();
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private record Encoded(int iterations, byte[] salt, byte[] hash) {
        static Optional<Encoded> parse(String encoded) {
            if (encoded == null) {
                return Optional.empty();
            }
            String[] parts = encoded.split("\\$", -1);
            if (parts.length != 4 || !SCHEME.equals(parts[0])) {
                return Optional.empty();
            }
            try {
                int iterations = Integer.parseInt(parts[1]);
                byte[] salt = B64D.decode(parts[2]);
                byte[] hash = B64D.decode(parts[3]);
                if (iterations < 1
                        || iterations > MAX_ITERATIONS
                        || salt.length == 0
                        || hash.length < 16
                        || hash.length > 64) {
                    return Optional.empty();
                }
                return Optional.of(new Encoded(iterations, salt, hash));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
    }
}
