package io.chat.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What every store's {@link MessageStore#search} guarantees: whole words, case-insensitive, newest first with the
 * message before each as context; an edit found by its new words and not its old ones; a deleted message never
 * found; only the rooms asked for (the user's), filtered by room and sender; pages that follow each other; every
 * tenant's apart; found again after a close and reopen. An implementation passes it by subclassing with
 * {@link #openStore}.
 */
abstract class SearchStoreContract extends StoreContract {
    private static final Set<String> GENERAL = Set.of("general");

    static SearchQuery query(Set<String> rooms, String text) {
        return new SearchQuery(rooms, text, Optional.empty(), Optional.empty(), 20, Optional.empty());
    }

    static List<Long> seqs(SearchPage page) {
        return page.hits().stream().map(hit -> hit.message().seq()).toList();
    }

    /** The seqs of the messages of "general" that {@code text} finds. */
    static List<Long> found(TenantStore store, String text) {
        return seqs(await(store.search(query(GENERAL, text))));
    }

    static void send(TenantStore store, String room, String from, String text) {
        await(store.append(room, from, text, Optional.empty()));
    }

    @Test
    void findsWholeWordsInAnyCaseNewestFirstWithContext() {
        TenantStore store = open("acme");
        send(store, "general", "alice", "hello world");
        send(store, "general", "bob", "the deploy failed again");
        send(store, "general", "alice", "Deploy fixed, DEPLOYING tomorrow");
        send(store, "general", "carol", "nothing to see");

        SearchPage page = await(store.search(query(GENERAL, "deploy")));
        assertEquals(List.of(3L, 2L), seqs(page), "newest first; 'deploying' is another word");
        SearchHit newest = page.hits().getFirst();
        assertEquals("alice", newest.message().from());
        assertEquals("Deploy fixed, DEPLOYING tomorrow", newest.message().text());
        assertEquals("general", newest.message().room());
        assertEquals(Optional.of("the deploy failed again"), newest.previous().map(StoredMessage::text));
        assertEquals(Optional.empty(), page.next());

        assertEquals(List.of(2L), seqs(await(store.search(query(GENERAL, "DEPLOY failed")))), "every word");
        assertEquals(List.of(), seqs(await(store.search(query(GENERAL, "deployment")))), "no match");
        assertEquals(List.of(2L), seqs(await(store.search(query(GENERAL, "\"deploy failed\"")))), "a phrase");
        assertEquals(List.of(), seqs(await(store.search(query(GENERAL, "\"failed deploy\"")))), "in its order");
        assertEquals(List.of(3L), seqs(await(store.search(query(GENERAL, "deploy -again")))), "-word leaves out");
    }

    @Test
    void anEditIsFoundByItsNewWordsAndNotItsOldOnes() {
        TenantStore store = open("acme");
        send(store, "general", "alice", "meet at the lighthouse");
        await(store.change("general", "alice", new Change.Edit(1, "meet at the harbour"), Optional.empty()));

        assertEquals(List.of(), seqs(await(store.search(query(GENERAL, "lighthouse")))));
        SearchPage page = await(store.search(query(GENERAL, "harbour")));
        assertEquals(List.of(1L), seqs(page));
        assertTrue(page.hits().getFirst().message().editedTs().isPresent(), "in its latest state");
    }

    @Test
    void aDeletedMessageIsNeverFound() {
        TenantStore store = open("acme");
        send(store, "general", "alice", "the password is swordfish");
        send(store, "general", "bob", "swordfish noted");
        await(store.change("general", "alice", new Change.Delete(1), Optional.empty()));

        SearchPage page = await(store.search(query(GENERAL, "swordfish")));
        assertEquals(List.of(2L), seqs(page));
        assertEquals(Optional.empty(), page.hits().getFirst().previous(), "nor as context");
        assertEquals(List.of(), seqs(await(store.search(query(GENERAL, "password")))));
        store.close();

        TenantStore reopened = open("acme");
        assertEquals(List.of(), seqs(await(reopened.search(query(GENERAL, "password")))), "after a reopen too");
    }

    @Test
    void onlyTheRoomsGivenFilteredByRoomAndSender() {
        TenantStore store = open("acme");
        send(store, "general", "alice", "lunch at noon");
        send(store, "secret", "bob", "lunch plans, secret ones");
        send(store, "dev", "bob", "lunch after the build");

        assertEquals(
                List.of("general"),
                rooms(await(store.search(query(GENERAL, "lunch")))),
                "a room the user is not in is never searched");
        assertEquals(List.of("dev", "general"), rooms(await(store.search(query(Set.of("general", "dev"), "lunch")))));
        SearchQuery inDev = new SearchQuery(
                Set.of("general", "dev"), "lunch", Optional.empty(), Optional.of("dev"), 20, Optional.empty());
        assertEquals(List.of("dev"), rooms(await(store.search(inDev))));
        SearchQuery inSecret = new SearchQuery(
                Set.of("general", "dev"), "lunch", Optional.empty(), Optional.of("secret"), 20, Optional.empty());
        assertEquals(List.of(), rooms(await(store.search(inSecret))), "a room filter outside the user's rooms");
        SearchQuery byAlice = new SearchQuery(
                Set.of("general", "dev"), "lunch", Optional.of("alice"), Optional.empty(), 20, Optional.empty());
        assertEquals(List.of("general"), rooms(await(store.search(byAlice))));
        assertEquals(List.of(), rooms(await(store.search(query(Set.of(), "lunch")))), "no rooms, no results");
    }

    @Test
    void pagesFollowEachOtherToTheEnd() {
        TenantStore store = open("acme");
        for (int i = 1; i <= 7; i++) {
            send(store, "general", "alice", "status report " + i);
        }
        send(store, "dev", "alice", "no status here");
        Set<String> both = Set.of("general", "dev");
        List<String> seen = new ArrayList<>();
        Optional<SearchCursor> before = Optional.empty();
        int pages = 0;
        do {
            SearchPage page =
                    await(store.search(new SearchQuery(both, "report", Optional.empty(), Optional.empty(), 3, before)));
            page.hits().forEach(hit -> seen.add(hit.message().text()));
            before = page.next();
            pages++;
        } while (before.isPresent());
        assertEquals(3, pages);
        assertEquals(
                List.of(
                        "status report 7",
                        "status report 6",
                        "status report 5",
                        "status report 4",
                        "status report 3",
                        "status report 2",
                        "status report 1"),
                seen);
    }

    @Test
    void anotherTenantIsNeverSearched() {
        TenantStore acme = open("acme");
        TenantStore globex = open("globex");
        send(acme, "general", "alice", "acquisition of globex planned");
        send(globex, "general", "alice", "nothing planned");

        assertEquals(List.of(), seqs(await(globex.search(query(GENERAL, "acquisition")))));
        assertEquals(List.of(1L), seqs(await(globex.search(query(GENERAL, "planned")))));
        assertEquals(
                "nothing planned",
                await(globex.search(query(GENERAL, "planned")))
                        .hits()
                        .getFirst()
                        .message()
                        .text());
        assertEquals(List.of(1L), seqs(await(acme.search(query(GENERAL, "acquisition")))));
    }

    @Test
    void foundAgainAfterAReopen() {
        TenantStore store = open("acme");
        send(store, "general", "alice", "remember the milk");
        store.close();
        TenantStore reopened = open("acme");
        assertEquals(List.of(1L), seqs(await(reopened.search(query(GENERAL, "milk")))));
        send(reopened, "general", "bob", "milk bought");
        assertEquals(List.of(2L, 1L), seqs(await(reopened.search(query(GENERAL, "milk")))));
    }

    @Test
    void aQueryWithoutWordsOrTooLongIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> query(GENERAL, ""));
        assertThrows(IllegalArgumentException.class, () -> query(GENERAL, " !? -- \"\" "));
        assertThrows(IllegalArgumentException.class, () -> query(GENERAL, "a".repeat(SearchQuery.MAX_TEXT + 1)));
        assertThrows(
                IllegalArgumentException.class,
                () -> new SearchQuery(GENERAL, "x", Optional.empty(), Optional.empty(), 0, Optional.empty()));
        assertThrows(
                IllegalArgumentException.class,
                () -> new SearchQuery(
                        GENERAL, "x", Optional.empty(), Optional.empty(), SearchQuery.MAX_LIMIT + 1, Optional.empty()));
    }

    @Test
    void bothStoresReadTheQueryAlikeWithoutOrOrGrouping() {
        TenantStore store = open("acme");
        send(store, "general", "alice", "deploy failed");
        send(store, "general", "bob", "rollback done");
        send(store, "general", "carol", "deploy or rollback, your call");
        send(store, "general", "alice", "rollback deploy");

        assertEquals(List.of(), found(store, "failed | done"), "| is no OR");
        assertEquals(List.of(), found(store, "failed OR done"), "OR is a word");
        assertEquals(List.of(3L), found(store, "deploy or rollback"), "or too");
        assertEquals(List.of(1L), found(store, "(deploy failed)"), "no grouping");
        assertEquals(List.of(1L), found(store, "(deploy) -(rollback)"));
        assertEquals(List.of(4L), found(store, "rollback|deploy"), "words in order");
        assertEquals(List.of(4L, 3L, 1L), found(store, "deploy deploy DEPLOY"));
        assertEquals(List.of(2L), found(store, "rollback -\"deploy\" -your"));
        assertEquals(List.of(4L, 1L), found(store, "deploy -\"your call\""));
    }

    @Test
    void aQueryOfOnlyExclusionsOrTooManyWordsIsRefused() {
        assertRefused(SearchTerms.NO_WORDS, "-deploy -rollback");
        assertRefused(SearchTerms.NO_WORDS, "-\"deploy failed\" | ( )");
        assertRefused(SearchTerms.TERM_TOO_LONG, "\"" + "a ".repeat(99).strip() + "\"");
        assertRefused(SearchTerms.TERM_TOO_LONG, "\"one two three four five six seven eight nine\"");
        assertRefused(SearchTerms.TERM_TOO_LONG, "a|b|c|d|e|f|g|h|i");
        assertRefused(SearchTerms.TERM_TOO_LONG, "deploy -\"a b c d e f g h i\"");
        assertRefused(SearchTerms.TOO_MANY_TERMS, "a b c d e f g h i j k l m n o p q");
        assertRefused(SearchTerms.TOO_MANY_TERMS, "a b c d e f g h i j k l m n o p -q");
        query(GENERAL, "\"one two three four five six seven eight\"");
        query(GENERAL, "a b c d e f g h i j k l m n o -p");
        query(GENERAL, "a ".repeat(60) + "A B");
    }

    @Test
    void aPhraseOnLongMessagesFindsItsWordsInOrder() {
        TenantStore store = open("acme");
        String run = "a ".repeat(98).strip();
        String text = String.join(" b ", java.util.Collections.nCopies(20, run));
        for (int i = 0; i < 200; i++) {
            store.append("general", "alice", text, Optional.empty());
        }
        send(store, "general", "alice", "a b a");
        assertEquals(List.of(201L), found(store, "\"b a\" -\"a a\""));
        assertEquals(List.of(), found(store, "\"a a a a a a b b\""), "never matches");
    }

    private static void assertRefused(String message, String text) {
        SearchTerms.Refused refused = assertThrows(SearchTerms.Refused.class, () -> query(GENERAL, text), text);
        assertEquals(message, refused.getMessage(), text);
    }

    private static List<String> rooms(SearchPage page) {
        return page.hits().stream().map(hit -> hit.message().room()).sorted().toList();
    }
}
