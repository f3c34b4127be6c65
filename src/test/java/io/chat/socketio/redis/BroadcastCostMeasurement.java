package io.chat.socketio.redis;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chat.socketio.Namespace;
import io.chat.socketio.SocketIoConfig;
import io.chat.socketio.SocketIoServer;
import io.chat.testing.RedisServer;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * A measurement, not a test of speed: what publishing one broadcast costs this server's process and Redis, at a
 * steady rate, the way a chat message's fan-out publishes it (the room has no socket here, so nothing is delivered
 * locally and nothing comes back). Figures: the JVM's CPU and Redis's CPU (from {@code /proc}) per broadcast. Run it on purpose, pinned to one CPU as
 * W5 pins its servers: {@code taskset -c 0 mvn test -Dtest=BroadcastCostMeasurement -Dbroadcast.rate=10000
 * -Dweb.skip=true}; the figures go to its standard output.
 */
class BroadcastCostMeasurement {
    private static final int RATE = Integer.getInteger("broadcast.rate", 10_000);
    private static final int SECONDS = Integer.getInteger("broadcast.seconds", 10);
    private static final int ROUNDS = Integer.getInteger("broadcast.rounds", 3);

    @Test
    void cpuPerBroadcast() throws Exception {
        try (RedisServer redis = RedisServer.start("BroadcastCostMeasurement");
                RedisCluster cluster = RedisCluster.connect(RedisAdapterConfig.defaults(redis.uri()))) {
            SocketIoServer server = SocketIoServer.create(SocketIoConfig.defaults());
            server.adapter(cluster.adapterFactory());
            Namespace namespace = server.of("/tenant");
            Thread.sleep(1000); // the namespace's subscriptions reach Redis
            long redisPid = Long.parseLong(PublishCostMeasurement.info(redis, "server", "process_id"));
            ObjectNode message = JsonNodeFactory.instance.objectNode();
            message.put("room", "room7").put("user", "someone").put("text", "x".repeat(200));
            broadcast(namespace, message, RATE * 10); // warm-up
            for (int round = 1; round <= ROUNDS; round++) {
                long jvmBefore = jvmCpuNanos();
                long redisBefore = PublishCostMeasurement.cpuTicks(redisPid);
                long before = cluster.stats().published();
                long started = System.nanoTime();
                broadcast(namespace, message, RATE * SECONDS);
                long elapsed = System.nanoTime() - started;
                Thread.sleep(500); // the last answers
                long published = cluster.stats().published() - before;
                System.out.printf(
                        "[broadcast-cost] round %d: %,d broadcasts at %,d/s in %.1f s, %,d published: JVM %.1f us,"
                                + " Redis %.1f us of CPU per broadcast; load %s%n",
                        round,
                        RATE * SECONDS,
                        RATE,
                        elapsed / 1e9,
                        published,
                        (jvmCpuNanos() - jvmBefore) / 1000.0 / (RATE * SECONDS),
                        (PublishCostMeasurement.cpuTicks(redisPid) - redisBefore) * 10_000.0 / (RATE * SECONDS),
                        Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
            }
        }
    }

    /** {@code count} broadcasts, paced at {@link #RATE} a second in steps of a millisecond. */
    private static void broadcast(Namespace namespace, ObjectNode message, int count) {
        long start = System.nanoTime();
        double perMilli = RATE / 1000.0;
        for (int sent = 0; sent < count; ) {
            long due = (long) ((System.nanoTime() - start) / 1_000_000.0 * perMilli) + 1;
            for (; sent < Math.min(due, count); sent++) {
                namespace.to("room7").emit("message", message);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    private static long jvmCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
