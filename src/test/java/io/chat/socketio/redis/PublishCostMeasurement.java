package io.chat.socketio.redis;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.Launch;
import io.chat.Running;
import io.chat.socketio.SocketIoConfig;
import io.chat.socketio.SocketIoServer;
import io.chat.testing.RedisServer;
import io.socket.client.IO;
import io.socket.client.Manager;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A measurement, not a test of speed: Redis's cost of one PUBLISH while one of our servers has {@code N} tenant
 * namespaces open on it, each with one connected socket in room {@code room7} (one multiplexed client connection).
 * {@code redis-benchmark} publishes to {@code socket.io#/tenant-1#room7#} (a room with a member); the figures are
 * Redis's own {@code usec_per_call} of PUBLISH ({@code INFO commandstats}) and Redis's CPU per PUBLISH from
 * {@code /proc}. Run it on purpose (needs Debian's redis-server and redis-tools):
 * {@code mvn test -Dtest=PublishCostMeasurement -Dpublish.tenants=1,1000,10000 -Dweb.skip=true}; the figures go to
 * its standard output.
 */
class PublishCostMeasurement {
    private static final String TENANTS = System.getProperty("publish.tenants", "1,1000,10000");
    private static final int PUBLISHES = Integer.getInteger("publish.count", 200_000);

    @Test
    void redisCostPerPublish() throws Exception {
        List<String> report = new ArrayList<>();
        for (String count : TENANTS.split(",")) {
            report.add(measure(Integer.parseInt(count.trim())));
        }
        report.forEach(line -> System.out.println("[publish-cost] " + line));
    }

    private static String measure(int tenants) throws Exception {
        try (RedisServer redis = RedisServer.start("PublishCostMeasurement");
                RedisCluster cluster = RedisCluster.connect(RedisAdapterConfig.defaults(redis.uri()))) {
            SocketIoServer server = SocketIoServer.create(SocketIoConfig.defaults());
            server.adapter(cluster.adapterFactory());
            for (int i = 1; i <= tenants; i++) {
                server.of("/tenant-" + i).onConnection(socket -> socket.join("room7"));
            }
            Running running = Launch.of(server).start();
            List<io.socket.client.Socket> clients = new ArrayList<>();
            try {
                IO.Options options = new IO.Options();
                options.transports = new String[] {"websocket"};
                options.reconnection = false;
                options.auth = Map.of("user", "measurement");
                Manager manager = new Manager(URI.create("http://127.0.0.1:" + running.port()), options);
                CountDownLatch connected = new CountDownLatch(tenants);
                for (int i = 1; i <= tenants; i++) {
                    io.socket.client.Socket socket = manager.socket("/tenant-" + i, options);
                    socket.once(io.socket.client.Socket.EVENT_CONNECT, args -> connected.countDown());
                    clients.add(socket);
                    socket.connect();
                }
                assertTrue(connected.await(300, TimeUnit.SECONDS), "not all tenants connected");
                Thread.sleep(2000); // the last subscriptions reach Redis
                String subscriptions = "channels="
                        + cli(redis, "PUBSUB", "NUMSUB", "socket.io#/tenant-1#room7#")
                                .lines()
                                .skip(1)
                                .findFirst()
                                .orElse("?")
                        + "/" + cli(redis, "PUBSUB", "CHANNELS").lines().count()
                        + " patterns=" + cli(redis, "PUBSUB", "NUMPAT").strip();
                long pid = Long.parseLong(info(redis, "server", "process_id"));
                cli(redis, "CONFIG", "RESETSTAT");
                long cpuBefore = cpuTicks(pid);
                String rate = benchmark(redis);
                long cpuTicks = cpuTicks(pid) - cpuBefore;
                String publish = info(redis, "commandstats", "cmdstat_publish").replaceAll(",rejected.*", "");
                return String.format(
                        "%,d tenants (%s subscribed, room7 subscribers/all channels): PUBLISH %s; %s;"
                                + " Redis CPU %.2f us per PUBLISH; load %s",
                        tenants,
                        subscriptions,
                        publish,
                        rate,
                        cpuTicks * 10_000.0 / PUBLISHES,
                        Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
            } finally {
                clients.forEach(io.socket.client.Socket::close);
                running.stop();
            }
        }
    }

    private static String benchmark(RedisServer redis) throws IOException, InterruptedException {
        String output = run(List.of(
                "redis-benchmark",
                "-p",
                String.valueOf(redis.port()),
                "-n",
                String.valueOf(PUBLISHES),
                "-c",
                "10",
                "-P",
                "16",
                "-q",
                "PUBLISH",
                "socket.io#/tenant-1#room7#",
                "x".repeat(200)));
        return output.replace('\r', '\n')
                .lines()
                .filter(line -> line.contains("requests per second"))
                .reduce((first, last) -> last)
                .map(line -> line.substring(line.lastIndexOf(':') + 1))
                .orElse(output)
                .strip();
    }

    static String info(RedisServer redis, String section, String field) throws Exception {
        return cli(redis, "INFO", section)
                .lines()
                .filter(line -> line.startsWith(field + ":"))
                .map(line -> line.substring(field.length() + 1).strip())
                .findFirst()
                .orElseThrow();
    }

    private static String cli(RedisServer redis, String... words) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-p", String.valueOf(redis.port())));
        command.addAll(List.of(words));
        return run(command);
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return output;
    }

    /** utime + stime of a process, in clock ticks (1/100 s on Linux). */
    static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
