package io.chat.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Redis server (Debian's {@code redis-server}, installed with apt-get when missing and the tests run as root) on
 * a free loopback port, in a temp dir, without persistence ({@code --save '' --appendonly no}). {@link #stop()} and
 * {@link #start()} restart it on the same port (a Redis outage); {@link #close()} kills it and deletes the dir.
 */
public final class RedisServer implements AutoCloseable {
    private static final long START_TIMEOUT_MS = 20_000;

    private final String executable;
    private final Path dir;
    private final int port;
    private Process process;

    private RedisServer(String executable, Path dir, int port) {
        this.executable = executable;
        this.dir = dir;
        this.port = port;
    }

    public static RedisServer start(String label) throws Exception {
        if (TestMachine.onPath("redis-server").isEmpty()) {
            TestMachine.aptInstall(label, List.of("redis-server"));
        }
        String executable = TestMachine.executable("redis-server", "Redis (apt-get install redis-server)");
        RedisServer server = new RedisServer(executable, Files.createTempDirectory("redis-test-"), freePort());
        try {
            server.start();
        } catch (Exception | AssertionError e) {
            server.close();
            throw e;
        }
        return server;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:port}. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts the server (again) on its port; returns once it answers PING. */
    public synchronized void start() throws Exception {
        if (process != null && process.isAlive()) {
            return;
        }
        process = new ProcessBuilder(
                        executable,
                        "--port",
                        Integer.toString(port),
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--appendonly",
                        "no",
                        "--dir",
                        dir.toString(),
                        "--logfile",
                        dir.resolve("redis.log").toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile())
                .start();
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (!"+PONG".equals(command("PING"))) {
            if (!process.isAlive() || System.currentTimeMillis() > deadline) {
                String log = Files.exists(dir.resolve("redis.log")) ? Files.readString(dir.resolve("redis.log")) : "";
                stop();
                fail("redis-server did not start on port " + port + ":\n" + log);
            }
            Thread.sleep(20);
        }
    }

    /** Kills the server (SIGKILL: an outage, not a shutdown) and waits until it is gone. */
    public synchronized void stop() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            process = null;
        }
    }

    /**
     * Sends one inline command and returns the first line of the reply, or null when the server cannot be reached.
     */
    public String command(String inline) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = socket.getInputStream().read()) >= 0 && c != '\n') {
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        } catch (IOException e) {
            return null;
        }
    }

    /** {@code PUBSUB NUMSUB channel}: the number of connections subscribed to it. */
    public int subscribers(String channel) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout(5000);
            byte[] name = channel.getBytes(StandardCharsets.UTF_8);
            String request = "*3\r\n$6\r\nPUBSUB\r\n$6\r\nNUMSUB\r\n$" + name.length + "\r\n" + channel + "\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            var in = new java.io.BufferedReader(
                    new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            in.readLine(); // *2
            in.readLine(); // $len
            in.readLine(); // channel
            return Integer.parseInt(in.readLine().substring(1));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void close() throws Exception {
        stop();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        }
    }
}
