package io.chat.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL from Debian's binaries ({@code /usr/lib/postgresql/<version>/bin}), in a temp folder of its own,
 * on a free port of 127.0.0.1, with {@code fsync} on (the tests check durability). Installed with apt-get when missing
 * and the tests run as root. PostgreSQL refuses to run as root: as root, initdb and the server run as the
 * {@code postgres} OS user, which owns the temp folder.
 *
 * <p>The server can be stopped (fast shutdown), killed ({@code kill -9} of the postmaster and its children) and
 * started again on the same data and port. {@link #close()} stops it (immediately) and deletes the folder; a JVM
 * shutdown hook does the same if a test forgets.
 */
public final class PostgresServer implements AutoCloseable {
    public static final String OWNER = "chat_owner";
    private static final String LABEL = "postgres";
    private static final long COMMAND_MINUTES = 2;

    private final Path bin;
    private final Path folder;
    private final Path data;
    private final int port;
    private final String password = UUID.randomUUID().toString();
    private final boolean asPostgresUser;
    private final Thread cleanup;
    private boolean running;

    private PostgresServer(Path bin, Path folder, int port, boolean asPostgresUser) {
        this.bin = bin;
        this.folder = folder;
        this.data = folder.resolve("data");
        this.port = port;
        this.asPostgresUser = asPostgresUser;
        this.cleanup = new Thread(
                () -> {
                    stopImmediately();
                    deleteFolder();
                },
                "postgres-cleanup");
    }

    /** Creates a cluster in a new temp folder and starts it. */
    private static PostgresServer shared; // guarded by PostgresServer.class

    /**
     * The server the test classes of this JVM share (they run one after another; initdb and a start cost seconds),
     * started the first time, and again if a test stopped it and failed. Its shutdown hook stops it when the JVM
     * ends. Each class makes its own database ({@link #createDatabase}).
     */
    public static synchronized PostgresServer shared() throws Exception {
        if (shared == null) {
            shared = start();
        }
        if (!shared.isRunning()) {
            shared.startAgain();
        }
        return shared;
    }

    public static PostgresServer start() throws Exception {
        Path bin = binaries();
        boolean root = TestMachine.isRoot();
        Path folder = Files.createTempDirectory("chat-pg-");
        PostgresServer server = new PostgresServer(bin, folder, freePort(), root);
        Runtime.getRuntime().addShutdownHook(server.cleanup);
        try {
            server.init();
            server.startAgain();
        } catch (Throwable e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** The newest installed server's bin folder, installing Debian's {@code postgresql} first if there is none. */
    private static Path binaries() throws Exception {
        Optional<Path> found = newestBin();
        if (found.isEmpty()) {
            TestMachine.aptInstall(LABEL, List.of("postgresql"));
            found = newestBin();
        }
        return found.orElseGet(() -> fail("no PostgreSQL server under /usr/lib/postgresql after installing it"));
    }

    private static Optional<Path> newestBin() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.filter(v -> Files.isExecutable(v.resolve("bin/initdb")))
                    .max(Comparator.comparingInt(
                            v -> parseVersion(v.getFileName().toString())))
                    .map(v -> v.resolve("bin"));
        }
    }

    private static int parseVersion(String name) {
        try {
            return Integer.parseInt(name);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void init() throws Exception {
        Path passwordFile = folder.resolve("pwfile");
        Files.writeString(passwordFile, password + "\n");
        if (asPostgresUser) {
            run(List.of("chown", "-R", "postgres:postgres", folder.toString()), false);
        }
        run(
                List.of(
                        bin.resolve("initdb").toString(),
                        "-D",
                        data.toString(),
                        "-U",
                        OWNER,
                        "--pwfile=" + passwordFile,
                        "--auth-local=trust",
                        "--auth-host=scram-sha-256",
                        "--encoding=UTF8",
                        "--locale=C",
                        "--no-sync"),
                true);
    }

    /** Starts the server (again) on the same data folder and port; waits until it accepts connections. */
    public synchronized void startAgain() throws Exception {
        run(
                List.of(
                        bin.resolve("pg_ctl").toString(),
                        "-D",
                        data.toString(),
                        "-l",
                        folder.resolve("server.log").toString(),
                        "-w",
                        "-t",
                        "60",
                        "-o",
                        String.join(
                                " ",
                                "-p " + port,
                                "-k " + folder,
                                "-c listen_addresses=127.0.0.1",
                                "-c fsync=on",
                                "-c synchronous_commit=on",
                                // crash recovery syncs the data folder with one syncfs, not a walk of fsyncs
                                "-c recovery_init_sync_method=syncfs",
                                "-c max_connections=200",
                                "-c shared_buffers=128MB"),
                        "start"),
                true);
        running = true;
    }

    /** Fast shutdown: open sessions are cut, the server exits cleanly. */
    public synchronized void stop() throws Exception {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "stop"), true);
        running = false;
    }

    /** {@code kill -9} of the postmaster and of every process it started: a crash, recovered at the next start. */
    public synchronized void kill() throws Exception {
        long pid = Long.parseLong(
                Files.readAllLines(data.resolve("postmaster.pid")).getFirst().trim());
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseGet(() -> fail("postmaster " + pid + " is not running"));
        List<ProcessHandle> all = new ArrayList<>(postmaster.descendants().toList());
        all.addFirst(postmaster);
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle process : all) {
            process.onExit().get(30, TimeUnit.SECONDS);
        }
        running = false;
    }

    /** CPU time used so far by the postmaster and every process it runs now (backends, WAL writer, checkpointer). */
    public synchronized java.time.Duration cpuTime() throws IOException {
        long pid = Long.parseLong(
                Files.readAllLines(data.resolve("postmaster.pid")).getFirst().trim());
        return ProcessHandle.of(pid)
                .map(postmaster -> Stream.concat(Stream.of(postmaster), postmaster.descendants())
                        .map(process -> process.info().totalCpuDuration().orElse(java.time.Duration.ZERO))
                        .reduce(java.time.Duration.ZERO, java.time.Duration::plus))
                .orElse(java.time.Duration.ZERO);
    }

    public int port() {
        return port;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** The cluster's owner (a superuser), who owns the databases made here and runs migrations. */
    public String ownerUser() {
        return OWNER;
    }

    public String ownerPassword() {
        return password;
    }

    /** Creates a database owned by the owner; returns its JDBC URL. */
    public String createDatabase(String name) throws SQLException {
        return createDatabase(name, "");
    }

    /**
     * As {@link #createDatabase(String)}, with the rest of the {@code CREATE DATABASE} statement (a test's own text,
     * such as a collation other than the server's C).
     */
    public String createDatabase(String name, String options) throws SQLException {
        if (!name.matches("[a-z][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("not a plain database name: " + name);
        }
        try (Connection connection = DriverManager.getConnection(jdbcUrl("postgres"), OWNER, password);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name + (options.isEmpty() ? "" : " " + options));
        }
        return jdbcUrl(name);
    }

    /** An owner connection to {@code database}, for a test's own checks. */
    public Connection ownerConnection(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), OWNER, password);
    }

    @Override
    public synchronized void close() {
        stopImmediately();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs anyway
        }
        deleteFolder();
    }

    private synchronized void stopImmediately() {
        if (Files.exists(data.resolve("postmaster.pid"))) {
            try {
                run(
                        List.of(
                                bin.resolve("pg_ctl").toString(),
                                "-D",
                                data.toString(),
                                "-m",
                                "immediate",
                                "-w",
                                "stop"),
                        true);
            } catch (Throwable e) {
                try {
                    kill();
                } catch (Throwable ignored) {
                    // nothing running, or already gone
                }
            }
        }
        running = false;
    }

    private void deleteFolder() {
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a temp folder left behind is harmless
        }
    }

    public synchronized boolean isRunning() {
        return running;
    }

    private void run(List<String> command, boolean asServerUser) throws Exception {
        List<String> full = new ArrayList<>();
        if (asServerUser && asPostgresUser) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        ExternalProcess.Result result = ExternalProcess.run(LABEL, full, folder, Map.of(), COMMAND_MINUTES);
        assertEquals(0, result.exitCode(), () -> String.join(" ", command) + " failed:\n" + result.tail());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
