package io.chat.tenant.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Names people are shown: nothing in them may hide, reorder or fake text. */
class ShownNamesTest {
    @Test
    void namesAsPeopleHaveThemAreShown() {
        for (String name : new String[] {
            "Carol Chen", "Zoë Martín", "李小龙", "山田\u3000太郎", "Anna ❤️", "alice@example.com", "auth0|64f1"
        }) {
            assertTrue(ShownNames.isShown(name, 100), name);
        }
    }

    @Test
    void namesThatHideOrFakeTextAreNot() {
        for (String name : new String[] {
            " ", // blank
            "alice\nbob", // a control: joins two names into one conversation key
            "bob\u202Eevil", // a direction override
            "\u3164", // a Hangul filler: a name that looks blank
            "ali\u034Fce", // a combining grapheme joiner: looks like "alice"
            "bob\u115F", // another filler
            "lone\uD800", // half a surrogate pair
            // found by a hostile review: blank-looking, or another's name with something invisible at its end
            "\u2800", // the blank Braille pattern
            "alice\u2800",
            "\u00A0\u00A0", // no-break spaces only: not blank to String.isBlank
            " Alice ",
            "alice ",
            "alice\u00A0",
            "alice\u3000",
            "\talice"
        }) {
            assertFalse(ShownNames.isShown(name, 100), () -> name.codePoints()
                    .mapToObj(Integer::toHexString)
                    .toList()
                    .toString());
        }
        assertFalse(ShownNames.isShown("x".repeat(101), 100), "too long");
    }
}
