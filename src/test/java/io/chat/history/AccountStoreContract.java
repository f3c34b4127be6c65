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
            assertTrue(await(store.saveSession(s, hashOf(s.username()))));
        }
        assertEquals(Optional.of(live), await(store.session("hash-live")));
        assertEquals(
                Optional.of(old),
                await(store.session("hash-old")),
                "expired sessions are found: expiry is the caller's");
        assertEquals(Optional.empty(), await(store.session("hash-none")));
        assertFalse(await(store.saveSession(new SessionRecord("h", "ghost", now), "pbkdf2$hash-b")));
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
        await(store.saveSession(new SessionRecord("t".repeat(SessionStore.MAX_TOKEN_HASH), "bob", now), hashOf("bob")));
        SessionRecord moved = new SessionRecord("t".repeat(SessionStore.MAX_TOKEN_HASH), "alice", now.plusSeconds(5));
        await(store.saveSession(moved, hashOf("alice")));
        assertEquals(Optional.of(moved), await(store.session(moved.tokenHash())));
        assertThrows(IllegalArgumentException.class, () -> store.session(moved.tokenHash() + "t"));
        assertThrows(
                IllegalArgumentException.class,
                () -> store.saveSession(new SessionRecord(moved.tokenHash() + "t", "bob", now), hashOf("bob")));
        store.close();

        TenantStore reopened = open("acme");
        assertEquals(Optional.of(moved), await(reopened.session(moved.tokenHash())));
        assertEquals(0, await(reopened.deleteExpiredSessions(now)));
        assertEquals(1, await(reopened.deleteExpiredSessions(now.plusSeconds(5))));
        assertEquals(Optional.empty(), await(reopened.session(moved.tokenHash())));
    }

    private static String hashOf(String username) {
        return (username.equals("bob") ? BOB : ALICE).passwordHash();
    }

    @Test
    void aResetSetsTheHashAndEndsEverySessionOfTheUserOnly() {
        TenantStore store = open("acme");
        await(store.createUser(BOB));
        await(store.createUser(ALICE));
        Instant later = Instant.parse("2030-01-01T00:00:00Z");
        for (String token : List.of("bob-1", "bob-2")) {
            assertTrue(await(store.saveSession(new SessionRecord(token, "bob", later), hashOf("bob"))));
        }
        assertTrue(await(store.saveSession(new SessionRecord("alice-1", "alice", later), hashOf("alice"))));

        assertEquals(
                PasswordChange.Outcome.CHANGED,
                await(store.changePassword(PasswordChange.reset("bob", "pbkdf2$new-b"))));
        assertEquals("pbkdf2$new-b", await(store.user("bob")).orElseThrow().passwordHash());
        assertEquals(Optional.empty(), await(store.session("bob-1")));
        assertEquals(Optional.empty(), await(store.session("bob-2")));
        assertTrue(await(store.session("alice-1")).isPresent(), "another user's session stays");
        assertEquals(BOB.displayName(), await(store.user("bob")).orElseThrow().displayName());
        assertEquals(BOB.createdAt(), await(store.user("bob")).orElseThrow().createdAt());
        assertEquals(
                PasswordChange.Outcome.NO_SUCH_USER,
                await(store.changePassword(PasswordChange.reset("ghost", "pbkdf2$x"))));

        // a login that checked the old hash saves nothing once it changed; one that checked the new one does
        assertFalse(await(store.saveSession(new SessionRecord("bob-late", "bob", later), hashOf("bob"))));
        assertEquals(Optional.empty(), await(store.session("bob-late")));
        assertTrue(await(store.saveSession(new SessionRecord("bob-3", "bob", later), "pbkdf2$new-b")));
        store.close();

        TenantStore reopened = open("acme");
        assertEquals("pbkdf2$new-b", await(reopened.user("bob")).orElseThrow().passwordHash());
        assertTrue(await(reopened.session("bob-3")).isPresent());
    }

    @Test
    void aChangeByTheUserKeepsTheAskingSessionAndNeedsTheHashItReplaces() {
        TenantStore store = open("acme");
        await(store.createUser(BOB));
        Instant later = Instant.parse("2030-01-01T00:00:00Z");
        for (String token : List.of("asking", "laptop", "phone")) {
            assertTrue(await(store.saveSession(new SessionRecord(token, "bob", later), hashOf("bob"))));
        }
        PasswordChange stale =
                new PasswordChange("bob", "pbkdf2$x", Optional.of("pbkdf2$not-it"), Optional.of("asking"));
        assertEquals(PasswordChange.Outcome.STALE, await(store.changePassword(stale)));
        assertEquals(hashOf("bob"), await(store.user("bob")).orElseThrow().passwordHash(), "nothing changed");
        assertTrue(await(store.session("laptop")).isPresent());

        PasswordChange ended = new PasswordChange("bob", "pbkdf2$x", Optional.of(hashOf("bob")), Optional.of("gone"));
        assertEquals(PasswordChange.Outcome.STALE, await(store.changePassword(ended)), "the asking session ended");
        assertTrue(await(store.session("phone")).isPresent());

        PasswordChange change =
                new PasswordChange("bob", "pbkdf2$new-b", Optional.of(hashOf("bob")), Optional.of("asking"));
        assertEquals(PasswordChange.Outcome.CHANGED, await(store.changePassword(change)));
        assertEquals("pbkdf2$new-b", await(store.user("bob")).orElseThrow().passwordHash());
        assertTrue(await(store.session("asking")).isPresent(), "the session asking stays");
        assertEquals(Optional.empty(), await(store.session("laptop")));
        assertEquals(Optional.empty(), await(store.session("phone")));
        assertEquals(
                PasswordChange.Outcome.STALE,
                await(store.changePassword(change)),
                "the same change again: the hash it replaces is gone");
        assertThrows(
                IllegalArgumentException.class,
                () -> store.changePassword(
                        PasswordChange.reset("bob", "h".repeat(AccountStore.MAX_PASSWORD_HASH + 1))));
    }

    /** "alice" shown for dave would pass for alice: refused both ways, in lower case; a name of one's own is fine. */
    @Test
    void aNewUserMayNotGoByAnotherUsersName() {
        TenantStore store = open("acme");
        await(store.createUser(BOB)); // shown as "Bob B. 😀"
        await(store.createUser(ALICE));
        assertInstanceOf(
                NameTakenException.class,
                failure(store.createUser(new UserRecord("dave", Optional.of("ALICE"), "h", CREATED))),
                "a display name that is another user's user name");
        assertInstanceOf(
                NameTakenException.class,
                failure(store.createUser(new UserRecord("bob b. 😀", Optional.empty(), "h", CREATED))),
                "a user name that is another user's display name");
        await(store.createUser(new UserRecord("carol", Optional.of("Carol"), "h", CREATED)));
        await(store.createUser(new UserRecord("erin", Optional.of("Bob B. 😀"), "h", CREATED))); // two people alike
        assertEquals(
                List.of("alice", "bob", "carol", "erin"),
                await(store.users()).stream().map(UserRecord::username).toList());
    }

    @Test
    void aDisplayNameIsSetAndRemovedButNeverAnotherUsersName() {
        TenantStore store = open("acme");
        await(store.createUser(BOB));
        await(store.createUser(ALICE));
        assertTrue(await(store.setDisplayName("alice", Optional.of("Alice A."))));
        assertEquals(
                Optional.of("Alice A."),
                await(store.user("alice")).orElseThrow().displayName());
        assertTrue(await(store.setDisplayName("bob", Optional.empty())));
        assertEquals(Optional.empty(), await(store.user("bob")).orElseThrow().displayName());
        assertTrue(await(store.setDisplayName("bob", Optional.of("BOB"))), "one's own user name is fine");
        assertInstanceOf(
                NameTakenException.class, failure(store.setDisplayName("bob", Optional.of("Alice"))), "another's");
        assertEquals(Optional.of("BOB"), await(store.user("bob")).orElseThrow().displayName(), "unchanged");
        assertFalse(await(store.setDisplayName("ghost", Optional.of("Ghost"))));
        assertEquals(BOB.passwordHash(), await(store.user("bob")).orElseThrow().passwordHash());
        store.close();

        TenantStore reopened = open("acme");
        assertEquals(
                Optional.of("Alice A."),
                await(reopened.user("alice")).orElseThrow().displayName());
    }
}
