package io.chat.history;

import static io.chat.history.MessageStoreContract.all;
import static io.chat.history.MessageStoreContract.append;
import static io.chat.history.MessageStoreContract.range;
import static io.chat.history.MessageStoreContract.seqs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * What every {@link MessageStore} guarantees of edits and deletions: each is an entry of the room's sequence
 * (gap-free with the messages), only the author's are stored, history shows the latest state, catch-up every entry
 * with its target's state, a deletion leaves no text in the store, clientIds dedupe, and all of it after a reopen.
 */
abstract class MessageChangeContract extends StoreContract {
    static ChangeResult change(MessageStore store, String room, String from, Change change) {
        return await(store.change(room, from, change, Optional.empty()));
    }

    static StoredMessage changed(ChangeResult result) {
        return assertInstanceOf(ChangeResult.Changed.class, result).entry();
    }

    static List<StoredMessage> history(MessageStore store, String room) {
        return await(store.before(room, OptionalLong.empty(), MessageStore.MAX_PAGE))
                .messages();
    }

    /** Every text the store's rows of the room hold, straight from the table. */
    abstract List<String> storedTexts(TenantStore store, String room);

    @Test
    void anEditIsAnEntryOfTheSequenceAndHistoryShowsTheLatestText() {
        TenantStore store = open("acme");
        append(store, "general", "alice", "one");
        StoredMessage original = append(store, "general", "alice", "tow").message();
        append(store, "general", "bob", "three");

        StoredMessage edit = changed(change(store, "general", "alice", new Change.Edit(2, "two")));
        assertEquals(4, edit.seq());
        assertEquals(EntryKind.EDIT, edit.kind());
        assertEquals(2, edit.target());
        assertEquals("two", edit.text());
        assertEquals(Optional.of(edit.ts()), edit.editedTs());
        assertEquals("alice", edit.from());

        // history: messages only, the edited one with its latest text, its id, seq and ts unchanged
        List<StoredMessage> page = history(store, "general");
        assertEquals(List.of(1L, 2L, 3L), seqs(page));
        StoredMessage shown = page.get(1);
        assertEquals(original.id(), shown.id());
        assertEquals(original.ts(), shown.ts());
        assertEquals("two", shown.text());
        assertEquals(EntryKind.MESSAGE, shown.kind());
        assertEquals(Optional.of(edit.ts()), shown.editedTs());
        assertFalse(shown.deleted());
        assertEquals(Optional.empty(), page.get(0).editedTs());

        // catch-up: every entry, the edit with its target's state
        List<StoredMessage> entries = all(store, "general");
        assertEquals(range(1, 4), seqs(entries));
        assertEquals(edit, entries.get(3));
        assertEquals(5, append(store, "general", "bob", "four").message().seq());

        // a second edit: the message shows the newest, the first edit's entry too (its target's state now)
        StoredMessage second = changed(change(store, "general", "alice", new Change.Edit(2, "2")));
        assertEquals(6, second.seq());
        assertEquals("2", history(store, "general").get(1).text());
        assertEquals("2", all(store, "general").get(3).text());
        store.close();

        TenantStore reopened = open("acme");
        assertEquals("2", history(reopened, "general").get(1).text());
        assertEquals(range(1, 6), seqs(all(reopened, "general")));
        assertEquals(7, append(reopened, "general", "bob", "five").message().seq());
        assertEquals(7, reopened.messageCount());
    }

    @Test
    void aDeletionRemovesTheTextFromTheStore() {
        TenantStore store = open("acme");
        append(store, "general", "alice", "keep");
        append(store, "general", "alice", "my secret typo");
        changed(change(store, "general", "alice", new Change.Edit(2, "my secret, edited")));
        StoredMessage deletion = changed(change(store, "general", "alice", new Change.Delete(2)));
        assertEquals(4, deletion.seq());
        assertEquals(EntryKind.DELETE, deletion.kind());
        assertEquals(2, deletion.target());
        assertTrue(deletion.deleted());
        assertEquals("", deletion.text());

        StoredMessage shown = history(store, "general").get(1);
        assertTrue(shown.deleted());
        assertEquals("", shown.text());
        List<StoredMessage> entries = all(store, "general");
        assertEquals(range(1, 4), seqs(entries));
        assertTrue(entries.get(2).deleted(), "the edit's entry shows its target deleted");
        assertEquals("", entries.get(2).text());
        assertEquals(
                List.of("keep"),
                storedTexts(store, "general").stream()
                        .filter(text -> !text.isEmpty())
                        .toList());
        store.close();

        TenantStore reopened = open("acme");
        assertTrue(history(reopened, "general").get(1).deleted());
        assertEquals(
                List.of("keep"),
                storedTexts(reopened, "general").stream()
                        .filter(text -> !text.isEmpty())
                        .toList());
    }

    @Test
    void onlyTheAuthorChangesAMessageThatExists() {
        TenantStore store = open("acme");
        append(store, "general", "alice", "hers");
        changed(change(store, "general", "alice", new Change.Edit(1, "hers, edited")));
        assertRefused(ChangeResult.Reason.NOT_AUTHOR, change(store, "general", "bob", new Change.Edit(1, "mine now")));
        assertRefused(ChangeResult.Reason.NOT_AUTHOR, change(store, "general", "bob", new Change.Delete(1)));
        assertRefused(ChangeResult.Reason.NO_SUCH_MESSAGE, change(store, "general", "alice", new Change.Edit(3, "x")));
        assertRefused(ChangeResult.Reason.NO_SUCH_MESSAGE, change(store, "other", "alice", new Change.Delete(1)));
        // an edit's own seq is no message
        assertRefused(ChangeResult.Reason.NO_SUCH_MESSAGE, change(store, "general", "alice", new Change.Edit(2, "x")));
        changed(change(store, "general", "alice", new Change.Delete(1)));
        assertRefused(ChangeResult.Reason.DELETED, change(store, "general", "alice", new Change.Edit(1, "back")));
        assertRefused(ChangeResult.Reason.DELETED, change(store, "general", "alice", new Change.Delete(1)));
        // nothing refused took a seq
        assertEquals(range(1, 3), seqs(all(store, "general")));
        assertEquals(4, append(store, "general", "alice", "next").message().seq());
        assertThrows(
                IllegalArgumentException.class,
                () -> store.change("general", "alice", new Change.Edit(0, "x"), Optional.empty()));
        assertThrows(
                IllegalArgumentException.class,
                () -> store.change(
                        "general",
                        "alice",
                        new Change.Edit(1, "x".repeat(MessageStore.MAX_TEXT + 1)),
                        Optional.empty()));
    }

    @Test
    void aResentChangeStoresNothingNewAndAnswersWhatWasStored() {
        TenantStore store = open("acme");
        append(store, "general", "alice", "hi");
        ChangeResult first = await(store.change("general", "alice", new Change.Edit(1, "hello"), Optional.of("e-1")));
        StoredMessage entry = changed(first);
        ChangeResult again = await(store.change("general", "alice", new Change.Edit(1, "hello"), Optional.of("e-1")));
        assertTrue(assertInstanceOf(ChangeResult.Changed.class, again).duplicate());
        assertEquals(entry, changed(again));
        store.close();

        TenantStore reopened = open("acme");
        ChangeResult afterReopen =
                await(reopened.change("general", "alice", new Change.Edit(1, "hello"), Optional.of("e-1")));
        assertTrue(assertInstanceOf(ChangeResult.Changed.class, afterReopen).duplicate());
        assertEquals(entry, changed(afterReopen));
        assertEquals(range(1, 2), seqs(all(reopened, "general")));
    }

    @Test
    void changesAndAppendsFromManyThreadsShareOneGapFreeSequence() throws Exception {
        TenantStore store = open("acme");
        int threads = 8;
        int perThread = 40;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String user = "user" + t;
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    long seq = append(store, "general", user, "m" + i).message().seq();
                    StoredMessage edit = changed(change(store, "general", user, new Change.Edit(seq, "e" + i)));
                    assertEquals(seq, edit.target());
                    if (i % 4 == 0) {
                        changed(change(store, "general", user, new Change.Delete(seq)));
                    }
                }
            }));
        }
        start.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
        int total = threads * perThread * 2 + threads * perThread / 4;
        assertEquals(range(1, total), seqs(all(store, "general")));
        assertEquals(total, store.messageCount());
        List<StoredMessage> history = history(store, "general");
        assertEquals(threads * perThread, history.size());
        assertEquals(
                threads * perThread / 4,
                history.stream().filter(StoredMessage::deleted).count());
        assertTrue(history.stream()
                .filter(m -> !m.deleted())
                .allMatch(m -> m.text().startsWith("e") && m.editedTs().isPresent()));
    }

    static List<StoredMessage.Reaction> reactions(Object... emojiThenUsers) {
        List<StoredMessage.Reaction> list = new ArrayList<>();
        for (int i = 0; i < emojiThenUsers.length; i += 2) {
            @SuppressWarnings("unchecked")
            List<String> users = (List<String>) emojiThenUsers[i + 1];
            list.add(new StoredMessage.Reaction((String) emojiThenUsers[i], users));
        }
        return list;
    }

    @Test
    void reactionsToggleAndShowInHistoryAndCatchUp() {
        TenantStore store = open("acme");
        append(store, "general", "alice", "ship it?");
        StoredMessage first = changed(change(store, "general", "bob", new Change.React(1, "👍")));
        assertEquals(2, first.seq());
        assertEquals(EntryKind.REACTION, first.kind());
        assertEquals("👍", first.text());
        assertEquals(1, first.target());
        assertEquals("bob", first.from());
        assertEquals(reactions("👍", List.of("bob")), first.reactions());
        changed(change(store, "general", "alice", new Change.React(1, "👍")));
        changed(change(store, "general", "alice", new Change.React(1, "🎉")));
        StoredMessage removed = changed(change(store, "general", "bob", new Change.React(1, "👍")));
        List<StoredMessage.Reaction> now = reactions("👍", List.of("alice"), "🎉", List.of("alice"));
        assertEquals(now, removed.reactions());

        assertEquals(now, history(store, "general").getFirst().reactions());
        List<StoredMessage> entries = all(store, "general");
        assertEquals(range(1, 5), seqs(entries));
        for (StoredMessage entry : entries) {
            assertEquals(now, entry.reactions(), "every entry of the message shows its reactions now: " + entry);
        }
        assertEquals("🎉", entries.get(3).text(), "a reaction's entry shows its emoji");
        store.close();

        TenantStore reopened = open("acme");
        assertEquals(now, history(reopened, "general").getFirst().reactions());
        assertEquals(range(1, 5), seqs(all(reopened, "general")));
    }

    @Test
    void reactionsAreBoundedAndGoWithTheirMessage() {
        TenantStore store = open("acme");
        append(store, "general", "alice", "react to me");
        for (int i = 0; i < MessageStore.MAX_REACTIONS_PER_USER; i++) {
            changed(change(store, "general", "bob", new Change.React(1, "e" + i)));
        }
        assertRefused(
                ChangeResult.Reason.TOO_MANY_REACTIONS, change(store, "general", "bob", new Change.React(1, "more")));
        changed(change(store, "general", "bob", new Change.React(1, "e0"))); // removing is always allowed
        for (int i = MessageStore.MAX_REACTIONS_PER_USER; i < MessageStore.MAX_EMOJIS_PER_MESSAGE; i++) {
            changed(change(store, "general", "carol", new Change.React(1, "e" + i)));
        }
        changed(change(store, "general", "dave", new Change.React(1, "e" + MessageStore.MAX_EMOJIS_PER_MESSAGE)));
        // e0 is gone, e1..e20 make 20 distinct emojis: a 21st is refused, one already there is not
        assertEquals(
                MessageStore.MAX_EMOJIS_PER_MESSAGE,
                history(store, "general").getFirst().reactions().size());
        assertRefused(
                ChangeResult.Reason.TOO_MANY_REACTIONS, change(store, "general", "erin", new Change.React(1, "new")));
        changed(change(store, "general", "erin", new Change.React(1, "e20")));

        assertRefused(ChangeResult.Reason.NO_SUCH_MESSAGE, change(store, "general", "bob", new Change.React(9, "x")));
        changed(change(store, "general", "alice", new Change.Delete(1)));
        assertEquals(List.of(), history(store, "general").getFirst().reactions());
        assertRefused(ChangeResult.Reason.DELETED, change(store, "general", "bob", new Change.React(1, "e1")));
    }

    @Test
    void aMessageListsItsFirstReactorsAndCountsThemAll() {
        TenantStore store = open("acme");
        append(store, "general", "alice", "party?");
        int reactors = MessageStore.MAX_LISTED_REACTORS + 10;
        StoredMessage last = null;
        for (int i = 0; i < reactors; i++) {
            last = changed(change(store, "general", "user" + i, new Change.React(1, "🎉")));
        }
        changed(change(store, "general", "zed", new Change.React(1, "👍")));
        List<String> firstListed = new ArrayList<>();
        for (int i = 0; i < MessageStore.MAX_LISTED_REACTORS; i++) {
            firstListed.add("user" + i);
        }
        // the ack of the last toggle, and the history: every one counted, the first ones listed, in their order
        assertEquals(List.of(new StoredMessage.Reaction("🎉", firstListed, reactors)), last.reactions());
        assertEquals(
                List.of(
                        new StoredMessage.Reaction("🎉", firstListed, reactors),
                        new StoredMessage.Reaction("👍", List.of("zed"), 1)),
                history(store, "general").getFirst().reactions());
    }

    private static void makeUser(TenantStore store, String name, Instant createdAt) {
        await(store.createUser(new UserRecord(name, Optional.empty(), "hash", createdAt)));
    }

    @Test
    void aNameMadeAgainIsAnotherPersonWhoNeitherChangesNorOwnsTheEarlierAccountsEntries() {
        TenantStore store = open("acme");
        makeUser(store, "alice", Instant.parse("2020-01-01T00:00:00Z"));
        StoredMessage earlier =
                append(store, "general", "alice", "the first alice's").message();
        changed(change(store, "general", "alice", new Change.Edit(1, "the first alice's, edited")));
        changed(change(store, "general", "bob", new Change.React(1, "👍")));
        changed(change(store, "general", "alice", new Change.React(1, "👍")));
        StoredMessage reacted = changed(change(store, "general", "alice", new Change.React(1, "🎉")));
        assertTrue(await(store.deleteUser("alice")));
        // made again in the millisecond of the earlier account's last entry: that entry is still the earlier account's
        makeUser(store, "alice", reacted.ts());

        assertRefused(ChangeResult.Reason.NOT_AUTHOR, change(store, "general", "alice", new Change.Edit(1, "mine?")));
        assertRefused(ChangeResult.Reason.NOT_AUTHOR, change(store, "general", "alice", new Change.Delete(1)));
        // the earlier account's reactions are counted, listed under no name, and not the new account's to remove
        List<StoredMessage.Reaction> unnamed = List.of(
                new StoredMessage.Reaction("👍", List.of("bob"), 2), new StoredMessage.Reaction("🎉", List.of(), 1));
        assertEquals(unnamed, history(store, "general").getFirst().reactions());
        StoredMessage added = changed(change(store, "general", "alice", new Change.React(1, "🎉")));
        assertEquals(
                List.of(
                        new StoredMessage.Reaction("👍", List.of("bob"), 2),
                        new StoredMessage.Reaction("🎉", List.of("alice"), 1)),
                added.reactions(),
                "her toggle adds her own reaction, in the earlier account's place");
        StoredMessage removed = changed(change(store, "general", "alice", new Change.React(1, "🎉")));
        assertEquals(List.of(new StoredMessage.Reaction("👍", List.of("bob"), 2)), removed.reactions());

        // the new account's own messages are hers, even one written in the millisecond after she was made
        StoredMessage hers =
                append(store, "general", "alice", "the second alice's").message();
        assertTrue(hers.ts().isAfter(reacted.ts()), hers + " after " + reacted);
        changed(change(store, "general", "alice", new Change.Edit(hers.seq(), "the second alice's, edited")));
        changed(change(store, "general", "alice", new Change.Delete(hers.seq())));
        assertEquals(
                "the first alice's, edited",
                history(store, "general").getFirst().text());
        assertEquals(earlier.id(), history(store, "general").getFirst().id());

        // a message in the very millisecond the name is made again belongs to the earlier account
        StoredMessage last =
                append(store, "general", "alice", "the second alice's last").message();
        assertTrue(await(store.deleteUser("alice")));
        makeUser(store, "alice", last.ts());
        assertRefused(
                ChangeResult.Reason.NOT_AUTHOR, change(store, "general", "alice", new Change.Edit(last.seq(), "x")));
        store.close();

        TenantStore reopened = open("acme");
        assertRefused(
                ChangeResult.Reason.NOT_AUTHOR, change(reopened, "general", "alice", new Change.Delete(earlier.seq())));
        assertEquals(
                List.of(new StoredMessage.Reaction("👍", List.of("bob"), 2)),
                history(reopened, "general").getFirst().reactions());
        // names made and used at once, each made in the store clock's next millisecond: the new account's message is
        // later (the store is done making a user only once its clock passed the creation millisecond), and its own
        for (int i = 0; i < 20; i++) {
            String name = "user" + i;
            makeUser(reopened, name, Instant.ofEpochMilli(System.currentTimeMillis() + 1));
            long seq = append(reopened, "general", name, "mine").message().seq();
            changed(change(reopened, "general", name, new Change.Edit(seq, "mine, edited")));
        }
    }

    private static void assertRefused(ChangeResult.Reason reason, ChangeResult result) {
        assertEquals(new ChangeResult.Refused(reason), result);
    }

    /** Reads the texts with {@code read}, the store's test access to SQL. */
    static List<String> texts(SqlWorkRunner read, String room) {
        return await(read.run(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT text FROM messages WHERE room = ?")) {
                select.setString(1, room);
                List<String> texts = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        texts.add(MessageQueries.text(rows, 1));
                    }
                }
                return texts;
            }
        }));
    }

    interface SqlWorkRunner {
        CompletableFuture<List<String>> run(SqlWork<List<String>> work);
    }
}
