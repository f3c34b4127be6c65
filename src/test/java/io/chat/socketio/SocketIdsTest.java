package io.chat.socketio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SocketIdsTest {
    @Test
    void anIdIsTwentyBase64urlCharactersAndTheMark() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String id = SocketIds.next();
            assertEquals(21, id.length(), id);
            assertTrue(id.matches("[A-Za-z0-9_-]{20}~"), id);
            assertTrue(SocketIds.isShaped(id), id);
            ids.add(id);
        }
        assertEquals(1000, ids.size(), "no two alike");
    }

    @Test
    void onlyThatFormIsShaped() {
        for (String name : new String[] {
            "abcdefghij0123456789",
            "abcdefghij0123456789~~",
            "abcdefghij012345678~",
            "abcdefghij01234567.9~",
            "~abcdefghij012345678",
            "",
            "~"
        }) {
            assertFalse(SocketIds.isShaped(name), name);
        }
        assertTrue(SocketIds.isShaped("abcdefghij-123456_89~"));
    }
}
