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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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
     * answers and stopped reading ran 512 MiB out). What goes is the stalled sessions, not whoever asked last: the
     * reader that keeps up, asking for large answers too, is never closed.
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
            // loopback about 3 MB a socket), then its queue, until it has had no write for 1 s
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
                // about 1 MB a second each: a socket counts as stalled after 1 s without a write, well before its
                // own 4 MiB would close it
                Thread.sleep(10);
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
     * Readers that are busy, not stalled, are never closed by the budget, however far over it all sessions' queues are
     * counted: 8 readers taking 400 broadcasts of 10 KB as they come, under a budget of 16 KiB.
     */
    @Test
    void busyReadersAreNeverClosedByTheBudget() throws Exception {
        EngineConfig engine = EngineConfig.defaults("/socket.io/").withMaxBacklogBytes(16 * 1024);
        List<RawWebSocket> readers = new ArrayList<>();
        try (FixtureServer server = FixtureServer.start(engine);
                RawWebSocket sender = connect(server);
                ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            connect(server, 8, Optional.of("room"), readers);
            List<CompletableFuture<Integer>> read = new ArrayList<>();
            for (RawWebSocket ws : readers) {
                read.add(CompletableFuture.supplyAsync(() -> readMessages(ws, 400), threads));
            }
            String chunk = "x".repeat(10_000);
            for (int i = 0; i < 400; i++) {
                sender.sendText("42/test,[\"to-room\",\"room\",\"" + chunk + "\"]");
            }
            for (CompletableFuture<Integer> each : read) {
                assertEquals(400, each.get(60, TimeUnit.SECONDS));
            }
            assertEquals(0, server.io().engine().queueOverflows());
        } finally {
            closeAll(readers);
        }
    }

    private static int readMessages(RawWebSocket ws, int count) {
        int got = 0;
        try {
            while (got < count) {
                if (ws.readFrame().text().startsWith("42/test,[\"room-message\"")) {
                    got++;
                }
            }
        } catch (IOException closed) {
            // counted short: the assertion says so
        }
        return got;
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
