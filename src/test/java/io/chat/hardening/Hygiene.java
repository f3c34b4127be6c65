package io.chat.hardening;

import java.util.List;
import java.util.regex.Pattern;

/** What no answer, close reason or log line may contain: stack traces and exception text. */
final class Hygiene {
    private static final List<Pattern> LEAKS = List.of(
            Pattern.compile("Exception"),
            Pattern.compile("\\bat (java|io|org|jdk|com)\\.[\\w.$]+\\("),
            Pattern.compile("Caused by"),
            Pattern.compile("org\\.h2\\."),
            Pattern.compile("java\\.lang\\."));

    private Hygiene() {}

    static void assertClean(String what, String text) {
        for (Pattern leak : LEAKS) {
            if (leak.matcher(text).find()) {
                throw new AssertionError(
                        what + " leaks internals (" + leak + "): " + text.substring(0, Math.min(300, text.length())));
            }
        }
    }
}
