package io.chat.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.history.RoomStore.Remembered;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ReadPositionStore} guarantees: a position per user and room that only moves forward, is clamped
 * to the room's last seq, is kept across a close and reopen, and goes with its user; unread counts of the user's
 * remembered rooms that count only other users' messages after it, capped; marks coalesced into few writes; every
 * tenant's apart. An implementation passes it by subclassing with {@link #openStore}.
 */
abstract class ReadPositionContract extends StoreContract {
    private static final Instant T0 = Instant.parse("2026-12-03T08:00:00Z");

    static long send(TenantStore store, String room, String from, String text) {
        return await(store.append(room, from, text, Optional.empty())).message().seq();
    }

    static ReadPosition position(TenantStore store, String user, String room) {
        return await(store.readPositions(user)).stream()
                .filter(p -> p.room().equals(room))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void movesOnlyForwardIsClampedAndSurvivesAReopen() {
        TenantStore store = open("acme");
        await(store.remember("alice", "general", T0, 100));
        for (int i = 1; i <= 5; i++) {
            send(store, "general", "bob", "m" + i);
        }
        assertEquals(new ReadPosition("general", 0, 5, 0), position(store, "alice", "general"), "never marked");
        assertEquals(new ReadMark(3, true), await(store.markRead("alice", "general", 3)));
        assertEquals(new ReadMark(3, false), await(store.markRead("alice", "general", 2)), "a lower seq is a no-op");
        assertEquals(new ReadMark(3, false), await(store.markRead("alice", "general", 3)));
        assertEquals(new ReadMark(5, true), await(store.markRead("alice", "general", 99)), "clamped to the last seq");
        assertEquals(new ReadMark(0, false), await(store.markRead("alice", "empty", 7)), "a room with no history");
        send(store, "general", "bob", "m6");
        store.close();

        TenantStore reopened = open("acme");
        assertEquals(new ReadPosition("general", 5, 1, 0), position(reopened, "alice", "general"));
        assertEquals(new ReadMark(5, false), await(reopened.markRead("alice", "general", 4)));
    }

    @Test
    void unreadCountsOtherUsersMessagesOnlyAndIsCapped() {
        TenantStore store = open("acme");
        await(store.remember("alice", "general", T0, 100));
        await(store.remember("alice", "busy", T0, 100));
        await(store.remember("alice", "quiet", T0, 100));
        send(store, "general", "alice", "mine");
        long first = send(store, "general", "bob", "one");
        long edited = send(store, "general", "bob", "tow");
        long deleted = send(store, "general", "bob", "oops");
        await(store.change("general", "bob", new Change.Edit(edited, "two"), Optional.empty()));
        await(store.change("general", "bob", new Change.Delete(deleted), Optional.empty()));
        await(store.change("general", "alice", new Change.React(first, "👍"), Optional.empty()));
        assertEquals(2, position(store, "alice", "general").unread(), "bob's two messages; not mine, edits, reactions");
        assertEquals(List.of(), await(store.readPositions("bob")), "bob remembers no room: nothing listed");

        await(store.markRead("alice", "general", first));
        assertEquals(1, position(store, "alice", "general").unread());

        List<CompletableFuture<AppendResult>> many = new ArrayList<>();
        for (int i = 0; i < ReadPositionStore.MAX_UNREAD + 20; i++) {
            many.add(store.append("busy", "carol", "n" + i, Optional.empty()));
        }
        many.forEach(StoreContract::await);
        assertEquals(
                ReadPositionStore.MAX_UNREAD, position(store, "alice", "busy").unread());
        assertEquals(
                List.of("busy", "general", "quiet"),
                await(store.readPositions("alice")).stream()
                        .map(ReadPosition::room)
                        .toList(),
                "every remembered room, by name");
        assertEquals(new ReadPosition("quiet", 0, 0, 0), position(store, "alice", "quiet"));
    }

    @Test
    void mentionsCountUnreadMessagesNamingTheUserAsAWholeTokenOrRoom() {
        TenantStore store = open("acme");
        await(store.remember("alice", "general", T0, 100));
        await(store.remember("bob", "general", T0, 100));
        send(store, "general", "bob", "hi @alice");
        send(store, "general", "bob", "@ALICE, case does not matter");
        send(store, "general", "bob", "thanks @alice.");
        send(store, "general", "bob", "(@Alice)");
        send(store, "general", "bob", "@room: everyone");
        send(store, "general", "bob", "@alicex is someone else, and @alice_ too");
        send(store, "general", "bob", "mail bob@alice.com or x.@alice or é@alice");
        send(store, "general", "bob", "@rooms @ alice alice @");
        send(store, "general", "alice", "my own @alice and @room");
        long edited = send(store, "general", "bob", "to be named");
        long unnamed = send(store, "general", "bob", "@alice by mistake");
        long deleted = send(store, "general", "bob", "@alice, gone");
        await(store.change("general", "bob", new Change.Edit(edited, "now @alice"), Optional.empty()));
        await(store.change("general", "bob", new Change.Edit(unnamed, "nobody"), Optional.empty()));
        await(store.change("general", "bob", new Change.Delete(deleted), Optional.empty()));
        await(store.change("general", "bob", new Change.React(edited, "👍"), Optional.empty()));
        ReadPosition alice = position(store, "alice", "general");
        assertEquals(6, alice.mentions(), "four by name, @room, and an edit's latest text: " + alice);
        assertEquals(10, alice.unread());
        assertEquals(1, position(store, "bob", "general").mentions(), "alice's @room; not bob's own messages");

        await(store.markRead("alice", "general", 4));
        assertEquals(2, position(store, "alice", "general").mentions(), "only after the position: @room, the edit");
        await(store.markRead("alice", "general", edited));
        assertEquals(0, position(store, "alice", "general").mentions());

        await(store.remember("alice", "busy", T0, 100));
        List<CompletableFuture<AppendResult>> many = new ArrayList<>();
        for (int i = 0; i < ReadPositionStore.MAX_UNREAD + 20; i++) {
            many.add(store.append("busy", "carol", i % 2 == 0 ? "@alice " + i : "@room " + i, Optional.empty()));
        }
        many.forEach(StoreContract::await);
        assertEquals(
                new ReadPosition("busy", 0, ReadPositionStore.MAX_UNREAD, ReadPositionStore.MAX_UNREAD),
                position(store, "alice", "busy"),
                "capped like unread");
    }

    @Test
    void mentionsOfNamesThatLookLikePatternsOrCannotBeNamed() {
        TenantStore store = open("acme");
        for (String user : List.of("a_b", "a%", "bob smith", "é")) {
            await(store.remember(user, "general", T0, 100));
        }
        send(store, "general", "carol", "@axb @a_bc @aXb");
        send(store, "general", "carol", "@A_B, you");
        send(store, "general", "carol", "@a @a% @bob smith @é");
        assertEquals(1, position(store, "a_b", "general").mentions(), "'_' is no wildcard");
        assertEquals(0, position(store, "a%", "general").mentions(), "nor '%', which no text can name");
        assertEquals(0, position(store, "bob smith", "general").mentions());
        assertEquals(0, position(store, "é", "general").mentions());
        send(store, "general", "carol", "@room");
        assertEquals(1, position(store, "bob smith", "general").mentions(), "but @room names everyone");
    }

    @Test
    void eachMentionedNameIsARowThatFollowsEditsAndDeletions() {
        TenantStore store = open("acme");
        long first = send(store, "general", "bob", "@Alice and @carol. and @room, not bob@x.com");
        long second = send(store, "general", "bob", "nobody here");
        long third = send(store, "general", "bob", "@dave @dave");
        assertEquals(
                List.of(
                        "general alice " + first,
                        "general carol " + first,
                        "general carol. " + first,
                        "general dave " + third,
                        "general room " + first),
                mentionRows(store));
        await(store.change("general", "bob", new Change.Edit(second, "now @Eve"), Optional.empty()));
        await(store.change("general", "bob", new Change.Delete(third), Optional.empty()));
        await(store.change("general", "bob", new Change.Edit(first, "no names"), Optional.empty()));
        await(store.change("general", "carol", new Change.React(second, "@frank"), Optional.empty()));
        assertEquals(List.of("general eve " + second), mentionRows(store), "latest texts only, no reaction");
    }

    @Test
    void aMessageKeepsAtMostTwentyNamesWithRoomAlways() {
        TenantStore store = open("acme");
        StringBuilder crowd = new StringBuilder();
        for (int i = 0; i < 150; i++) {
            crowd.append("@user").append(i).append(' ');
        }
        long seq = send(store, "general", "bob", crowd + "@room");
        List<String> rows = mentionRows(store);
        assertEquals(Mentions.MAX_NAMES, rows.size());
        assertTrue(rows.contains("general room " + seq), "@room, though last");
        assertTrue(rows.contains("general user18 " + seq) && !rows.contains("general user19 " + seq), "the first 19");
        await(store.remember("user0", "general", T0, 100));
        await(store.remember("user120", "general", T0, 100));
        assertEquals(1, position(store, "user0", "general").mentions());
        assertEquals(1, position(store, "user120", "general").mentions(), "past the names kept, @room still counts");
    }

    @Test
    void messagesStoredBeforeTheTableGetTheirRowsAtTheNextOpen() throws Exception {
        TenantStore store = open("acme");
        await(store.remember("alice", "general", T0, 100));
        await(store.remember("alice", "busy", T0, 100));
        send(store, "general", "bob", "@alice, hi");
        send(store, "general", "bob", "plain");
        long gone = send(store, "general", "bob", "@alice, gone");
        long edited = send(store, "general", "bob", "@alice by mistake");
        send(store, "general", "bob", "@room");
        await(store.change("general", "bob", new Change.Delete(gone), Optional.empty()));
        await(store.change("general", "bob", new Change.Edit(edited, "nobody"), Optional.empty()));
        // several batches, so that the walk takes its cursor across batches and rooms; 105 mentions of alice in busy
        assertTrue(1_050 > 5 * MentionBackfill.BATCH);
        List<CompletableFuture<AppendResult>> many = new ArrayList<>();
        for (int i = 0; i < 1_050; i++) {
            many.add(store.append("busy", "carol", i % 10 == 0 ? "@Alice " + i : "@bob " + i, Optional.empty()));
        }
        many.forEach(StoreContract::await);
        List<String> rows = mentionRows(store);
        awaitBackfilled(store);
        // as in a store written before the table: no rows, not marked
        write(store, "DELETE FROM mentions");
        write(store, "DELETE FROM mention_backfills");
        assertEquals(0, position(store, "alice", "general").mentions(), "the count reads the rows alone");
        store.close();

        TenantStore reopened = open("acme");
        awaitBackfilled(reopened);
        assertEquals(rows, mentionRows(reopened), "the same rows as written with the messages");
        assertEquals(new ReadPosition("general", 0, 4, 2), position(reopened, "alice", "general"));
        assertEquals(
                ReadPositionStore.MAX_UNREAD,
                position(reopened, "alice", "busy").mentions());
    }

    @Test
    void aNewStoreIsMarkedWalkedAlready() {
        assertEquals(List.of("1"), query(open("acme"), "SELECT COUNT(*) FROM mention_backfills"), "nothing to walk");
    }

    /** Waits until the store is marked as having every message's rows ({@link MentionBackfill}). */
    private static void awaitBackfilled(TenantStore store) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (query(store, "SELECT COUNT(*) FROM mention_backfills").equals(List.of("0"))) {
            assertTrue(System.nanoTime() < deadline, "the store was never marked done");
            Thread.sleep(20);
        }
    }

    /** Every row of the store's mentions table, as "room name seq", in key order. */
    static List<String> mentionRows(TenantStore store) {
        return await(writer(store, ReadPositionContract::mentionRows));
    }

    /** Every row of the mentions table the connection sees, as "room name seq", in key order. */
    static List<String> mentionRows(Connection connection) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement select = connection.createStatement();
                ResultSet result =
                        select.executeQuery("SELECT room, name, seq FROM mentions ORDER BY room, name, seq")) {
            while (result.next()) {
                rows.add(result.getString(1) + " " + result.getString(2) + " " + result.getLong(3));
            }
        }
        return rows;
    }

    /** A query's first column, on the store's writer (so after every write acknowledged before it). */
    static List<String> query(TenantStore store, String sql) {
        return await(writer(store, connection -> {
            List<String> values = new ArrayList<>();
            try (var select = connection.prepareStatement(sql);
                    var rows = select.executeQuery()) {
                while (rows.next()) {
                    values.add(rows.getString(1));
                }
            }
            return values;
        }));
    }

    static int write(TenantStore store, String sql) {
        return await(writer(store, connection -> {
            try (var update = connection.prepareStatement(sql)) {
                return update.executeUpdate();
            }
        }));
    }

    private static <T> CompletableFuture<T> writer(TenantStore store, SqlWork<T> work) {
        return switch (store) {
            case H2TenantStore h2 -> h2.write(work);
            case PostgresTenantStore postgres -> postgres.write(work);
            default -> throw new AssertionError("which store is " + store);
        };
    }

    @Test
    void marksAreCoalescedIntoFewWrites() {
        TenantStore store = open("acme");
        await(store.remember("alice", "general", T0, 100));
        for (int i = 1; i <= 200; i++) {
            send(store, "general", "bob", "m" + i);
        }
        int before = batches.get();
        long writesBefore = batchedWrites.get();
        List<CompletableFuture<ReadMark>> marks = new ArrayList<>();
        for (int seq = 1; seq <= 200; seq++) {
            marks.add(store.markRead("alice", "general", seq));
        }
        marks.forEach(StoreContract::await);
        assertEquals(200, await(marks.getLast()).seq());
        assertTrue(marks.stream().allMatch(mark -> await(mark).seq() >= 1));
        long writes = batchedWrites.get() - writesBefore;
        assertTrue(writes < 200, "200 marks made " + writes + " writes in " + (batches.get() - before) + " batches");
        assertEquals(new ReadPosition("general", 200, 0, 0), position(store, "alice", "general"));
    }

    @Test
    void aDeletedUsersPositionsGoWithIt() {
        TenantStore store = open("acme");
        await(store.createUser(new UserRecord("alice", Optional.empty(), "x", T0)));
        await(store.remember("alice", "general", T0, 100));
        send(store, "general", "bob", "one");
        await(store.markRead("alice", "general", 1));
        assertTrue(await(store.deleteUser("alice")));
        await(store.remember("alice", "general", T0, 100));
        assertEquals(new ReadPosition("general", 0, 1, 0), position(store, "alice", "general"));
    }

    /**
     * A mark queued (coalesced, waiting for its flush) when its user is deleted reaches the writer after the deletion:
     * with {@code storedUsersOnly} (a password tenant) it stores nothing, so that a user made again with the name
     * starts unread; without (a JWT tenant, whose users are not stored) every name keeps its position.
     */
    @Test
    void aMarkThatReachesTheStoreAfterItsUsersDeletionLeavesNothingToANamesake() {
        TenantStore store = open("acme");
        await(store.createUser(new UserRecord("alice", Optional.empty(), "x", T0)));
        await(store.remember("alice", "general", T0, 100, true));
        send(store, "general", "bob", "one");
        CompletableFuture<ReadMark> late = store.markRead("alice", "general", 1, true);
        assertTrue(await(store.deleteUser("alice")), "the deletion is written before the mark's flush");
        assertEquals(new ReadMark(0, false), await(late));
        await(store.createUser(new UserRecord("alice", Optional.empty(), "y", T0)));
        assertEquals(Remembered.ADDED, await(store.remember("alice", "general", T0, 100, true)));
        assertEquals(new ReadPosition("general", 0, 1, 0), position(store, "alice", "general"));

        // marked, then deleted and made again before the mark's flush: the new alice is another person
        CompletableFuture<ReadMark> older = store.markRead("alice", "general", 1, true);
        assertTrue(await(store.deleteUser("alice")));
        await(store.createUser(new UserRecord("alice", Optional.empty(), "z", Instant.now())));
        assertEquals(new ReadMark(0, false), await(older));
        await(store.remember("alice", "general", T0, 100, true));
        assertEquals(new ReadPosition("general", 0, 1, 0), position(store, "alice", "general"));
        assertEquals(new ReadMark(1, true), await(store.markRead("alice", "general", 1, true)), "her own mark");

        assertEquals(new ReadMark(0, false), await(store.markRead("nobody", "general", 1, true)), "never stored");
        assertEquals(new ReadMark(1, true), await(store.markRead("nobody", "general", 1, false)), "a JWT user");
    }

    @Test
    void tenantsAreApart() {
        TenantStore acme = open("acme");
        TenantStore globex = open("globex");
        await(acme.remember("alice", "general", T0, 100));
        await(globex.remember("alice", "general", T0, 100));
        send(acme, "general", "bob", "one");
        send(acme, "general", "bob", "two");
        send(globex, "general", "bob", "one");
        assertEquals(new ReadMark(2, true), await(acme.markRead("alice", "general", 2)));
        assertEquals(new ReadPosition("general", 0, 1, 0), position(globex, "alice", "general"));
        assertEquals(new ReadPosition("general", 2, 0, 0), position(acme, "alice", "general"));
        assertFalse(await(globex.markRead("alice", "general", 2)).seq() > 1, "clamped to globex's own last seq");

        // mentions of both tenants sent at once (one writer batch, on PostgreSQL one call for both): each its own
        List<CompletableFuture<AppendResult>> sent = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            sent.add(acme.append("general", "bob", "@alice " + i, Optional.empty()));
            sent.add(globex.append("general", "bob", i % 2 == 0 ? "@alice " + i : "@carol " + i, Optional.empty()));
        }
        sent.forEach(StoreContract::await);
        assertEquals(20, position(acme, "alice", "general").mentions());
        assertEquals(10, position(globex, "alice", "general").mentions());
        assertEquals(20, mentionRows(acme).size());
        assertEquals(20, mentionRows(globex).size());
        assertTrue(mentionRows(acme).stream().allMatch(row -> row.startsWith("general alice ")), "none of globex's");
        assertEquals(
                10,
                mentionRows(globex).stream()
                        .filter(row -> row.startsWith("general carol "))
                        .count());
    }
}
