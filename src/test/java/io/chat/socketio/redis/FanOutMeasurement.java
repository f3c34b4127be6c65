package io.chat.socketio.redis;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.Launch;
import io.chat.Running;
import io.chat.socketio.Namespace;
import io.chat.socketio.Socket;
import io.chat.socketio.SocketIoConfig;
import io.chat.socketio.SocketIoServer;
import io.chat.testing.RawWebSocket;
import io.chat.testing.RedisServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * A measurement, not a test of speed (nothing is asserted on time): deliveries per second of a fan-out to
 * {@link #RECEIVERS} WebSocket receivers in one room, three ways: (1) in memory (one server, the default adapter),
 * (2) on a server with the Redis adapter, emitted there (local delivery plus one async publish per message), (3)
 * across servers: server A emits, Redis carries, server B delivers to its receivers (encoded once per message).
 * Receivers are raw WebSockets read by virtual threads that only count frames. Run it on purpose:
 * {@code mvn test -Dtest=FanOutMeasurement -Dweb.skip=true}; the figures go to its standard output.
 */
class FanOutMeasurement {
    private static final int RECEIVERS = Integer.getInteger("fanout.receivers", 200);
    private static final int MESSAGES = Integer.getInteger("fanout.messages", 2000);
    private static final String TEXT = "a chat message of about sixty bytes, the size of a short line";

    @Test
    void deliveriesPerSecond() throws Exception {
        List<String> report = new ArrayList<>();
        SocketIoServer plain = SocketIoServer.create(SocketIoConfig.defaults());
        plain.of("/acme");
        Running memory = Launch.of(plain).start();
        try (RedisServer redis = RedisServer.start("FanOutMeasurement");
                ClusterNode a = ClusterNode.start(redis.uri());
                ClusterNode b = ClusterNode.start(redis.uri())) {
            TwoServersTest.waitForSubscribers(redis, "socket.io-request#/acme#", 2);
            try (Receivers onMemory = Receivers.open(memory.port(), plain.of("/acme"));
                    Receivers onB =
                            Receivers.open(Integer.parseInt(b.url().replaceAll(".*:", "")), b.io().of("/acme"))) {
                // warm-up of each path, then the measured runs
                run("warm-up", plain.of("/acme"), onMemory, MESSAGES / 4, new ArrayList<>());
                run("warm-up", a.io().of("/acme"), onB, MESSAGES / 4, new ArrayList<>());
                run("in memory (default adapter, one server)", plain.of("/acme"), onMemory, MESSAGES, report);
                run("Redis adapter, emitted on the receivers' server", b.io().of("/acme"), onB, MESSAGES, report);
                run("Redis adapter, emitted on A, delivered by B", a.io().of("/acme"), onB, MESSAGES, report);
                publishOnly(a.io().of("/acme"), MESSAGES, report);
                report.add("A " + a.cluster().stats());
                report.add("B " + b.cluster().stats());
            }
        } finally {
            memory.stop();
        }
        report.forEach(line -> System.out.println("[fan-out] " + line));
    }

    private static void run(String label, Namespace from, Receivers to, int messages, List<String> report)
            throws InterruptedException {
        to.reset();
        long expected = (long) messages * to.size();
        long start = System.nanoTime();
        for (int i = 0; i < messages; i++) {
            from.to("fan").emit("m", i, TEXT);
        }
        long emitted = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(120);
        while (to.received() < expected && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        long end = System.nanoTime();
        long received = to.received();
        double seconds = (end - start) / 1e9;
        report.add(String.format(
                "%-50s %d receivers x %d messages: %d/%d delivered in %.2f s = %,.0f deliveries/s (emit loop %.0f ms)",
                label, to.size(), messages, received, expected, seconds, received / seconds, (emitted - start) / 1e6));
        assertTrue(received > 0, label + ": nothing delivered");
    }

    /** What an emit costs its caller when nobody anywhere is in the room: encoding and handing one publish over. */
    private static void publishOnly(Namespace from, int messages, List<String> report) {
        long start = System.nanoTime();
        for (int i = 0; i < messages; i++) {
            from.to("nobody").emit("m", i, TEXT);
        }
        double micros = (System.nanoTime() - start) / 1e3 / messages;
        report.add(String.format(
                "%-50s %.1f us per emit (caller's thread)", "Redis adapter, emit to an empty room", micros));
    }

    /** Raw WebSocket clients of one namespace, joined to room "fan" on their server, counting the events. */
    private static final class Receivers implements AutoCloseable {
        private final List<RawWebSocket> sockets = new ArrayList<>();
        private final LongAdder received = new LongAdder();

        static Receivers open(int port, Namespace namespace) throws Exception {
            Receivers receivers = new Receivers();
            byte[] event = "42/acme,[\"m\"".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < RECEIVERS; i++) {
                RawWebSocket ws = RawWebSocket.connect(port, "/socket.io/?EIO=4&transport=websocket");
                ws.readFrame(); // the Engine.IO open packet
                ws.sendText("40/acme,");
                ws.readUntil(frame -> frame.text().startsWith("40/acme,"));
                receivers.sockets.add(ws);
                Thread.ofVirtual().start(() -> receivers.count(ws, event));
            }
            TwoServersTest.waitUntil(() -> namespace.socketCount() >= RECEIVERS);
            for (Socket socket : namespace.sockets()) {
                socket.join("fan");
            }
            return receivers;
        }

        private void count(RawWebSocket ws, byte[] prefix) {
            try {
                while (true) {
                    RawWebSocket.Frame frame = ws.readFrame();
                    byte[] payload = frame.payload();
                    if (payload.length == 1 && payload[0] == '2') {
                        ws.sendText("3");
                    } else if (startsWith(payload, prefix)) {
                        received.increment();
                    } else if (frame.opcode() == 0x8) {
                        return;
                    }
                }
            } catch (IOException e) {
                // closed
            }
        }

        private static boolean startsWith(byte[] payload, byte[] prefix) {
            if (payload.length < prefix.length) {
                return false;
            }
            for (int i = 0; i < prefix.length; i++) {
                if (payload[i] != prefix[i]) {
                    return false;
                }
            }
            return true;
        }

        int size() {
            return sockets.size();
        }

        long received() {
            return received.sum();
        }

        void reset() {
            received.reset();
        }

        @Override
        public void close() {
            for (RawWebSocket ws : sockets) {
                try {
                    ws.close();
                } catch (IOException e) {
                    // already gone
                }
            }
        }
    }
}
