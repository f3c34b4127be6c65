package io.chat.socketio.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.socketio.engine.PollingTransport.PostStart;
import org.junit.jupiter.api.Test;

/** The hand-over to a WebSocket: once polling is retired, no POST delivers and no poll drains any more. */
class PollingTransportTest {
    private final PollingTransport polling = new PollingTransport();

    @Test
    void aPostUnderWayKeepsPollingFromBeingRetired() {
        assertEquals(PostStart.STARTED, polling.startPost());
        assertFalse(polling.retire(), "the client did not pause polling: the upgrade is refused");
        polling.endPost();
        assertTrue(polling.retire());
    }

    @Test
    void aPostAfterTheHandOverIsRefusedWithoutClosingTheSession() {
        assertTrue(polling.retire());
        assertEquals(PostStart.SUPERSEDED, polling.startPost());
    }

    @Test
    void twoPostsAtOnceAreAnOverlap() {
        assertEquals(PostStart.STARTED, polling.startPost());
        assertEquals(PostStart.OVERLAP, polling.startPost());
    }
}
