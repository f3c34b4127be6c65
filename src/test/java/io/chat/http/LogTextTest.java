package io.chat.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LogTextTest {
    @Test
    void controlCharactersQuotesBackslashesAndNonAsciiAreEscaped() {
        assertEquals("\"/admin/x\\r\\nevent=forged\"", LogText.quote("/admin/x\r\nevent=forged"));
        assertEquals("\"a\\\"b\\\\c\\td\\u0000e\\u001bf\\u007fg\"", LogText.quote("a\"b\\c\td\u0000e\u001bf\u007fg"));
        assertEquals("\"caf\\u00e9 \\u2028 \\ud83d\\ude00\"", LogText.quote("café \u2028 😀"));
        assertEquals("-", LogText.quote(null));
    }

    @Test
    void longStringsAreCut() {
        String quoted = LogText.quote("p".repeat(100_000));
        assertEquals(LogText.MAX_CHARS + 5, quoted.length());
        assertTrue(quoted.endsWith("...\""), quoted);
    }
}
