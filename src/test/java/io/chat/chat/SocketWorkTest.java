package io.chat.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Presence counts a socket in a room once and uncounts it once, whichever of entering, leaving and disconnecting
 * comes first: an entry that finishes after its socket disconnected counts nothing (it left a ghost member), and a
 * disconnect uncounts only the rooms that were counted (it told a room a user left whose other socket was there).
 */
class SocketWorkTest {
    private final SocketWork work = new SocketWork();
    private final Presence presence = new Presence();

    @Test
    void aRoomIsCountedOnceAndUncountedOnce() {
        assertTrue(work.enterCounted("general", () -> presence.enter("general", "alice")));
        assertFalse(work.enterCounted("general", () -> presence.enter("general", "alice")), "counted already");
        assertEquals(List.of("alice"), presence.members("general"));
        assertTrue(work.exitCounted("general", () -> presence.exit("general", "alice")));
        assertFalse(work.exitCounted("general", () -> presence.exit("general", "alice")), "not counted any more");
        assertEquals(List.of(), presence.members("general"));
    }

    @Test
    void anEntryThatFinishesAfterTheDisconnectCountsNothing() {
        assertEquals(List.of(), work.exitAllCounted(room -> presence.exit(room, "alice")));
        assertFalse(work.enterCounted("general", () -> presence.enter("general", "alice")));
        assertEquals(List.of(), presence.members("general"), "no ghost member");
    }

    @Test
    void theDisconnectUncountsOnlyWhatWasCounted() {
        SocketWork other = new SocketWork();
        other.enterCounted("general", () -> presence.enter("general", "alice"));
        work.enterCounted("random", () -> presence.enter("random", "alice"));
        work.enterCounted("general", () -> presence.enter("general", "alice"));
        assertEquals(
                List.of("random"),
                work.exitAllCounted(room -> presence.exit(room, "alice")),
                "alice's other socket is still in general");
        assertEquals(List.of("alice"), presence.members("general"));
        assertEquals(List.of(), presence.members("random"));
    }
}
