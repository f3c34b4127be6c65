package io.chat.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The mention token rule; the web client's highlighting has the same cases ({@code 00-mentions.test.mjs}). */
class MentionsTest {
    private static final List<String> MENTIONS_ALICE = List.of(
            "@alice",
            "hi @alice",
            "@ALICE, hello",
            "thanks @alice.",
            "(@Alice)",
            "@room: all",
            "@Room",
            "ping @room.",
            "@@alice",
            "«@alice»",
            "line\n@alice");
    private static final List<String> NOT_ALICE = List.of(
            "@alicex",
            "@alice_",
            "@alice-",
            "@alice-x",
            "bob@alice.com",
            "x.@alice",
            "é@alice",
            "9@alice",
            "@rooms",
            "@ alice",
            "alice",
            "@",
            "`@bob`",
            "@al ice",
            "@alicé");

    @Test
    void wholeTokensAnyAsciiCaseAndRoomNotInsideAWordOrALongerName() {
        MENTIONS_ALICE.forEach(text -> assertTrue(Mentions.mentions(text, "alice"), text));
        NOT_ALICE.forEach(text -> assertFalse(Mentions.mentions(text, "alice"), text));
        assertTrue(Mentions.mentions("hey @alice.", "alice."), "a name may end in a dot");
        assertFalse(Mentions.mentions("@k", "\u212a"), "no letter outside ASCII folds to it (the Kelvin sign)");
        assertTrue(Mentions.mentions("\uD835\uDC00 @room", "bob"), "a letter outside the BMP before a space");
        assertFalse(Mentions.mentions("\uD835\uDC00@alice", "alice"), "... or right before the @");
    }

    /**
     * The names a store keeps for a text say what {@link Mentions#mentions} says, for every user: random texts and
     * names over the characters the rule turns on (name characters, dots ending a name, a letter outside ASCII before
     * the {@code @}, upper case, a surrogate pair).
     */
    @Test
    void theNamesKeptForATextAgreeWithTheRule() {
        String[] pieces = {
            "@", "@", "a", "A", "b", "room", "Room", ".", "_", "-", " ", ",", "é", "9", "x", "\uD835\uDC00"
        };
        List<String> users = List.of("a", "b", "ab", "a.", "a_b", "a-b", "room", "A", "é", "a b", "x9", "a..", "_");
        Random random = new Random(20261207);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder text = new StringBuilder();
            for (int n = random.nextInt(12); n > 0; n--) {
                text.append(pieces[random.nextInt(pieces.length)]);
            }
            List<String> names = Mentions.names(text.toString(), 255);
            for (String user : users) {
                boolean kept = names.contains(Mentions.ROOM)
                        || Mentions.nameOf(user, 255).filter(names::contains).isPresent();
                assertEquals(Mentions.mentions(text.toString(), user), kept, "'" + text + "' for " + user);
            }
        }
        assertEquals(List.of("room", "alice", "alice.", "bob"), Mentions.names("@Alice and @alice. @bob @room!", 255));
        assertEquals(List.of(), Mentions.names("bob@alice.com @", 255));
        assertEquals(List.of("ab"), Mentions.names("@ab @abc", 2), "a name longer than any user's is left out");
    }
}
