package io.chat.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A password changed through one node while a login on another saves its session, having checked the old password
 * (a slow hash: the window is a tenth of a second): the two take turns on the user's row, so the session is either
 * saved first and then ended with the others, or refused. Without the turn (before this test) a session checked
 * against the old password outlived the reset. The other node's transaction is a connection of its own, held open.
 */
class PostgresPasswordChangeRaceTest {
    private static final Instant T0 = Instant.parse("2026-12-08T08:00:00Z");
    private static final Instant LATER = T0.plusSeconds(86_400);
    private static final String TENANT = "acme";
    private static PostgresFixture postgres;

    private final PostgresFixture.Node node = postgres.node();

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = PostgresFixture.start("chat_password_race");
    }

    @AfterEach
    void close() throws InterruptedException {
        node.close();
    }

    private TenantStore tenant() {
        TenantStore store = node.open(TENANT, CommitObserver.NONE);
        store.createUser(new UserRecord("bob", Optional.empty(), "old-hash", T0))
                .join();
        return store;
    }

    @Test
    void aLoginCheckedAgainstTheOldPasswordWaitsForTheResetAndSavesNothing() throws Exception {
        TenantStore store = tenant();
        try (Connection reset = postgres.otherNode(node.tenantId(TENANT))) {
            assertEquals(
                    PasswordChange.Outcome.CHANGED,
                    AccountSql.changePassword(reset, PasswordChange.reset("bob", "new-hash")));
            CompletableFuture<Boolean> saved = store.saveSession(new SessionRecord("late", "bob", LATER), "old-hash");
            assertThrows(TimeoutException.class, () -> saved.get(500, TimeUnit.MILLISECONDS), "waits for the reset");
            reset.commit();
            assertFalse(saved.get(10, TimeUnit.SECONDS), "refused: the hash it checked is gone");
        }
        assertEquals(Optional.empty(), store.session("late").join());
    }

    @Test
    void aResetWaitsForALoginSavingItsSessionAndThenEndsIt() throws Exception {
        TenantStore store = tenant();
        try (Connection login = postgres.otherNode(node.tenantId(TENANT))) {
            assertTrue(AccountSql.saveSession(
                    login, new SessionRecord("early", "bob", LATER), "old-hash", AccountSql.POSTGRES_SESSION_LOCK));
            CompletableFuture<PasswordChange.Outcome> reset =
                    store.changePassword(PasswordChange.reset("bob", "new-hash"));
            assertThrows(TimeoutException.class, () -> reset.get(500, TimeUnit.MILLISECONDS), "waits for the login");
            login.commit();
            assertEquals(PasswordChange.Outcome.CHANGED, reset.get(10, TimeUnit.SECONDS));
        }
        assertEquals(Optional.empty(), store.session("early").join(), "ended with the others");
        assertEquals("new-hash", store.user("bob").join().orElseThrow().passwordHash());
    }

    @Test
    void twoLoginsDoNotWaitForEachOther() throws Exception {
        TenantStore store = tenant();
        try (Connection login = postgres.otherNode(node.tenantId(TENANT))) {
            assertTrue(AccountSql.saveSession(
                    login, new SessionRecord("one", "bob", LATER), "old-hash", AccountSql.POSTGRES_SESSION_LOCK));
            assertTrue(store.saveSession(new SessionRecord("two", "bob", LATER), "old-hash")
                    .get(10, TimeUnit.SECONDS));
            login.commit();
        }
        assertTrue(store.session("one").join().isPresent());
    }
}
