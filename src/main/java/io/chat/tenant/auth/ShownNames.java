package io.chat.tenant.auth;

/**
 * The rule for a name people are shown (a display name, a {@code jwt} tenant's user name): not blank, not too long, and
 * no character that hides or rearranges text around it: controls (a newline would also join two names into one key
 * where names are joined by newlines), format characters (the bidirectional overrides and isolates that would make it
 * read as someone else's), line and paragraph separators, lone surrogates, unassigned and private-use code points,
 * and the letters that show as nothing (the Hangul fillers, the combining grapheme joiner, Khmer's inherent vowels,
 * the blank Braille pattern): a name of them looks blank, and one with them looks like another's; nor a space of any
 * kind (a no-break or ideographic space too) at either end, where {@code "alice "} would look like {@code alice}.
 * Spaces inside stay (a family and a given name, a CJK name's ideographic space), as do variation selectors (an emoji
 * in a display name has one).
 */
public final class ShownNames {
    /** The longest user name a JWT tenant's tokens may carry (its user claim). */
    public static final int MAX_JWT_USERNAME_LENGTH = 128;

    /** Letters and marks of Unicode's default-ignorable code points, which no format-character test catches. */
    private static final String INVISIBLE_LETTERS = "\u034F\u115F\u1160\u17B4\u17B5\u2800\u3164\uFFA0";

    private ShownNames() {}

    public static boolean isShown(String candidate, int max) {
        return candidate != null
                && !candidate.isEmpty()
                && candidate.length() <= max
                && !space(candidate.codePointAt(0))
                && !space(candidate.codePointBefore(candidate.length()))
                && candidate.codePoints().noneMatch(ShownNames::hidden);
    }

    /** White space, or a space separator Java's white space leaves out (no-break spaces). */
    private static boolean space(int codePoint) {
        return Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint);
    }

    private static boolean hidden(int codePoint) {
        if (INVISIBLE_LETTERS.indexOf(codePoint) >= 0) {
            return true;
        }
        return switch (Character.getType(codePoint)) {
            case Character.CONTROL,
                    Character.FORMAT,
                    Character.LINE_SEPARATOR,
                    Character.PARAGRAPH_SEPARATOR,
                    Character.SURROGATE,
                    Character.UNASSIGNED,
                    Character.PRIVATE_USE -> true;
            default -> false;
        };
    }
}
