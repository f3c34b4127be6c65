package io.chat.tenant.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {
    // Low count: these tests check behaviour, not cost (one test below uses the real default).
    private final PasswordHasher hasher = new PasswordHasher(1_000);

    @Test
    void roundTrip() {
        String encoded = hasher.hash("correct horse".toCharArray());
        assertTrue(encoded.startsWith("pbkdf2-sha256$1000$"), encoded);
        assertEquals(4, encoded.split("\\$").length);
        assertTrue(hasher.verify("correct horse".toCharArray(), encoded));
    }

    @Test
    void wrongPasswordIsRefused() {
        String encoded = hasher.hash("correct horse".toCharArray());
        assertFalse(hasher.verify("correct horsf".toCharArray(), encoded));
        assertFalse(hasher.verify("".toCharArray(), encoded));
    }

    /** A lane whose verifications keep failing (a flood of guesses) turns suspect; one mistyped password does not. */
    @Test
    void aLaneOfFailuresIsSuspectAndOneTypoIsNot() {
        PasswordHasher lane = hasher.lane();
        String encoded = lane.hash("correct horse".toCharArray());
        assertFalse(lane.verify("correct horsf".toCharArray(), encoded));
        assertTrue(lane.verify("correct horse".toCharArray(), encoded));
        assertFalse(lane.suspect(), "one typo");
        lane.burnTime("guess".toCharArray()); // no such user
        lane.burnTime("guess-again".toCharArray());
        assertTrue(lane.suspect(), "failures again and again");
        assertFalse(hasher.lane().suspect(), "another lane");
        assertFalse(hasher.suspect(), "the hasher lanes are made from keeps no count");
    }

    @Test
    void saltMakesEveryHashDifferent() {
        assertNotEquals(hasher.hash("same password".toCharArray()), hasher.hash("same password".toCharArray()));
    }

    @Test
    void nonAsciiPasswords() {
        String encoded = hasher.hash("pässwörd-密码".toCharArray());
        assertTrue(hasher.verify("pässwörd-密码".toCharArray(), encoded));
        assertFalse(hasher.verify("passwort-密码".toCharArray(), encoded));
    }

    @Test
    void storedCountWinsOverCurrentCount() {
        // A hash made when the count was lower still verifies after the count changed, and is flagged for rehash.
        String old = new PasswordHasher(500).hash("password1".toCharArray());
        assertTrue(hasher.verify("password1".toCharArray(), old));
        assertTrue(hasher.needsRehash(old));
        assertFalse(hasher.needsRehash(hasher.hash("password1".toCharArray())));
    }

    @Test
    void malformedEncodingsAreMismatches() {
        for (String bad : new String[] {
            null,
            "",
            "plain",
            "pbkdf2-sha256$x$AAAA$AAAA",
            "md5$1000$AAAA$AAAAAAAAAAAAAAAAAAAAAA",
            "pbkdf2-sha256$1000$!!$AAAA",
            "pbkdf2-sha256$99999999999$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA"
        }) {
            assertFalse(hasher.verify("password1".toCharArray(), bad), String.valueOf(bad));
        }
    }

    @Test
    void unknownUserBurnsTheSameIterationCount() {
        // The dummy hash is made with this hasher's own count, so burnTime does exactly the work of a real verify.
        assertEquals(Optional.of(hasher.iterations()), PasswordHasher.iterationsOf(hasher.dummyHash()));
        assertEquals(
                PasswordHasher.iterationsOf(hasher.hash("x".toCharArray())),
                PasswordHasher.iterationsOf(hasher.dummyHash()));
        assertFalse(hasher.burnTime("anything".toCharArray()));
        PasswordHasher standard = new PasswordHasher();
        assertEquals(Optional.of(PasswordHasher.DEFAULT_ITERATIONS), PasswordHasher.iterationsOf(standard.dummyHash()));
    }

    @Test
    void defaultCostIsSlowAndUnknownUserCostsTheSame() {
        PasswordHasher standard = new PasswordHasher();
        String encoded = standard.hash("password1".toCharArray());
        // Warm up the JIT, then take the best of a few runs of each: reported, only loosely asserted.
        for (int i = 0; i < 3; i++) {
            standard.verify("password2".toCharArray(), encoded);
            standard.burnTime("password2".toCharArray());
        }
        long wrong = Long.MAX_VALUE;
        long unknown = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            assertFalse(standard.verify("password2".toCharArray(), encoded));
            long t1 = System.nanoTime();
            assertFalse(standard.burnTime("password2".toCharArray()));
            long t2 = System.nanoTime();
            wrong = Math.min(wrong, t1 - t0);
            unknown = Math.min(unknown, t2 - t1);
        }
        System.out.printf(
                "PBKDF2 %d iterations: wrong password %.1f ms, unknown user %.1f ms%n",
                PasswordHasher.DEFAULT_ITERATIONS, wrong / 1e6, unknown / 1e6);
        assertTrue(wrong > 20_000_000L, "a verify at the default count should be slow, was " + wrong / 1e6 + " ms");
        double ratio = (double) Math.max(wrong, unknown) / Math.min(wrong, unknown);
        assertTrue(ratio < 2.0, "wrong-password and unknown-user costs should be alike, ratio " + ratio);
    }

    @Test
    void sillyCountsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PasswordHasher(0));
        assertThrows(IllegalArgumentException.class, () -> new PasswordHasher(100_000_000));
    }
}
