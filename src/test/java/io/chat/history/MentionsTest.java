package io.chat.history;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
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
}
