package io.chat.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What every {@link AccountStore} and {@link SessionStore} guarantee: users created once, found, listed by name and
 * deleted with their sessions; sessions saved only for a user that exists, found, expired and revoked; all of it
 * across a close and reopen. An implementation passes it by subclassing with {@link #openStore}.
 */
abstract class AccountStoreContract extends StoreContract {
    private static final Instant CREATED = Instant.parse("2025-01-02T03:04:05.678Z");
    private static final UserRecord BOB = new UserRecord("bob", Optional.of("Bob B. 😀"), "pbkdf2$hash-b", CREATED);
    private static final UserRecord ALICE = new UserRecord("alice", Optional.empty(), "pbkdf2$hash-a", CREATED);

    @Test
    void usersAreCreatedOnceFoundListedAndDeleted() {
        TenantStore store = open("acme");
        await(store.createUser(BOB));
        await(store.createUser(ALICE));
        assertInstanceOf(DuplicateUserException.class, failure(store.createUser(BOB)));
        assertEquals(Optional.of(BOB), await(store.user("bob")));
        assertEquals(Optional.of(ALICE), await(store.user("alice")));
        assertEquals(Optional.empty(), await(store.user("nobody")));
        assertEquals(List.of(ALICE, BOB), await(store.users()));

        assertTrue(await(store.deleteUser("bob")));
        assertFalse(await(store.deleteUser("bob")));
        assertEquals(Optional.empty(), await(store.user("bob")));
        assertEquals(List.of(ALICE), await(store.users()));
        await(store.createUser(BOB)); // the name is free again
        store.close();

        TenantStore reopened = open("acme");
        assertEquals(List.of(ALICE, BOB), await(reopened.users()));
        assertEquals(Optional.of(BOB), await(reopened.user("bob")));
    }

    @Test
    void aUserKeepsEveryFieldAndTheLongestValues() {
        TenantStore store = open("acme");
        UserRecord longest = new UserRecord(
                "u".repeat(AccountStore.MAX_USER),
                Optional.of("d".repeat(AccountStore.MAX_DISPLAY_NAME)),
                "h".repeat(AccountStore.MAX_PASSWORD_HASH),
                CREATED);
        await(store.createUser(longest));
        assertEquals(Optional.of(longest), await(store.user(longest.username())));
        assertEquals(
                longest.passwordHash(),
                await(store.user(longest.username())).orElseThrow().passwordHash());
        assertThrows(
                IllegalArgumentException.class,
                () -> store.createUser(new UserRecord(longest.username() + "u", Optional.empty(), "h", CREATED)));
        assertThrows(
                IllegalArgumentException.class,
                () -> store.createUser(
                        new UserRecord("x", Optional.of(longest.displayName().get() + "d"), "h", CREATED)));
        assertThrows(
                IllegalArgumentException.class,
                () -> store.createUser(new UserRecord("x", Optional.empty(), longest.passwordHash() + "h", CREATED)));
        assertThrows(IllegalArgumentException.class, () -> store.user(longest.username() + "u"));
        assertThrows(NullPointerException.class, () -> store.createUser(null));
        assertEquals(List.of(longest), await(store.users()), "nothing refused was stored");
    }

    @Test
    void sessionsAreSavedFoundExpiredAndRevoked() {
        TenantStore store = open("acme");
        await(store.createUser(BOB));
        await(store.createUser(ALICE));
        Instant now = Instant.parse("2025-06-01T00:00:00Z");
        SessionRecord live = new SessionRecord("hash-live", "bob", now.plusSeconds(3600));
        SessionRecord old = new SessionRecord("hash-old", "bob", now.minusSeconds(1));
        SessionRecord edge = new SessionRecord("hash-edge", "alice", now);
        SessionRecord other = new SessionRecord("hash-alice", "alice", now.plusSeconds(60));
        for (SessionRecord s : List.of(live, old, edge, other)) {
            await(store.saveSession(s));
        }
        assertEquals(Optional.of(live), await(store.session("hash-live")));
        assertEquals(
                Optional.of(old),
                await(store.session("hash-old")),
                "expired sessions are found: expiry is the caller's");
        assertEquals(Optional.empty(), await(store.session("hash-none")));
        assertInstanceOf(NoSuchUserException.class, failure(store.saveSession(new SessionRecord("h", "ghost", now))));
        assertEquals(Optional.empty(), await(store.session("h")));

        assertEquals(2, await(store.deleteExpiredSessions(now)));
        assertEquals(Optional.empty(), await(store.session("hash-old")));
        assertEquals(Optional.empty(), await(store.session("hash-edge")));
        assertEquals(Optional.of(other), await(store.session("hash-alice")));

        assertTrue(await(store.deleteSession("hash-alice")));
        assertFalse(await(store.deleteSession("hash-alice")));
        assertEquals(Optional.empty(), await(store.session("hash-alice")));

        assertTrue(await(store.deleteUser("bob")));
        assertEquals(Optional.empty(), await(store.session("hash-live")), "a deleted user's sessions go too");
        assertFalse(await(store.deleteUser("bob")));
        assertEquals(List.of(ALICE), await(store.users()));
        await(store.createUser(BOB)); // the name is free again
        assertEquals(
                Optional.empty(), await(store.session("hash-live")), "and the new bob gets none of the old sessions");
        store.close();

        TenantStore reopened = open("acme");
        assertEquals(List.of(ALICE, BOB), await(reopened.users()));
    }

    @Test
    void savingASessionAgainReplacesItAndSessionsSurviveReopen() {
        TenantStore store = open("acme");
        await(store.createUser(BOB));
        await(store.createUser(ALICE));
        Instant now = Instant.parse("2025-06-01T00:00:00.123Z");
        await(store.saveSession(new SessionRecord("t".repeat(SessionStore.MAX_TOKEN_HASH), "bob", now)));
        SessionRecord moved = new SessionRecord("t".repeat(SessionStore.MAX_TOKEN_HASH), "alice", now.plusSeconds(5));
        await(store.saveSession(moved));
        assertEquals(Optional.of(moved), await(store.session(moved.tokenHash())));
        assertThrows(IllegalArgumentException.class, () -> store.session(moved.tokenHash() + "t"));
        assertThrows(
                IllegalArgumentException.class,
                () -> store.saveSession(new SessionRecord(moved.tokenHash() + "t", "bob", now)));
        store.close();

        TenantStore reopened = open("acme");
        assertEquals(Optional.of(moved), await(reopened.session(moved.tokenHash())));
        assertEquals(0, await(reopened.deleteExpiredSessions(now)));
        assertEquals(1, await(reopened.deleteExpiredSessions(now.plusSeconds(5))));
        assertEquals(Optional.empty(), await(reopened.session(moved.tokenHash())));
    }
}
