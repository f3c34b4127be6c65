package io.chat.bench;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * START, cold start: launches the server with its start command ({@code scripts/run}, a built jar) on a tenants
 * folder that holds one tenant, and measures the time from the launch to the first {@code /health} answering 200,
 * then the time the first socket takes to join the tenant's namespace (WebSocket upgrade, Engine.IO OPEN, CONNECT
 * with a session token, CONNECT reply: an upper bound of the CONNECT's reply time). A first, unmeasured start
 * provisions the tenant and its user (and warms this generator's side). Each start is one row: p50_ms holds the
 * start-to-health time, p99_ms the first CONNECT's, server_cpu_s the server's CPU time at /health (what other work
 * on the machine does not stretch), target_per_s the start's number.
 */
final class ColdStart {
    static final double HEALTH_TARGET_MS = 1_500;
    static final double CONNECT_TARGET_MS = 20;
    private static final String TENANT = "start";

    private final LoadGen gen;
    private final Map<String, String> opts;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final int port;

    ColdStart(LoadGen gen, Map<String, String> opts) {
        this.gen = gen;
        this.opts = opts;
        this.port = Integer.parseInt(opts.getOrDefault("port", "8080"));
    }

    int run() throws Exception {
        int repeat = Integer.parseInt(opts.getOrDefault("repeat", "5"));
        String label = opts.getOrDefault("server", "ours-platform");
        System.out.printf(Locale.ROOT, "[%s] provisioning tenant %s (a first start, not measured)%n", label, TENANT);
        String token;
        Process first = launch(0);
        try {
            awaitHealth(first);
            token = new DurableChat(gen, opts, 0, TENANT).provision("\"messagesPerSecond\":100", 10, 1)[0];
            firstSocket(token);
        } finally {
            stop(first);
        }
        for (int i = 1; i <= repeat; i++) {
            long launched = System.nanoTime();
            Process server = launch(i);
            try {
                double healthMs = (awaitHealth(server) - launched) / 1e6;
                // CPU time, unlike the wall time, does not grow with other work on the machine
                double cpuS = ProcStats.cpuSeconds(Long.toString(server.pid()));
                double[] phases = firstSocket(token);
                double connectMs = Arrays.stream(phases).sum();
                long rssKib = ProcStats.rssKib(Long.toString(server.pid()));
                boolean pass = healthMs <= HEALTH_TARGET_MS && connectMs <= CONNECT_TARGET_MS;
                System.out.printf(
                        Locale.ROOT,
                        "[%s] start %d: /health 200 after %.0f ms (server CPU %.2f s), first CONNECT %.1f ms (%s), RSS %d"
                                + " MB%n",
                        label,
                        i,
                        healthMs,
                        cpuS,
                        connectMs,
                        phaseText(phases),
                        rssKib / 1024);
                gen.appendRow(String.join(
                        "\t",
                        "START",
                        label,
                        Integer.toString(i),
                        "",
                        LoadGen.fmt(healthMs),
                        LoadGen.fmt2(connectMs),
                        "",
                        "",
                        "",
                        "",
                        "",
                        LoadGen.fmt2(cpuS),
                        "",
                        Long.toString(rssKib / 1024),
                        "",
                        "",
                        "false",
                        Boolean.toString(pass),
                        ProcStats.loadAverage(),
                        "start to /health " + LoadGen.fmt(healthMs) + " ms; first CONNECT " + LoadGen.fmt2(connectMs)
                                + " ms (" + phaseText(phases) + ")"));
            } finally {
                stop(server);
            }
        }
        return 0;
    }

    /** The start command, split on spaces, with the platform's settings in its environment. */
    private Process launch(int index) throws IOException {
        List<String> command = new ArrayList<>(Arrays.asList(opts.get("command").split(" ")));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(new File(opts.get("log-prefix") + index + ".log"));
        Map<String, String> env = builder.environment();
        env.put("CHAT_PORT", Integer.toString(port));
        env.put("CHAT_ADMIN_PORT", opts.get("admin-port"));
        env.put("CHAT_TENANTS_DIR", Path.of(opts.get("tenants")).toString());
        env.put("CHAT_ADMIN_USER", opts.get("admin-user"));
        env.put("CHAT_ADMIN_PASSWORD", opts.get("admin-password"));
        env.put("CHAT_DEMO", "false");
        return builder.start();
    }

    /** Polls /health every 2 ms; returns System.nanoTime() of the first 200. */
    private long awaitHealth(Process server) throws Exception {
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .timeout(Duration.ofSeconds(2))
                .build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IOException("the server exited with " + server.exitValue() + " before /health answered");
            }
            try {
                if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return System.nanoTime();
                }
            } catch (IOException notListeningYet) {
                // connection refused: not up yet
            }
            Thread.sleep(2);
        }
        throw new IOException("/health did not answer 200 within 60 s");
    }

    /**
     * Milliseconds for a socket to join the tenant's namespace, from the TCP connect to the CONNECT reply, by step:
     * TCP, the upgrade's 101, Engine.IO OPEN, the CONNECT's reply (which step grew, when the whole does).
     */
    private double[] firstSocket(String token) throws IOException {
        SioConn conn = SioConn.connect(
                "127.0.0.1", port, "/socket.io/", null, 8 * 1024, "/" + TENANT, "{\"token\":\"" + token + "\"}");
        conn.close();
        return conn.connectPhasesMs();
    }

    private static String phaseText(double[] phases) {
        return String.format(
                Locale.ROOT,
                "TCP %.1f, upgrade %.1f, OPEN %.1f, CONNECT %.1f",
                phases[0],
                phases[1],
                phases[2],
                phases[3]);
    }

    /** SIGTERM (the server closes its stores), then SIGKILL past 30 s. */
    private static void stop(Process server) throws InterruptedException {
        server.destroy();
        if (!server.waitFor(30, TimeUnit.SECONDS)) {
            server.destroyForcibly();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
