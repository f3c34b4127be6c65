package io.chat.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** A user's login attempts: a guesser at one address uses them up for that address, not for the user's own. */
class LoginAttemptsTest {
    private static final long SECOND = 1_000_000_000L;
    private static final String GUESSER = "203.0.113.7";
    private static final String ALICE = "198.51.100.20";

    private long now = 1_000 * SECOND;
    private final LoginAttempts attempts = new LoginAttempts(() -> 3, now);

    @Test
    void aGuesserIsRefusedOnceTheUsersAttemptsAreUsedUpAndTheUserIsNot() {
        guessWrong(GUESSER, 3);
        OptionalLong refused = attempts.take("alice", GUESSER, now);
        assertTrue(refused.isPresent(), "the guesser's fourth attempt");
        assertTrue(refused.getAsLong() >= 1 && refused.getAsLong() <= 60, "Retry-After " + refused.getAsLong());
        assertEquals(OptionalLong.empty(), attempts.take("alice", ALICE, now), "alice, from her own address");
        attempts.succeeded("alice", ALICE);
        // her login started her count again; the guesser's address stays marked for its minute
        guessWrong(GUESSER, 3);
        assertTrue(attempts.take("alice", GUESSER, now).isPresent());
    }

    @Test
    void addressesThatFailedShareNothingMoreAndTheOthersShareOneMoreMinutesWorth() {
        guessWrong(GUESSER, 3);
        // three more addresses, each failing once: the second allowance (3) is theirs, then nobody's
        for (int i = 1; i <= 3; i++) {
            String address = "192.0.2." + i;
            assertEquals(OptionalLong.empty(), attempts.take("alice", address, now), address);
            attempts.failed("alice", address, now);
            assertTrue(attempts.take("alice", address, now).isPresent(), "failed once: " + address);
        }
        assertTrue(attempts.take("alice", ALICE, now).isPresent(), "both allowances used up this minute");
        now += 61 * SECOND;
        assertEquals(OptionalLong.empty(), attempts.take("alice", GUESSER, now), "a minute later, anyone");
    }

    @Test
    void anAddressTriesOneAtATimeFromTheSecondAllowance() {
        guessWrong(GUESSER, 3);
        String fresh = "192.0.2.50";
        assertEquals(OptionalLong.empty(), attempts.take("alice", fresh, now));
        // a second attempt sent with the first, before its hash answered: refused, not a second token
        assertTrue(attempts.take("alice", fresh, now).isPresent());
        // the first was alice's right password: her address is not held against her
        attempts.succeeded("alice", fresh);
        assertEquals(OptionalLong.empty(), attempts.take("alice", fresh, now));
    }

    @Test
    void otherUsersCountApart() {
        guessWrong(GUESSER, 3);
        assertEquals(OptionalLong.empty(), attempts.take("bob", GUESSER, now));
    }

    private void guessWrong(String address, int times) {
        for (int i = 0; i < times; i++) {
            assertEquals(OptionalLong.empty(), attempts.take("alice", address, now), "attempt " + i);
            attempts.failed("alice", address, now);
        }
    }
}
