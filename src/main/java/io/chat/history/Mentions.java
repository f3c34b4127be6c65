package io.chat.history;

import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

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
            int end = nameEnd(text, at);
            if (end < 0) {
                continue;
            }
            int trimmed = trimmed(text, at, end);
            if (named(text, at + 1, end, user)
                    || named(text, at + 1, trimmed, user)
                    || named(text, at + 1, trimmed, ROOM)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The most characters {@link #names} keeps: about 100 names. A message naming more people keeps the first of them
     * (and {@code room}, always): what counting a room's unread mentions reads per message stays small, whatever the
     * texts hold.
     */
    static final int MAX_NAMES = 1_000;

    /**
     * Every name {@code text} mentions, as the store keeps them beside it (so that counting a user's mentions never
     * reads texts): each name, and each without the dots ending it, in ASCII lower case, in order of appearance
     * ({@code room} first), between single spaces and with a space before the first and after the last
     * ({@code " room alice bob "}); empty when it mentions nobody. Names longer than {@code maxName} are left out (no
     * user has one), and those that would take the result past {@link #MAX_NAMES} characters. Within that bound,
     * {@code mentions(text, user)} holds exactly when the result contains {@link #listed}{@code (user)} or
     * {@code " room "}.
     */
    static String names(String text, int maxName) {
        if (text.indexOf('@') < 0) {
            return ""; // most messages: nothing to collect
        }
        Set<String> names = new LinkedHashSet<>();
        boolean room = false;
        for (int at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
            int end = nameEnd(text, at);
            if (end < 0) {
                continue;
            }
            for (int last : new int[] {end, trimmed(text, at, end)}) {
                if (last > at + 1 && last - at - 1 <= maxName) {
                    String name = lowerCase(text.substring(at + 1, last));
                    room |= name.equals(ROOM);
                    names.add(name);
                }
            }
        }
        if (names.isEmpty()) {
            return "";
        }
        StringBuilder kept = new StringBuilder(room ? " " + ROOM + " " : " ");
        for (String name : names) {
            if (!name.equals(ROOM) && kept.length() + name.length() + 1 <= MAX_NAMES) {
                kept.append(name).append(' ');
            }
        }
        return kept.toString();
    }

    /**
     * What a user's name is in {@link #names}'s result, with the spaces around it; empty when no text can mention the
     * user by name (a name with characters other than ASCII letters, digits, {@code . _ -}, or longer than
     * {@code maxName}).
     */
    static Optional<String> listed(String user, int maxName) {
        boolean name = !user.isEmpty()
                && user.length() <= maxName
                && user.chars().allMatch(c -> c < 128 && isNameChar(c, false));
        return name ? Optional.of(" " + lowerCase(user) + " ") : Optional.empty();
    }

    /** A name in ASCII lower case. */
    private static String lowerCase(String name) {
        StringBuilder lower = new StringBuilder(name.length());
        name.chars().forEach(c -> lower.append(asciiLower((char) c)));
        return lower.toString();
    }

    /** Where the name after the {@code @} at {@code at} ends; -1 when that {@code @} is inside a word (an address). */
    private static int nameEnd(String text, int at) {
        if (at > 0 && isNameChar(text.codePointBefore(at), true)) {
            return -1;
        }
        int end = at + 1;
        while (end < text.length() && isNameChar(text.charAt(end), false)) {
            end++;
        }
        return end;
    }

    /** The name's end without the dots ending it. */
    private static int trimmed(String text, int at, int end) {
        int trimmed = end;
        while (trimmed > at + 1 && text.charAt(trimmed - 1) == '.') {
            trimmed--;
        }
        return trimmed;
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
