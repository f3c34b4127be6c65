package io.chat.socketio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.socketio.engine.EngineConfig;
import io.chat.testing.RawWebSocket;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The heartbeat on the wire, every session on the engine's one timer task ({@code Heartbeats}): a client that answers
 * is pinged every {@code pingInterval} for as long as it likes; one that does not is closed {@code pingTimeout} after
 * its ping; sessions started at different moments, answering or not, each keep their own schedule.
 */
@FixtureTest
class HeartbeatTimingTest {
    private static final long INTERVAL_MS = 200;
    private static final long TIMEOUT_MS = 300;
    private static FixtureServer server;

    @SetUpFixture
    static EngineConfig engine(EngineConfig defaults) {
        return defaults.withHeartbeat(Duration.ofMillis(INTERVAL_MS), Duration.ofMillis(TIMEOUT_MS));
    }

    private static RawWebSocket open() throws IOException {
        RawWebSocket ws = RawWebSocket.connect(server.port(), "/socket.io/?EIO=4&transport=websocket");
        assertTrue(ws.upgraded(), ws.statusLine());
        assertTrue(ws.readFrame().text().startsWith("0{\"sid\":"));
        ws.timeout(5_000);
        return ws;
    }

    /** Answers pings for {@code millis}; returns when each came, in ms since the start. */
    private static List<Long> answerPings(RawWebSocket ws, long start, long millis) throws IOException {
        List<Long> pings = new ArrayList<>();
        while (true) {
            RawWebSocket.Frame frame = ws.readFrame();
            assertEquals(0x1, frame.opcode(), "closed while answering pings");
            if (frame.text().equals("2")) {
                long at = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                pings.add(at);
                ws.sendText("3");
                if (at >= millis) {
                    return pings;
                }
            }
        }
    }

    @Test
    void aClientThatAnswersIsPingedEveryIntervalAndStaysOpen() throws Exception {
        try (RawWebSocket ws = open()) {
            long start = System.nanoTime();
            List<Long> pings = answerPings(ws, start, 6 * INTERVAL_MS);
            assertTrue(pings.size() >= 5, pings.toString());
            for (int i = 1; i < pings.size(); i++) {
                // each ping comes an interval after the last pong, never before (give or take the clock's millisecond)
                long gap = pings.get(i) - pings.get(i - 1);
                assertTrue(gap >= INTERVAL_MS - 2, pings.toString());
                assertTrue(gap <= INTERVAL_MS + 150, pings.toString());
            }
        }
    }

    @Test
    void aClientThatDoesNotAnswerIsClosedAfterItsTimeout() throws Exception {
        // from before the handshake: the session, its ping and its timeout all come after it. Not from the ping's
        // arrival: a ping read late by a busy test thread (203 ms after the open, the close on time at 500) made the
        // timeout look 3 ms short
        long opening = System.nanoTime();
        try (RawWebSocket ws = open()) {
            long start = System.nanoTime();
            RawWebSocket.Frame ping = ws.readFrame();
            long pingAt = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals("2", ping.text());
            RawWebSocket.Frame close = ws.readUntilClosed();
            long closedAt = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            long sinceOpening = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opening);
            assertTrue(close == null || close.opcode() == 0x8);
            assertTrue(sinceOpening >= INTERVAL_MS + TIMEOUT_MS - 2, sinceOpening + " ms after the open");
            assertTrue(closedAt - pingAt <= TIMEOUT_MS + 300, pingAt + " -> " + closedAt);
        }
    }

    @Test
    void sessionsStartedApartKeepTheirOwnSchedules() throws Exception {
        List<CompletableFuture<String>> outcomes = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            boolean answers = i % 2 == 0;
            RawWebSocket ws = open();
            long start = System.nanoTime();
            CompletableFuture<String> outcome = new CompletableFuture<>();
            outcomes.add(outcome);
            Thread.ofVirtual().start(() -> outcome.complete(outcome(ws, start, answers)));
            Thread.sleep(37);
        }
        for (int i = 0; i < outcomes.size(); i++) {
            assertEquals(i % 2 == 0 ? "open" : "closed", outcomes.get(i).get(10, TimeUnit.SECONDS), "socket " + i);
        }
    }

    private static String outcome(RawWebSocket ws, long start, boolean answers) {
        try (ws) {
            if (answers) {
                answerPings(ws, start, 4 * INTERVAL_MS);
                return "open";
            }
            ws.readUntilClosed();
            long closedAt = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            return closedAt >= INTERVAL_MS + TIMEOUT_MS - 50 ? "closed" : "closed early at " + closedAt;
        } catch (IOException | RuntimeException | AssertionError e) {
            return "failed: " + e;
        }
    }
}
