package io.chat.history;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A search's text read once, the same way for every store: the words and phrases a message must hold and those it
 * must not. Both stores build their query from this (Lucene and PostgreSQL never parse the text themselves), so no
 * query syntax of theirs ({@code |}, parentheses, {@code or}) means anything: it is punctuation or a plain word.
 *
 * <p>Syntax: terms are separated by white space; {@code "a quoted phrase"} is one term (an unclosed quote runs to the
 * end); a term starting with {@code -} leaves out the messages holding it. Each store splits a term into its words
 * with its own tokenizer (the one it indexed the text with): a term of several words (a phrase, or {@code foo|bar})
 * matches those words in that order.
 *
 * <p>Bounds, so that no query costs a store more than a few word lookups per message: a term has at most
 * {@value #MAX_TERM_WORDS} words, a query at most {@value #MAX_TERMS} distinct terms (repeated ones, in any case,
 * count once), and at least one term that is not left out.
 *
 * @param required the terms a message must hold, each with at least one letter or digit, distinct
 * @param excluded the terms it must not hold, distinct
 */
public record SearchTerms(List<String> required, List<String> excluded) {
    /** Words of one term (a phrase, or a word a tokenizer splits), at most. */
    public static final int MAX_TERM_WORDS = 8;
    /** Distinct terms of a query, required and left out together, at most. */
    public static final int MAX_TERMS = 16;

    /** Why a query text is refused: a short fixed text a client may be shown. */
    public static final class Refused extends IllegalArgumentException {
        private Refused(String message) {
            super(message);
        }
    }

    public static final String NO_WORDS = "q has no words";
    public static final String TERM_TOO_LONG = "q has a phrase over " + MAX_TERM_WORDS + " words";
    public static final String TOO_MANY_TERMS = "q has over " + MAX_TERMS + " terms";

    public SearchTerms {
        required = List.copyOf(required);
        excluded = List.copyOf(excluded);
    }

    /** Reads {@code text}; throws {@link Refused} with one of the fixed texts above when it is out of bounds. */
    public static SearchTerms parse(String text) {
        Set<String> required = new LinkedHashSet<>();
        Set<String> excluded = new LinkedHashSet<>();
        int at = 0;
        int length = text.length();
        while (at < length) {
            if (Character.isWhitespace(text.charAt(at))) {
                at++;
                continue;
            }
            boolean leftOut = text.charAt(at) == '-';
            if (leftOut) {
                at++;
            }
            int end;
            String term;
            if (at < length && text.charAt(at) == '"') {
                int close = text.indexOf('"', at + 1);
                end = close < 0 ? length : close + 1;
                term = text.substring(at + 1, close < 0 ? length : close);
            } else {
                end = at;
                while (end < length && !Character.isWhitespace(text.charAt(end))) {
                    end++;
                }
                term = text.substring(at, end);
            }
            at = end;
            if (!term.codePoints().anyMatch(Character::isLetterOrDigit)) {
                continue; // punctuation (or emoji) only: not something both stores find
            }
            int words = words(term);
            if (words > MAX_TERM_WORDS) {
                throw new Refused(TERM_TOO_LONG);
            }
            String normal = normal(term);
            (leftOut ? excluded : required).add(normal);
            if (required.size() + excluded.size() > MAX_TERMS) {
                throw new Refused(TOO_MANY_TERMS);
            }
        }
        if (required.isEmpty()) {
            throw new Refused(NO_WORDS);
        }
        return new SearchTerms(new ArrayList<>(required), new ArrayList<>(excluded));
    }

    /** A term as stores get it: lower case (both index in lower case), white space runs as one space. */
    private static String normal(String term) {
        return String.join(" ", term.strip().toLowerCase(Locale.ROOT).split("\\s+"));
    }

    /**
     * How many words a tokenizer may make of {@code term}, at most: runs of letters and digits (with their marks), where a Han or
     * Hiragana character, an emoji (also one shown as text, such as ©), another symbol (Ⓐ) and a letter number (Ⅻ) are
     * words of their own (Lucene's tokenizer makes them so; a review counted 21 tokens in {@code a©©...} where the
     * count said 1).
     */
    static int words(String term) {
        int words = 0;
        boolean inWord = false;
        for (int at = 0; at < term.length(); ) {
            int c = term.codePointAt(at);
            at += Character.charCount(c);
            Character.UnicodeScript script = Character.UnicodeScript.of(c);
            int type = Character.getType(c);
            if (Character.isEmoji(c)
                    || type == Character.OTHER_SYMBOL
                    || type == Character.LETTER_NUMBER
                    || script == Character.UnicodeScript.HAN
                    || script == Character.UnicodeScript.HIRAGANA) {
                words++;
                inWord = false;
            } else if (Character.isLetterOrDigit(c) || (inWord && isMark(c))) {
                if (!inWord) {
                    words++;
                    inWord = true;
                }
            } else {
                inWord = false;
            }
        }
        return words;
    }

    private static boolean isMark(int c) {
        int type = Character.getType(c);
        return type == Character.NON_SPACING_MARK
                || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK;
    }
}
