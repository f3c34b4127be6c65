package io.chat.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The platform as users run it, in a child JVM ({@code java -cp <classpath> io.chat.Main}, configured by the
 * environment), its standard output and error in a log file, so it can be killed, signalled, measured and grepped.
 * Used by the crash-recovery test and the hardening run.
 */
public final class ChildPlatform {
    public final Process process;
    public final int port;
    public final int adminPort;
    public final Path log;
    private final String adminUser;
    private final String adminPassword;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    /** From another loopback address (127.0.0.2), as a different client than the one flooding. */
    private final HttpClient other;

    private ChildPlatform(Process process, int port, int adminPort, Path log, String adminUser, String adminPassword) {
        this.process = process;
        this.port = port;
        this.adminPort = adminPort;
        this.log = log;
        this.adminUser = adminUser;
        this.adminPassword = adminPassword;
        this.other = OtherAddress.client();
    }

    /** A public call from 127.0.0.2. */
    public HttpResponse<String> callFromOtherAddress(String method, String path, String body) {
        try {
            return other.send(
                    request("http://127.0.0.1:" + port + path, method, body).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Starts the platform on the tenants folder, with that admin principal, and waits for {@code /health} to answer
     * 200; throws IllegalStateException (with the log's tail) if it exits or does not answer within 60 s.
     */
    public static ChildPlatform start(Path tenants, Path log, String adminUser, String adminPassword) throws Exception {
        return start(launch(tenants, log, adminUser, adminPassword));
    }

    /** Waits for a launched child to answer {@code /health}; kills it and throws when it does not. */
    public static ChildPlatform start(ChildPlatform child) throws Exception {
        try {
            child.awaitHealthy();
        } catch (IllegalStateException | InterruptedException e) {
            child.kill();
            throw e;
        }
        return child;
    }

    /** Starts the process and returns at once. */
    public static ChildPlatform launch(Path tenants, Path log, String adminUser, String adminPassword)
            throws IOException {
        return launch(tenants, log, adminUser, adminPassword, List.of(), Map.of());
    }

    /**
     * Starts the process and returns at once.
     *
     * @param wrapper a command the JVM runs under (e.g. {@code prlimit --nofile=...}), or empty
     * @param extraEnv more environment (settings such as {@code CHAT_MAX_CONNECTIONS_PER_ADDRESS})
     */
    public static ChildPlatform launch(
            Path tenants,
            Path log,
            String adminUser,
            String adminPassword,
            List<String> wrapper,
            Map<String, String> extraEnv)
            throws IOException {
        int port = freePort();
        int adminPort = freePort();
        List<String> command = new java.util.ArrayList<>(wrapper);
        command.addAll(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m",
                "-cp",
                System.getProperty("java.class.path"),
                "io.chat.Main"));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = builder.environment();
        env.putAll(extraEnv);
        env.put("CHAT_PORT", Integer.toString(port));
        env.put("CHAT_ADMIN_PORT", Integer.toString(adminPort));
        env.put("CHAT_TENANTS_DIR", tenants.toString());
        env.put("CHAT_ADMIN_USER", adminUser);
        env.put("CHAT_ADMIN_PASSWORD", adminPassword);
        env.put("CHAT_DEMO", "false");
        return new ChildPlatform(builder.start(), port, adminPort, log, adminUser, adminPassword);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    public void awaitHealthy() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the platform exited with " + process.exitValue() + ": " + logTail());
            }
            try {
                if (get("/health").statusCode() == 200) {
                    return;
                }
            } catch (RuntimeException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("no 200 from /health within 60 s: " + logTail());
    }

    public long pid() {
        return process.pid();
    }

    public String url() {
        return "http://localhost:" + port;
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(url() + path))
                .timeout(Duration.ofSeconds(10))
                .build());
    }

    public HttpResponse<String> admin(String method, String path, String body) {
        return admin(method, path, body, adminUser, adminPassword);
    }

    public HttpResponse<String> admin(String method, String path, String body, String user, String password) {
        String basic = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return send(request("http://127.0.0.1:" + adminPort + path, method, body)
                .header("Authorization", "Basic " + basic)
                .build());
    }

    public HttpResponse<String> call(String method, String path, String body, String bearer) {
        HttpRequest.Builder request = request(url() + path, method, body);
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return send(request.build());
    }

    private static HttpRequest.Builder request(String uri, String method, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return request;
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A gauge or counter of {@code /metrics} (summed over its labels). */
    public double metric(String name) {
        double sum = 0;
        for (String line : admin("GET", "/metrics", null).body().split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** Open file descriptors of the process (Linux). */
    public long fds() {
        try (var files = Files.list(Path.of("/proc", Long.toString(pid()), "fd"))) {
            return files.count();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Asks the JVM for a full GC (jcmd), so that heap figures compare live data. */
    public void gc() throws Exception {
        Process jcmd = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                        Long.toString(pid()),
                        "GC.run")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        jcmd.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGKILL, then waits for the process to be gone (up to 20 s); false if it is not. */
    public boolean kill() throws InterruptedException {
        process.destroyForcibly();
        return process.waitFor(20, TimeUnit.SECONDS);
    }

    /** SIGTERM; the exit code, or -1 (and SIGKILL) when it did not exit within the timeout. */
    public int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            kill();
            return -1;
        }
        return process.exitValue();
    }

    /** The last 8 lines of the log, on one line. */
    public String logTail() {
        return logTail(8, " | ");
    }

    public String logTail(int count, String separator) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(separator, lines.subList(Math.max(0, lines.size() - count), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
