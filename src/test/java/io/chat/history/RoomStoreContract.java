package io.chat.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.history.ConversationStore.Conversation;
import io.chat.history.ConversationStore.Opened;
import io.chat.history.RoomStore.Remembered;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What every {@link RoomStore} guarantees: memberships remembered until forgotten, per user, bounded, and still there
 * after a close and reopen; topics; a directory of the rooms with history or members, paged by name, with member
 * counts and last message times; conversations (a {@link ConversationStore}): members stored with every member's
 * remembered room in one step, never in the directory, left by a deleted user; the user picker's pages; every tenant's
 * apart. An implementation passes it by subclassing with
 * {@link #openStore}.
 */
abstract class RoomStoreContract extends StoreContract {
    private static final Instant T0 = Instant.parse("2026-12-03T08:00:00Z");

    static List<String> names(List<RoomTopic> rooms) {
        return rooms.stream().map(RoomTopic::room).toList();
    }

    static List<String> directoryNames(DirectoryPage page) {
        return page.rooms().stream().map(entry -> entry.room().room()).toList();
    }

    @Test
    void rememberedUntilForgottenAndAcrossAReopen() {
        TenantStore store = open("acme");
        assertEquals(Remembered.ADDED, await(store.remember("alice", "general", T0, 100)));
        assertEquals(Remembered.ALREADY, await(store.remember("alice", "general", T0, 100)));
        assertEquals(Remembered.ADDED, await(store.remember("alice", "dev", T0, 100)));
        assertEquals(Remembered.ADDED, await(store.remember("bob", "general", T0, 100)));
        assertEquals(List.of("dev", "general"), names(await(store.roomsOf("alice"))));
        assertEquals(List.of(), names(await(store.roomsOf("carol"))));

        assertTrue(await(store.forget("alice", "dev")));
        assertFalse(await(store.forget("alice", "dev")));
        assertFalse(await(store.forget("carol", "general")));
        store.close();

        TenantStore reopened = open("acme");
        assertEquals(List.of("general"), names(await(reopened.roomsOf("alice"))));
        assertEquals(List.of("general"), names(await(reopened.roomsOf("bob"))));
        assertEquals(Remembered.ALREADY, await(reopened.remember("alice", "general", T0, 100)));
    }

    @Test
    void aUserRemembersAtMostMaxRooms() {
        TenantStore store = open("acme");
        assertEquals(Remembered.ADDED, await(store.remember("alice", "a", T0, 2)));
        assertEquals(Remembered.ADDED, await(store.remember("alice", "b", T0, 2)));
        assertEquals(Remembered.FULL, await(store.remember("alice", "c", T0, 2)));
        assertEquals(
                Remembered.ALREADY, await(store.remember("alice", "a", T0, 2)), "a room already kept is no new one");
        assertEquals(List.of("a", "b"), names(await(store.roomsOf("alice"))));
        assertEquals(Remembered.ADDED, await(store.remember("bob", "c", T0, 2)), "per user");
        assertTrue(await(store.forget("alice", "a")));
        assertEquals(Remembered.ADDED, await(store.remember("alice", "c", T0, 2)));
    }

    @Test
    void topicsAreSetReplacedClearedAndKept() {
        TenantStore store = open("acme");
        await(store.remember("alice", "general", T0, 100));
        assertEquals(Optional.empty(), await(store.roomsOf("alice")).getFirst().topic());

        Topic first = new Topic("Release on Friday 🚀", "alice", T0.plusSeconds(1));
        await(store.setTopic("general", first));
        assertEquals(
                Optional.of(first), await(store.roomsOf("alice")).getFirst().topic());
        Topic second = new Topic("Release moved", "bob", T0.plusSeconds(2));
        await(store.setTopic("general", second));
        store.close();

        TenantStore reopened = open("acme");
        assertEquals(
                Optional.of(second), await(reopened.roomsOf("alice")).getFirst().topic());
        assertEquals(
                Optional.of(second),
                await(reopened.directory("", 10)).rooms().getFirst().room().topic());
        Topic cleared = new Topic("", "alice", T0.plusSeconds(3));
        await(reopened.setTopic("general", cleared));
        assertEquals(
                Optional.of(cleared),
                await(reopened.roomsOf("alice")).getFirst().topic());

        // a topic for a room nobody remembers yet makes the room, without a member
        await(reopened.setTopic("fresh", first));
        assertEquals(List.of("general"), names(await(reopened.roomsOf("alice"))));
    }

    @Test
    void directoryListsRoomsWithHistoryOrMembers() {
        TenantStore store = open("acme");
        MessageStoreContract.append(store, "archive", "carol", "old news"); // history, nobody remembers it
        AppendResult last = MessageStoreContract.append(store, "general", "alice", "hi");
        await(store.remember("alice", "general", T0, 100));
        await(store.remember("bob", "general", T0, 100));
        await(store.remember("bob", "quiet", T0, 100)); // a member, no history
        await(store.remember("carol", "gone", T0, 100));
        await(store.forget("carol", "gone")); // neither members nor history any more

        DirectoryPage page = await(store.directory("", 100));
        assertFalse(page.hasMore());
        assertEquals(List.of("archive", "general", "quiet"), directoryNames(page));
        DirectoryEntry archive = page.rooms().get(0);
        DirectoryEntry general = page.rooms().get(1);
        DirectoryEntry quiet = page.rooms().get(2);
        assertEquals(0, archive.members());
        assertTrue(archive.lastMessageAt().isPresent());
        assertEquals(2, general.members());
        assertEquals(Optional.of(last.message().ts()), general.lastMessageAt());
        assertEquals(1, quiet.members());
        assertEquals(Optional.empty(), quiet.lastMessageAt());
    }

    @Test
    void directoryPagesByName() {
        TenantStore store = open("acme");
        for (String room : List.of("e", "a", "d", "b", "c")) {
            await(store.remember("alice", room, T0, 100));
        }
        MessageStoreContract.append(store, "c", "alice", "history and a member: listed once");
        DirectoryPage first = await(store.directory("", 2));
        assertEquals(List.of("a", "b"), directoryNames(first));
        assertTrue(first.hasMore());
        DirectoryPage second = await(store.directory("b", 2));
        assertEquals(List.of("c", "d"), directoryNames(second));
        assertTrue(second.hasMore());
        DirectoryPage third = await(store.directory("d", 2));
        assertEquals(List.of("e"), directoryNames(third));
        assertFalse(third.hasMore());
        assertEquals(List.of(), directoryNames(await(store.directory("e", 2))));
    }

    @Test
    void tenantsAreApart() {
        TenantStore acme = open("acme");
        TenantStore globex = open("globex");
        await(acme.remember("alice", "secret", T0, 100));
        await(acme.setTopic("secret", new Topic("acme only", "alice", T0)));
        MessageStoreContract.append(acme, "acme-history", "alice", "x");
        assertEquals(List.of(), names(await(globex.roomsOf("alice"))));
        assertEquals(List.of(), directoryNames(await(globex.directory("", 100))));
        assertFalse(await(globex.forget("alice", "secret")));
        await(globex.remember("alice", "secret", T0, 100));
        assertEquals(Optional.empty(), await(globex.roomsOf("alice")).getFirst().topic());
        assertEquals(
                1,
                await(acme.directory("", 100)).rooms().stream()
                        .filter(entry -> entry.room().room().equals("secret"))
                        .findFirst()
                        .orElseThrow()
                        .members());
    }

    @Test
    void deletingAUserForgetsItsRooms() {
        TenantStore store = open("acme");
        await(store.createUser(new UserRecord("alice", Optional.empty(), "pbkdf2$hash", T0)));
        await(store.remember("alice", "general", T0, 100));
        assertTrue(await(store.deleteUser("alice")));
        assertEquals(List.of(), names(await(store.roomsOf("alice"))));
    }

    /**
     * With {@code storedUsersOnly} (a password tenant), a join that reaches the store after its user's deletion stores
     * nothing: a user made again with the name does not inherit the room. Without (a JWT tenant), any name is one.
     */
    @Test
    void aJoinOfAUserNoLongerStoredIsNotRemembered() {
        TenantStore store = open("acme");
        await(store.createUser(new UserRecord("alice", Optional.empty(), "pbkdf2$hash", T0)));
        assertEquals(Remembered.ADDED, await(store.remember("alice", "general", T0, 100, true)));
        assertTrue(await(store.deleteUser("alice")));
        assertEquals(Remembered.NOT_MEMBER, await(store.remember("alice", "random", T0, 100, true)));
        await(store.createUser(new UserRecord("alice", Optional.empty(), "pbkdf2$hash", T0)));
        assertEquals(List.of(), names(await(store.roomsOf("alice"))), "the namesake starts with no room");
        assertEquals(Remembered.ADDED, await(store.remember("jwt-user", "random", T0, 100, false)));
    }

    @Test
    void badArgumentsThrowAtOnce() {
        TenantStore store = open("acme");
        String longRoom = "r".repeat(MessageStore.MAX_ROOM + 1);
        assertThrows(NullPointerException.class, () -> store.remember(null, "a", T0, 1));
        assertThrows(IllegalArgumentException.class, () -> store.remember("alice", longRoom, T0, 1));
        assertThrows(IllegalArgumentException.class, () -> store.remember("alice", "a", T0, -1));
        assertThrows(IllegalArgumentException.class, () -> store.forget("alice", longRoom));
        assertThrows(
                IllegalArgumentException.class,
                () -> store.setTopic("a", new Topic("t".repeat(RoomStore.MAX_TOPIC + 1), "alice", T0)));
        assertThrows(IllegalArgumentException.class, () -> store.directory("", 0));
        assertThrows(NullPointerException.class, () -> store.directory(null, 10));
    }

    // --- conversations (ConversationStore): rooms whose readers are a stored member list ---

    private static final String DM = "@aaaaaaaaaaaaaaaaaaaaaaaaaa";
    private static final String GROUP = "@bbbbbbbbbbbbbbbbbbbbbbbbbb";

    @Test
    void reopenedWhateverOrderTheDatabaseSortsNamesIn() {
        TenantStore store = open("acme");
        // Java's order (and C's): a-c < a.b < a_z; a language's collation puts a_z first
        List<String> members = List.of("a_z", "a.b", "a-c");
        assertEquals(Opened.OPENED, await(store.openConversation(DM, members, "a_z", T0, 100)));
        assertEquals(Opened.REOPENED, await(store.openConversation(DM, members.reversed(), "a-c", T0, 100)));
        assertEquals(List.of("a-c", "a.b", "a_z"), await(store.conversationMembers(DM)));
        store.close();
    }

    @Test
    void openedForEveryMemberOnceAndAcrossAReopen() {
        TenantStore store = open("acme");
        assertEquals(Opened.OPENED, await(store.openConversation(DM, List.of("bob", "alice"), "bob", T0, 100)));
        assertEquals(Opened.REOPENED, await(store.openConversation(DM, List.of("alice", "bob"), "alice", T0, 100)));
        assertEquals(List.of("alice", "bob"), await(store.conversationMembers(DM)));
        assertEquals(List.of(DM), names(await(store.roomsOf("alice"))));
        assertEquals(List.of(DM), names(await(store.roomsOf("bob"))));
        assertEquals(List.of(), await(store.conversationMembers(GROUP)), "no such conversation");
        assertEquals(List.of(), await(store.conversationMembers("general")), "a room is no conversation");
        store.close();

        TenantStore reopened = open("acme");
        assertEquals(List.of("alice", "bob"), await(reopened.conversationMembers(DM)));
        assertEquals(List.of(DM), names(await(reopened.roomsOf("bob"))));
    }

    @Test
    void listedWithMembersAndTheirReadPositions() {
        TenantStore store = open("acme");
        await(store.openConversation(GROUP, List.of("alice", "bob", "carol"), "alice", T0, 100));
        await(store.openConversation(DM, List.of("alice", "bob"), "alice", T0, 100));
        await(store.remember("alice", "general", T0, 100));
        await(store.append(GROUP, "alice", "hi both", Optional.empty()));
        await(store.append(GROUP, "bob", "hi", Optional.empty()));
        await(store.markRead("bob", GROUP, 1));
        await(store.markRead("carol", GROUP, 2));

        List<Conversation> alices = await(store.conversationsOf("alice"));
        assertEquals(
                List.of(
                        new Conversation(DM, List.of("alice", "bob"), Map.of()),
                        new Conversation(GROUP, List.of("alice", "bob", "carol"), Map.of("bob", 1L, "carol", 2L))),
                alices);
        assertEquals(
                List.of(GROUP),
                await(store.conversationsOf("carol")).stream()
                        .map(Conversation::room)
                        .toList());
        assertEquals(List.of(), await(store.conversationsOf("dave")));
    }

    @Test
    void boundedByTheRoomsEveryMemberMayRemember() {
        TenantStore store = open("acme");
        await(store.remember("bob", "a", T0, 100));
        await(store.remember("bob", "b", T0, 100));
        assertEquals(Opened.FULL, await(store.openConversation(DM, List.of("alice", "bob"), "alice", T0, 2)));
        assertEquals(List.of(), await(store.conversationMembers(DM)), "nothing stored");
        assertEquals(List.of(), await(store.roomsOf("alice")), "not for the others either");
        assertEquals(Opened.OPENED, await(store.openConversation(DM, List.of("alice", "bob"), "alice", T0, 3)));
        assertEquals(
                Opened.REOPENED,
                await(store.openConversation(DM, List.of("alice", "bob"), "alice", T0, 3)),
                "a conversation already remembered is no new room");
        assertThrows(
                IllegalArgumentException.class,
                () -> store.openConversation(DM, List.of("alice", "bob"), "carol", T0, 3),
                "the opener is a member");
        assertThrows(
                IllegalArgumentException.class,
                () -> store.openConversation(DM, List.of("alice"), "alice", T0, 3),
                "a conversation has two members at least");
        assertThrows(
                IllegalArgumentException.class,
                () -> store.openConversation(DM, List.of("a", "b", "c", "d", "e", "f", "g", "h", "i"), "a", T0, 3));
        assertThrows(IllegalArgumentException.class, () -> store.openConversation(DM, List.of("a", "a"), "a", T0, 3));
    }

    @Test
    void aHiddenConversationComesBackForItsOpenerOnly() {
        TenantStore store = open("acme");
        await(store.openConversation(GROUP, List.of("alice", "bob", "carol"), "carol", T0, 100));
        assertTrue(await(store.forget("alice", GROUP)), "alice hides it");
        assertTrue(await(store.forget("bob", GROUP)), "bob too");
        assertEquals(List.of(), names(await(store.roomsOf("alice"))));
        assertEquals(List.of("alice", "bob", "carol"), await(store.conversationMembers(GROUP)), "still members");

        assertEquals(
                Opened.REOPENED,
                await(store.openConversation(GROUP, List.of("alice", "bob", "carol"), "carol", T0, 100)));
        assertEquals(List.of(), names(await(store.roomsOf("alice"))), "not pushed back on alice");
        assertEquals(List.of(), names(await(store.roomsOf("bob"))));

        await(store.remember("bob", "x", T0, 100));
        assertEquals(
                Opened.FULL,
                await(store.openConversation(GROUP, List.of("alice", "bob", "carol"), "bob", T0, 1)),
                "the opener's own limit");
        assertEquals(
                Opened.REOPENED, await(store.openConversation(GROUP, List.of("alice", "bob", "carol"), "bob", T0, 2)));
        assertEquals(List.of(GROUP, "x"), names(await(store.roomsOf("bob"))));
        assertEquals(List.of(), names(await(store.roomsOf("alice"))));
        store.close();

        TenantStore reopened = open("acme");
        assertEquals(List.of(GROUP, "x"), names(await(reopened.roomsOf("bob"))));
        assertEquals(List.of(), names(await(reopened.roomsOf("alice"))));
    }

    @Test
    void neverInTheDirectory() {
        TenantStore store = open("acme");
        await(store.openConversation(DM, List.of("alice", "bob"), "alice", T0, 100));
        await(store.append(DM, "alice", "private", Optional.empty()));
        await(store.remember("alice", "general", T0, 100));
        await(store.append("zeta", "bob", "public", Optional.empty()));
        assertEquals(List.of("general", "zeta"), directoryNames(await(store.directory("", 100))));
        assertEquals(List.of("zeta"), directoryNames(await(store.directory("general", 1))));
        assertFalse(await(store.directory("general", 1)).hasMore());
    }

    @Test
    void aDeletedUserLeavesEveryMemberList() {
        TenantStore store = open("acme");
        await(store.createUser(new UserRecord("bob", Optional.empty(), "hash", T0)));
        await(store.openConversation(DM, List.of("alice", "bob"), "alice", T0, 100));
        await(store.append(DM, "bob", "before", Optional.empty()));
        assertTrue(await(store.deleteUser("bob")));
        assertEquals(List.of("alice"), await(store.conversationMembers(DM)));
        assertEquals(List.of(DM), names(await(store.roomsOf("alice"))), "kept for the others");
        assertEquals(
                1,
                await(store.before(DM, java.util.OptionalLong.empty(), 10))
                        .messages()
                        .size());
        await(store.createUser(new UserRecord("bob", Optional.empty(), "hash", T0)));
        assertEquals(
                Opened.CLOSED,
                await(store.openConversation(DM, List.of("alice", "bob"), "alice", T0, 100)),
                "a new bob is not the old one");
        assertEquals(List.of(), await(store.roomsOf("bob")));
    }

    @Test
    void aConversationWhoseMembersWereAllDeletedIsClosedToUsersOfTheSameNames() {
        TenantStore store = open("acme");
        for (String name : List.of("alice", "bob")) {
            await(store.createUser(new UserRecord(name, Optional.empty(), "hash", T0)));
        }
        await(store.openConversation(DM, List.of("alice", "bob"), "alice", T0, 100));
        await(store.append(DM, "alice", "the vault code is 4711", Optional.empty()));
        assertTrue(await(store.deleteUser("alice")));
        assertTrue(await(store.deleteUser("bob")));
        assertEquals(List.of(), await(store.conversationMembers(DM)));
        for (String name : List.of("alice", "bob")) {
            await(store.createUser(new UserRecord(name, Optional.empty(), "hash", T0)));
        }
        assertEquals(
                Opened.CLOSED,
                await(store.openConversation(DM, List.of("alice", "bob"), "alice", T0, 100)),
                "its history is not theirs");
        assertEquals(List.of(), await(store.conversationMembers(DM)));
        assertEquals(List.of(), await(store.roomsOf("alice")));
    }

    @Test
    void usersArePagedByNameAndPrefix() {
        TenantStore store = open("acme");
        for (String name : List.of("carol", "alice", "bob", "al_x", "alx")) {
            await(store.createUser(new UserRecord(name, Optional.of(name.toUpperCase()), "hash", T0)));
        }
        AccountStore.UserPage first = await(store.users("", "", 2));
        assertEquals(List.of("al_x", "alice"), usernames(first));
        assertTrue(first.hasMore());
        AccountStore.UserPage rest = await(store.users("alice", "", 10));
        assertEquals(List.of("alx", "bob", "carol"), usernames(rest));
        assertFalse(rest.hasMore());
        assertEquals(List.of("al_x"), usernames(await(store.users("", "al_", 10))), "_ is no wildcard");
        assertEquals(List.of("al_x", "alice", "alx"), usernames(await(store.users("", "al", 10))));
        assertEquals(
                Optional.of("BOB"),
                await(store.users("", "b", 10)).users().getFirst().displayName());
    }

    @Test
    void usersAreFoundByUserNameOrAWordOfTheirDisplayName() {
        TenantStore store = open("acme");
        await(store.createUser(new UserRecord("carol", Optional.of("Carol Chen"), "hash", T0)));
        await(store.createUser(new UserRecord("cc", Optional.of("Ana_Maria 100%"), "hash", T0)));
        await(store.createUser(new UserRecord("dave", Optional.empty(), "hash", T0)));
        assertEquals(List.of("carol"), usernames(await(store.users("", "", "chen", 10))), "a later word");
        assertEquals(List.of("carol"), usernames(await(store.users("", "", "CAR", 10))), "user name, any case");
        assertEquals(List.of("cc"), usernames(await(store.users("", "", "ana_", 10))));
        assertEquals(List.of(), usernames(await(store.users("", "", "ana%", 10))), "% is no wildcard");
        assertEquals(List.of("cc"), usernames(await(store.users("", "", "100%", 10))));
        assertEquals(List.of("dave"), usernames(await(store.users("", "", "da", 10))));
        assertEquals(List.of("carol", "cc", "dave"), usernames(await(store.users("", "", "", 10))));
        assertEquals(List.of(), usernames(await(store.users("", "", "hen", 10))), "a word's start only");
    }

    @Test
    void namedUsersAreTheStoredOnesAmongTheNames() {
        TenantStore store = open("acme");
        await(store.createUser(new UserRecord("carol", Optional.of("Carol C."), "hash", T0)));
        await(store.createUser(new UserRecord("bob", Optional.empty(), "hash", T0)));
        await(open("globex").createUser(new UserRecord("alice", Optional.of("Alice"), "hash", T0)));
        List<UserRecord> found = await(store.namedUsers(List.of("carol", "alice", "bob", "carol", "nobody")));
        assertEquals(
                List.of("bob", "carol"),
                found.stream().map(UserRecord::username).toList(),
                "by name, no repeats");
        assertEquals(Optional.empty(), found.get(0).displayName());
        assertEquals(Optional.of("Carol C."), found.get(1).displayName());
        assertThrows(IllegalArgumentException.class, () -> store.namedUsers(List.of()));
    }

    @Test
    void everyTenantsApart() {
        TenantStore acme = open("acme");
        TenantStore globex = open("globex");
        await(acme.openConversation(DM, List.of("alice", "bob"), "alice", T0, 100));
        assertEquals(List.of(), await(globex.conversationMembers(DM)));
        assertEquals(List.of(), await(globex.conversationsOf("alice")));
        assertEquals(Opened.OPENED, await(globex.openConversation(DM, List.of("alice", "bob"), "alice", T0, 100)));
    }

    private static List<String> usernames(AccountStore.UserPage page) {
        return page.users().stream().map(UserRecord::username).toList();
    }
}
