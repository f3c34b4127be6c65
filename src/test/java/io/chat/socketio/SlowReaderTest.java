package io.chat.socketio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.socketio.engine.EngineConfig;
import io.chat.testing.RawWebSocket;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A reader that stops reading is closed when its queue overflows; the sender never waits on it. */
class SlowReaderTest {
    @Test
    void aStalledReaderIsClosedAndTheSenderCarriesOn() throws Exception {
        EngineConfig engine = EngineConfig.defaults("/socket.io/").withMaxQueueBytes(64 * 1024);
        try (FixtureServer server = FixtureServer.start(engine);
                RawWebSocket sender = connect(server);
                RawWebSocket stalled = connect(server)) {
            join(stalled, "flood");
            join(sender, "flood");
            String chunk = "x".repeat(10_000);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            int sent = 0;
            // the stalled socket never reads again: its kernel buffers fill, then its queue
            while (server.io().engine().queueOverflows() == 0 && System.nanoTime() < deadline) {
                sender.sendText("42/test,[\"to-room\",\"flood\",\"" + chunk + "\"]");
                sent++;
                if (sent % 50 == 0) {
                    echo(sender, sent);
                }
            }
            assertEquals(1, server.io().engine().queueOverflows(), "the stalled reader was closed");
            echo(sender, 1_000_000);
            assertTrue(sent > 0);
        }
    }

    /**
     * Stalled readers each under their own queue limit (4 MiB) are closed once their backlogs together pass what all
     * sessions may hold (here 512 KiB): a crowd of them held the heap (135 signed-in sockets ran 512 MiB out). The
     * reader that keeps up is never closed.
     */
    @Test
    void aCrowdOfStalledReadersIsBoundedAllTogether() throws Exception {
        EngineConfig engine = EngineConfig.defaults("/socket.io/").withMaxBacklogBytes(512 * 1024);
        List<RawWebSocket> stalled = new ArrayList<>();
        try (FixtureServer server = FixtureServer.start(engine);
                RawWebSocket sender = connect(server)) {
            for (int i = 0; i < 8; i++) {
                RawWebSocket ws = connect(server);
                stalled.add(ws);
                join(ws, "flood");
            }
            join(sender, "flood");
            String chunk = "x".repeat(10_000);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            int sent = 0;
            while (server.io().engine().queueOverflows() < stalled.size() && System.nanoTime() < deadline) {
                sender.sendText("42/test,[\"to-room\",\"flood\",\"" + chunk + "\"]");
                sent++;
                if (sent % 20 == 0) {
                    echo(sender, sent); // the sender reads (its own messages too): it keeps up
                }
            }
            assertEquals(stalled.size(), server.io().engine().queueOverflows(), "every stalled reader was closed");
            // by the limit of all sessions, before any reached its own 4 MiB (past what the kernel's buffers took
            // first: on loopback, about 3 MB each)
            assertEquals(stalled.size(), server.io().engine().backlogOverflows(), sent + " sent");
            echo(sender, 1_000_000);
        } finally {
            for (RawWebSocket ws : stalled) {
                ws.close();
            }
        }
    }

    private static RawWebSocket connect(FixtureServer server) throws IOException {
        RawWebSocket ws = RawWebSocket.connect(server.port(), "/socket.io/?EIO=4&transport=websocket");
        ws.readFrame();
        ws.sendText("40/test,");
        ws.readUntil(f -> f.text().startsWith("40/test,"));
        ws.readUntil(f -> f.text().startsWith("42/test,[\"welcome\""));
        return ws;
    }

    private static void join(RawWebSocket ws, String room) throws IOException {
        ws.sendText("42/test,1[\"join\",\"" + room + "\"]");
        ws.readUntil(f -> f.text().startsWith("43/test,1"));
    }

    private static void echo(RawWebSocket ws, int id) throws IOException {
        ws.sendText("42/test," + id + "[\"echo\",\"still here\"]");
        ws.readUntil(f -> f.text().equals("43/test," + id + "[\"still here\"]"));
    }
}
