package io.chat.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Revocation racing use on one server ({@link RevocationRace}): once a logout or a user's deletion has returned, no
 * REST call that starts later succeeds and no socket of the token stays connected. Before the fix a concurrent cache
 * miss put the revoked session back into the cache in most rounds.
 */
@PlatformTest
class RevocationRaceTest {
    private static final int ROUNDS = 50;

    private static PlatformServer server;

    @Test
    void noUseOfARevokedTokenSucceedsAfterLogoutOrUserDeletionReturned() throws Exception {
        List<String> failures = new RevocationRace(server, server).failedRounds("race", ROUNDS);
        assertEquals(List.of(), failures, failures.size() + " of " + ROUNDS + " rounds failed");
    }
}
