package io.chat.socketio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.socketio.engine.EngineConfig;
import io.chat.testing.RawWebSocket;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
     * sessions may hold (here 512 KiB): a crowd of them held the heap (135 signed-in sockets that asked for large
     * answers and stopped reading ran 512 MiB out). What goes is the sessions whose writes stalled longest, not
     * whoever asked last: the reader that keeps up, asking for large answers too, is never closed.
     */
    @Test
    void aCrowdOfStalledReadersIsBoundedAllTogether() throws Exception {
        EngineConfig engine = EngineConfig.defaults("/socket.io/").withMaxBacklogBytes(512 * 1024);
        List<RawWebSocket> stalled = new ArrayList<>();
        try (FixtureServer server = FixtureServer.start(engine);
                RawWebSocket reader = connect(server)) {
            connect(server, 8, Optional.empty(), stalled);
            String chunk = "x".repeat(10_000);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            int asked = 0;
            // each stalled socket asks for answers of 10 KB and never reads them: the kernel's buffers fill (on
            // loopback about 3 MB a socket), then its queue
            while (server.io().engine().queueOverflows() < stalled.size() && System.nanoTime() < deadline) {
                asked++;
                for (RawWebSocket ws : stalled) {
                    try {
                        ws.sendText("42/test," + asked + "[\"echo\",\"" + chunk + "\"]");
                    } catch (IOException closed) {
                        // closed by the server already
                    }
                }
                if (asked % 10 == 0) {
                    reader.sendText("42/test," + asked + "[\"echo\",\"" + chunk + "\"]");
                    reader.readUntil(f -> f.text().startsWith("43/test,"));
                }
            }
            assertEquals(stalled.size(), server.io().engine().queueOverflows(), "every stalled reader was closed");
            // by the limit of all sessions, before any reached its own 4 MiB
            assertEquals(stalled.size(), server.io().engine().backlogOverflows(), asked + " asked");
            echo(reader, 1_000_000);
        } finally {
            closeAll(stalled);
        }
    }

    /**
     * A broadcast's packet is in the heap once: readers behind on the same ones are charged a share each. 8 readers
     * about 1 MB behind on the same broadcasts hold about 1 MB, under a 4 MiB budget (counted whole per recipient,
     * they read as 8 MB and were closed).
     */
    @Test
    void readersBehindOnBroadcastsAreChargedTheirShare() throws Exception {
        EngineConfig engine = EngineConfig.defaults("/socket.io/").withMaxBacklogBytes(4 * 1024 * 1024);
        List<RawWebSocket> slow = new ArrayList<>();
        try (FixtureServer server = FixtureServer.start(engine);
                RawWebSocket sender = connect(server)) {
            connect(server, 8, Optional.of("room"), slow);
            String chunk = "x".repeat(10_000);
            // 400 messages of 10 KB to 8 readers that do not read yet: past what the kernel takes (about 3 MB a
            // socket on loopback), 8 queues of about 1 MB each, the same 1 MB in the heap
            for (int i = 0; i < 400; i++) {
                sender.sendText("42/test,[\"to-room\",\"room\",\"" + chunk + "\"]");
            }
            echo(sender, 1);
            for (RawWebSocket ws : slow) {
                int got = 0;
                while (got < 400) {
                    if (ws.readFrame().text().startsWith("42/test,[\"room-message\"")) {
                        got++;
                    }
                }
            }
            assertEquals(0, server.io().engine().queueOverflows());
        } finally {
            closeAll(slow);
        }
    }

    /** Connects {@code count} sockets into {@code into}, each joining {@code room} if there is one. */
    private static void connect(FixtureServer server, int count, Optional<String> room, List<RawWebSocket> into)
            throws IOException {
        for (int i = 0; i < count; i++) {
            RawWebSocket ws = connect(server);
            into.add(ws);
            if (room.isPresent()) {
                join(ws, room.get());
            }
        }
    }

    private static void closeAll(List<RawWebSocket> sockets) throws IOException {
        for (RawWebSocket ws : sockets) {
            ws.close();
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
