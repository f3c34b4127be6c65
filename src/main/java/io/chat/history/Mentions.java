package io.chat.history;

/**
 * Whether a message's text mentions a user: the contract's token rule, which the web client's highlighting follows too
 * ({@code src/main/web/src/chat/mentions.js}).
 *
 * <p>A mention is an {@code @} at the start of the text or after a character that is neither a letter, a digit, nor
 * one of {@code . _ -} (so {@code bob@alice.com} mentions nobody), followed by a name: the longest run of ASCII letters,
 * digits, {@code .}, {@code _} and {@code -} after it. The name mentions a user when it equals their username ignoring
 * ASCII case, or does once the dots ending it are dropped ({@code "thanks @alice."}); so {@code @alicex} does not
 * mention {@code alice}. The name {@code room} (any case, dots ending it dropped) mentions everyone in the room. Any
 * part of the text counts, code included: the store reads text, not markup.
 */
public final class Mentions {
    /** The name that mentions every member of the room. */
    public static final String ROOM = "room";

    private Mentions() {}

    /** Whether {@code text} mentions {@code user}, by name or by {@code @room}. */
    public static boolean mentions(String text, String user) {
        for (int at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
            if (at > 0 && isNameChar(text.codePointBefore(at), true)) {
                continue;
            }
            int end = at + 1;
            while (end < text.length() && isNameChar(text.charAt(end), false)) {
                end++;
            }
            int trimmed = end;
            while (trimmed > at + 1 && text.charAt(trimmed - 1) == '.') {
                trimmed--;
            }
            if (named(text, at + 1, end, user)
                    || named(text, at + 1, trimmed, user)
                    || named(text, at + 1, trimmed, ROOM)) {
                return true;
            }
        }
        return false;
    }

    /** The text's name from start to end is {@code name}, ignoring ASCII case only (no other letter folds to ASCII). */
    private static boolean named(String text, int start, int end, String name) {
        if (end - start != name.length()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (asciiLower(text.charAt(start + i)) != asciiLower(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static char asciiLower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }

    /** A name's characters; before an {@code @}, any letter or digit also makes it part of a word (an address). */
    private static boolean isNameChar(int c, boolean anyLetter) {
        boolean ascii = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        return ascii || c == '.' || c == '_' || c == '-' || (anyLetter && Character.isLetterOrDigit(c));
    }
}
