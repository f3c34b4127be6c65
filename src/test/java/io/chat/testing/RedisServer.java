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
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Redis server (Debian's {@code redis-server}, installed with apt-get when missing and the tests run as root) on
 * a free loopback port, in a temp dir, without persistence ({@code --save '' --appendonly no}). {@link #stop()} and
 * {@link #start()} restart it on the same port (a Redis outage); {@link #close()} kills it and deletes the dir.
 *
 * <p>{@link #startAuthenticated} starts it as {@code scripts/cluster} does: the default user off and one user,
 * {@value #USER}, with a random password and the rights of {@code scripts/lib/redis-node.acl}, all in a config file
 * only its owner reads (never on the command line); {@link #uri()} then holds the credentials.
 */
public final class RedisServer implements AutoCloseable {
    private static final long START_TIMEOUT_MS = 20_000;
    /** The user the nodes log in as, with {@link #startAuthenticated}. */
    public static final String USER = "chat";
    /** The nodes' rights, shared with {@code scripts/cluster}. */
    private static final Path NODE_RIGHTS = Path.of("scripts/lib/redis-node.acl");

    private final String executable;
    private final Path dir;
    private final int port;
    /** Empty when anyone may connect. */
    private final Optional<String> password;

    private Process process;

    private RedisServer(String executable, Path dir, int port, Optional<String> password) {
        this.executable = executable;
        this.dir = dir;
        this.port = port;
        this.password = password;
    }

    /** Redis as it was: anyone on the machine may connect. */
    public static RedisServer start(String label) throws Exception {
        return start(label, Optional.empty());
    }

    /** Redis as {@code scripts/cluster} starts it: only user {@value #USER}, with its password, may do anything. */
    public static RedisServer startAuthenticated(String label) throws Exception {
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        return start(label, Optional.of(HexFormat.of().formatHex(random)));
    }

    private static RedisServer start(String label, Optional<String> password) throws Exception {
        if (TestMachine.onPath("redis-server").isEmpty()) {
            TestMachine.aptInstall(label, List.of("redis-server"));
        }
        String executable = TestMachine.executable("redis-server", "Redis (apt-get install redis-server)");
        RedisServer server = new RedisServer(
                executable,
                Files.createTempDirectory(
                        "redis-test-",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))),
                freePort(),
                password);
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

    /** {@code redis://127.0.0.1:port}, or {@code redis://chat:password@127.0.0.1:port} when authenticated. */
    public String uri() {
        return "redis://" + password.map(p -> USER + ":" + p + "@").orElse("") + "127.0.0.1:" + port;
    }

    /** Starts the server (again) on its port; returns once it answers PING. */
    public synchronized void start() throws Exception {
        if (process != null && process.isAlive()) {
            return;
        }
        process = new ProcessBuilder(executable, config().toString())
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

    /** Its config file, readable by its owner only: it may hold the password. */
    private Path config() throws IOException {
        StringBuilder config = new StringBuilder()
                .append("port ")
                .append(port)
                .append("\nbind 127.0.0.1\nprotected-mode yes\nsave \"\"\nappendonly no\n")
                .append("dir ")
                .append(dir)
                .append("\nlogfile ")
                .append(dir.resolve("redis.log"))
                .append('\n');
        if (password.isPresent()) {
            config.append("user default off\nuser ")
                    .append(USER)
                    .append(" on >")
                    .append(password.get())
                    .append(' ')
                    .append(nodeRights())
                    .append('\n');
        }
        Path file = dir.resolve("redis.conf");
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, config);
        return file;
    }

    private static String nodeRights() throws IOException {
        return Files.readAllLines(NODE_RIGHTS).stream()
                .filter(line -> !line.isBlank() && !line.startsWith("#"))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(NODE_RIGHTS + " holds no rights"));
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
     * Sends one inline command, logged in as {@value #USER} when authenticated, and returns the first line of the
     * reply, or null when the server cannot be reached.
     */
    public String command(String inline) {
        return send(inline, true);
    }

    /** As {@link #command}, without logging in first: what a stranger on the machine gets. */
    public String anonymousCommand(String inline) {
        return send(inline, false);
    }

    private String send(String inline, boolean logIn) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout(5000);
            if (logIn) {
                logIn(socket);
            }
            OutputStream out = socket.getOutputStream();
            out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return readLine(socket);
        } catch (IOException e) {
            return null;
        }
    }

    /** {@code AUTH} when authenticated; fails unless Redis accepts it. */
    private void logIn(Socket socket) throws IOException {
        if (password.isEmpty()) {
            return;
        }
        socket.getOutputStream().write(resp("AUTH", USER, password.get()));
        String reply = readLine(socket);
        if (!"+OK".equals(reply)) {
            throw new IOException("AUTH refused: " + reply);
        }
    }

    private static byte[] resp(String... words) {
        StringBuilder command = new StringBuilder("*").append(words.length).append("\r\n");
        for (String word : words) {
            command.append('$')
                    .append(word.getBytes(StandardCharsets.UTF_8).length)
                    .append("\r\n")
                    .append(word)
                    .append("\r\n");
        }
        return command.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String readLine(Socket socket) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = socket.getInputStream().read()) >= 0 && c != '\n') {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    /** {@code PUBSUB NUMSUB channel}: the number of connections subscribed to it. */
    public int subscribers(String channel) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout(5000);
            logIn(socket);
            socket.getOutputStream().write(resp("PUBSUB", "NUMSUB", channel));
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
