package io.chat.http;

/**
 * A client-supplied string made safe for a log line: quoted, with control characters, quotes, backslashes and
 * everything outside printable ASCII escaped, and cut to a fixed length. A path like {@code /x%0d%0aevent=...}
 * then stays one value on one line and cannot forge another.
 */
public final class LogText {
    /** Characters of the client's string kept; longer ones end with {@code ...}. */
    static final int MAX_CHARS = 200;

    private LogText() {}

    /** {@code "…"} with the escapes above; {@code null} gives {@code -}. */
    public static String quote(String untrusted) {
        if (untrusted == null) {
            return "-";
        }
        int kept = Math.min(untrusted.length(), MAX_CHARS);
        StringBuilder out = new StringBuilder(kept + 8).append('"');
        for (int i = 0; i < kept; i++) {
            char c = untrusted.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (kept < untrusted.length()) {
            out.append("...");
        }
        return out.append('"').toString();
    }
}
