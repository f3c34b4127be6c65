package io.chat.history;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
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
     * The most names {@link #names} keeps of one text ({@code room} among them, always). The store keeps a row per name
     * kept, so this bounds what one message adds to the mentions table whatever its text: a message naming 99 people
     * made H2 appends 23 times slower (342 against 7,800 a second, {@code ReadPositionBench -Dbench.names=99}). A text
     * naming more people counts as a mention for the first 20 names only (in order of appearance); {@code @room} is
     * there for everyone.
     */
    static final int MAX_NAMES = 20;

    /**
     * The names {@code text} mentions, as the store keeps them so that counting a user's mentions reads no text: each
     * name, and each without the dots ending it, in ASCII lower case, each once, in order of appearance but
     * {@code room} first; empty when it mentions nobody. Names longer than {@code maxName} are left out (no user has
     * one), and those past {@link #MAX_NAMES}. Within that bound, {@code mentions(text, user)} holds exactly when the
     * result holds {@code room} or {@link #nameOf}{@code (user)}.
     */
    static List<String> names(String text, int maxName) {
        int first = text.indexOf('@');
        if (first < 0) {
            return List.of(); // most messages: nothing to collect
        }
        Set<String> names = new LinkedHashSet<>();
        boolean room = false;
        for (int at = first; at >= 0; at = text.indexOf('@', at + 1)) {
            int end = nameEnd(text, at);
            if (end < 0) {
                continue;
            }
            int trimmed = trimmed(text, at, end);
            room |= named(text, at + 1, trimmed, ROOM);
            for (int last : new int[] {end, trimmed}) {
                if (last > at + 1 && last - at - 1 <= maxName && names.size() < MAX_NAMES) {
                    names.add(lowerCase(text, at + 1, last));
                }
            }
            // the walk ends once the kept names are full and @room is known to be among them
            if (names.size() >= MAX_NAMES && room) {
                break;
            }
        }
        if (!room) {
            return List.copyOf(names);
        }
        List<String> kept = new ArrayList<>(names.size() + 1);
        kept.add(ROOM);
        for (String name : names) {
            if (!name.equals(ROOM) && kept.size() < MAX_NAMES) {
                kept.add(name);
            }
        }
        return kept;
    }

    /**
     * What a user's name is among {@link #names}'s: empty when no text can mention the user by name (a name with
     * characters other than ASCII letters, digits, {@code . _ -}, or longer than {@code maxName}).
     */
    static Optional<String> nameOf(String user, int maxName) {
        boolean nameable = !user.isEmpty()
                && user.length() <= maxName
                && user.chars().allMatch(c -> c < 128 && isNameChar(c, false));
        return nameable ? Optional.of(lowerCase(user, 0, user.length())) : Optional.empty();
    }

    private static String lowerCase(String text, int start, int end) {
        char[] lower = new char[end - start];
        for (int i = start; i < end; i++) {
            lower[i - start] = asciiLower(text.charAt(i));
        }
        return new String(lower);
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
