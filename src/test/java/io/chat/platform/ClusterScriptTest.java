package io.chat.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.chat.socketio.engine.EngineConfig;
import io.chat.testing.MetricsText;
import io.chat.testing.SoakClients;
import io.chat.testing.SoakClients.Plan;
import io.chat.testing.SoakClients.Summary;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code scripts/cluster --nodes 2} for real: PostgreSQL, Redis, two nodes of this build and HAProxy, started by the
 * script on free ports in a temporary folder. Official Node socket.io-client users with their default options
 * (long-polling, then the upgrade to WebSocket) chat through HAProxy for longer than every server timer: none is
 * disconnected, every long-polling request of a session reaches the node that made it (HAProxy's log), and the
 * sessions are spread over both nodes. With the state shared, {@code kill -9} of one node while four more users
 * chat: its users reconnect through HAProxy to the other node and catch up, and no acknowledged message is lost or
 * duplicated ({@link #killOneNodeUnderLoad}). {@code scripts/cluster start|stop} on the running cluster starts the
 * killed node again, stops and starts Redis (then users on both nodes chat) and PostgreSQL
 * ({@link #partsStoppedAndStartedOnRequest}). Then SIGTERM: the script stops and leaves no process behind.
 *
 * <p>Waiting for the cluster wiring (the nodes sharing tenants through PostgreSQL and messages through Redis, landing
 * separately): today each node has its own tenants folder, so the tenant is provisioned on each node's own admin
 * port, and a message is asserted delivered only between users whose sessions share a node (three users on two
 * nodes: at least one pair does). Once a node reports the tenant as existing already (409: shared state), delivery
 * is asserted between every pair, across nodes.
 */
class ClusterScriptTest {
    private static final String LABEL = "ClusterScriptTest";
    private static final String TENANT = "cluster";
    private static final String ISSUER = "https://idp.cluster-test.example";
    private static final String SECRET = "a-cluster-test-secret-of-at-least-32-bytes";
    private static final List<String> USERS = List.of("alice", "bob", "carol");
    /** Longer than two ping intervals and than a ping interval plus its timeout (25 s + 20 s). */
    private static final long HOLD_MS = 62_000;

    private static final long SEND_EVERY_MS = 2_000;
    private static final long WARM_UP_MS = 12_000;
    private static final Pattern READY = Pattern.compile(
            "cluster ready: url=(http://\\S+) admin=(http://\\S+) redis=(redis://\\S+) postgres=(jdbc:postgresql://\\S+)");
    /** An HAProxy httplog line of the public entry with an Engine.IO sid: the node, the transport, the sid. */
    private static final Pattern SID_REQUEST = Pattern.compile(
            "public nodes/(\\S+) .*\"(?:GET|POST) /socket\\.io/\\?\\S*transport=(polling|websocket)\\S*[?&]sid=([^& \"]+)");

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final String adminPassword =
            Base64.getUrlEncoder().withoutPadding().encodeToString(java.security.SecureRandom.getSeed(18));

    private record Node(String name, int publicPort, int adminPort) {}

    @Test
    void aClusterBehindHaproxyKeepsDefaultClientsOnTheirNodeAndStopsCleanly() throws Exception {
        assertTrue(
                HOLD_MS > 2 * EngineConfig.DEFAULT_PING_INTERVAL.toMillis()
                        && HOLD_MS
                                > EngineConfig.DEFAULT_PING_INTERVAL
                                        .plus(EngineConfig.DEFAULT_PING_TIMEOUT)
                                        .toMillis(),
                "the clients must outlast the server's timers");
        SoakClients.ensureInstalled(LABEL);
        // PostgreSQL runs as its own user, which must pass through the folder (the script leaves an existing one be)
        Path dir = Files.createTempDirectory(
                "cluster-test", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
        Path stderr = dir.resolve("script-stderr.log");
        ProcessBuilder builder = new ProcessBuilder(
                        Path.of("scripts/cluster").toAbsolutePath().toString(), "--nodes", "2")
                .redirectError(stderr.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Map<String, String> env = builder.environment();
        env.put("CHAT_CLUSTER_DIR", dir.toString());
        env.put("CHAT_PORT", Integer.toString(freePort()));
        env.put("CHAT_ADMIN_PORT", Integer.toString(freePort()));
        env.put("CHAT_ADMIN_USER", "admin");
        env.put("CHAT_ADMIN_PASSWORD", adminPassword);
        env.put("CHAT_CLUSTER_CLASSPATH", System.getProperty("java.class.path"));
        env.put("CHAT_CLUSTER_JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC");
        env.put("JAVA_HOME", System.getProperty("java.home"));
        long started = System.nanoTime();
        Process script = builder.start();
        Set<ProcessHandle> startedProcesses = new HashSet<>();
        boolean passed = false;
        try {
            Matcher ready = awaitReady(script, stderr);
            System.out.printf(
                    "[%s] ready line after %.1f s: %s%n", LABEL, (System.nanoTime() - started) / 1e9, ready.group());
            String url = ready.group(1);
            List<Node> nodes = nodes(dir.resolve("run/nodes"));
            assertEquals(2, nodes.size(), "the nodes the script reports");
            startedProcesses.addAll(processesOf(script, dir));
            assertSecretsArePrivate(dir);
            assertStoreAndBusAnswer(ready.group(3), ready.group(4), dir);
            assertRedisPasswordNeverShown(ready.group(), startedProcesses, dir, stderr);

            // the admin entry balances to the nodes' admin listeners, with the one admin of every node
            assertEquals(
                    200, admin(ready.group(2), "GET", "/admin/tenants", null).statusCode());
            boolean sharedState = provisionOnEveryNode(nodes);
            System.out.println("[" + LABEL + "] tenant state shared between the nodes: " + sharedState
                    + (sharedState ? "" : " (cross-node delivery waits for the cluster wiring)"));

            String orphanSid = assertSessionsNeedTheirNode(url, nodes);

            List<Summary> clients = chat(url);
            awaitTunnelsLogged(clients, dir);
            startedProcesses.addAll(processesOf(script, dir));
            if (sharedState) {
                killOneNodeUnderLoad(url, dir);
                partsStoppedAndStartedOnRequest(url, dir, nodes);
                startedProcesses.addAll(processesOf(script, dir));
            }

            script.destroy(); // SIGTERM
            assertTrue(script.waitFor(120, TimeUnit.SECONDS), "scripts/cluster stopped within 120 s of SIGTERM");
            assertEquals(0, script.exitValue(), "exit status after SIGTERM");
            for (ProcessHandle process : startedProcesses) {
                assertGone(process);
            }
            assertTrue(Files.notExists(dir.resolve("postgres/data/postmaster.pid")), "PostgreSQL's pid file is gone");

            assertClientsKeptTheirNode(clients, haproxyLog(dir), sharedState, orphanSid);
            passed = true;
        } finally {
            if (script.isAlive()) {
                startedProcesses.addAll(processesOf(script, dir));
                script.descendants().forEach(ProcessHandle::destroyForcibly);
                script.destroyForcibly();
            }
            startedProcesses.addAll(processesOf(script, dir));
            startedProcesses.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
            System.out.println("[" + LABEL + "] scripts/cluster's stderr:\n" + Files.readString(stderr));
            if (passed) {
                deleteTree(dir);
            } else {
                System.out.println("[" + LABEL + "] kept for a look: " + dir + " (logs/, haproxy.cfg)");
            }
        }
    }

    /** The ready line on the script's stdout; fails with its stderr when it exits or takes too long first. */
    private static Matcher awaitReady(Process script, Path stderr) throws Exception {
        CompletableFuture<Matcher> ready = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("cluster-stdout").start(() -> {
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(script.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    System.out.println("[" + LABEL + "] stdout: " + line);
                    Matcher matcher = READY.matcher(line);
                    if (matcher.matches()) {
                        ready.complete(matcher);
                    }
                }
                ready.completeExceptionally(new AssertionError("scripts/cluster ended without its ready line"));
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
        });
        try {
            // a first run may install Debian's packages and create the database
            return ready.get(10, TimeUnit.MINUTES);
        } catch (Exception e) {
            return fail("no ready line from scripts/cluster (" + e + "); its stderr:\n" + Files.readString(stderr));
        }
    }

    private static List<Node> nodes(Path file) throws IOException {
        List<Node> nodes = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            String[] fields = line.split("\t");
            nodes.add(new Node(fields[0], Integer.parseInt(fields[1]), Integer.parseInt(fields[2])));
        }
        return nodes;
    }

    /**
     * The secrets, and everything else the script writes (logs, pids, configs, the nodes' folders), are its user's
     * only: the folders 0700, the files 0600 (logs/, run/ and haproxy.cfg were world-readable).
     */
    private static void assertSecretsArePrivate(Path dir) throws IOException {
        Path secrets = dir.resolve("secrets.env");
        assertEquals("rw-------", mode(secrets));
        assertTrue(Files.readString(secrets).contains("CHAT_POSTGRES_PASSWORD="), "the database password is kept");
        assertEquals("rwx--x--x", mode(dir), "the cluster's folder: PostgreSQL's user passes, no one lists it");
        for (String folder : List.of("logs", "run", "redis", "nodes", "postgres")) {
            assertEquals("rwx------", mode(dir.resolve(folder)), folder);
        }
        for (String folder : List.of("logs", "run", "redis")) {
            try (var files = Files.list(dir.resolve(folder))) {
                for (Path file : files.toList()) {
                    assertEquals("rw-------", mode(file), file.toString());
                }
            }
        }
        assertEquals("rw-------", mode(dir.resolve("haproxy.cfg")));
        try (var nodes = Files.list(dir.resolve("nodes"))) {
            for (Path node : nodes.toList()) {
                assertEquals("rwx------", mode(node), node.toString());
            }
        }
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    /**
     * What the nodes are given works: the platform's role logs in to its database over TCP with the password the
     * script keeps (with Debian's psql), and Redis answers the nodes' user, logged in with the password the script
     * keeps, and no one else.
     */
    private static void assertStoreAndBusAnswer(String redisUrl, String jdbcUrl, Path dir) throws Exception {
        Matcher postgres =
                Pattern.compile("jdbc:postgresql://([^:/]+):(\\d+)/(\\w+)").matcher(jdbcUrl);
        assertTrue(postgres.matches(), jdbcUrl);
        String password = secret(dir, "CHAT_POSTGRES_PASSWORD");
        String psql =
                io.chat.testing.TestMachine.executable("psql", "PostgreSQL's client (apt-get install postgresql)");
        ProcessBuilder query = new ProcessBuilder(
                        psql,
                        "-h",
                        postgres.group(1),
                        "-p",
                        postgres.group(2),
                        "-U",
                        "chat",
                        "-d",
                        postgres.group(3),
                        "-At",
                        "-c",
                        "select current_user || ' ' || current_database()")
                .redirectErrorStream(true);
        query.environment().put("PGPASSWORD", password);
        query.environment().put("PGCONNECT_TIMEOUT", "10");
        Process run = query.start();
        String answer = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(run.waitFor(60, TimeUnit.SECONDS), "psql finished");
        assertEquals("chat chat", answer, "the platform's role in its database");

        // Redis answers its nodes' user only: a stranger on the machine can neither read nor publish
        URI redis = URI.create(redisUrl);
        assertEquals("chat", redis.getUserInfo(), "the user the nodes log in as, and no password: " + redisUrl);
        assertTrue(redisReply(redis, "PING\r\n").startsWith("-NOAUTH"), "PING without logging in");
        assertTrue(
                redisReply(redis, "PUBLISH socket.io#/# forged\r\n").startsWith("-NOAUTH"),
                "PUBLISH without logging in");
        assertTrue(redisReply(redis, "AUTH default x\r\n").startsWith("-WRONGPASS"), "the default user is off");
        String redisPassword = secret(dir, "CHAT_REDIS_PASSWORD");
        assertEquals(
                "+OK\r\n+PONG\r\n",
                redisReply(redis, "AUTH chat " + redisPassword + "\r\nPING\r\n"),
                "the nodes' user with the password in secrets.env");
    }

    /** The first lines Redis answers to {@code commands} (as many lines as commands), on a new connection. */
    private static String redisReply(URI redis, String commands) throws IOException {
        try (java.net.Socket socket = new java.net.Socket(redis.getHost(), redis.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(commands.getBytes(StandardCharsets.US_ASCII));
            long lines = commands.chars().filter(c -> c == '\n').count();
            StringBuilder reply = new StringBuilder();
            int c;
            while (lines > 0 && (c = socket.getInputStream().read()) >= 0) {
                reply.append((char) c);
                if (c == '\n') {
                    lines--;
                }
            }
            return reply.toString();
        }
    }

    private static String secret(Path dir, String name) throws IOException {
        return Files.readAllLines(dir.resolve("secrets.env")).stream()
                .filter(l -> l.startsWith(name + "="))
                .map(l -> l.substring(name.length() + 1))
                .findFirst()
                .orElseThrow(() -> new AssertionError(name + " is not in secrets.env"));
    }

    /**
     * The Redis password is in no command line of the script's processes (anyone may read those), nor in the ready
     * line, the script's stderr or a log; Redis's config file, which holds it, is its owner's only.
     */
    private static void assertRedisPasswordNeverShown(
            String readyLine, Set<ProcessHandle> processes, Path dir, Path stderr) throws IOException {
        String password = secret(dir, "CHAT_REDIS_PASSWORD");
        assertFalse(readyLine.contains(password), readyLine);
        assertFalse(Files.readString(stderr).contains(password), "the script's stderr shows the Redis password");
        for (ProcessHandle process : processes) {
            String commandLine = process.info().commandLine().orElse("");
            assertFalse(commandLine.contains(password), "a command line shows the Redis password: " + process.pid());
        }
        try (var logs = Files.list(dir.resolve("logs"))) {
            for (Path log : logs.toList()) {
                assertFalse(
                        new String(Files.readAllBytes(log), StandardCharsets.ISO_8859_1).contains(password),
                        log + " shows the Redis password");
            }
        }
        assertEquals(
                "rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("redis/redis.conf"))));
    }

    /**
     * The JWT tenant on each node's own admin port: the same issuer and secret, so one token is good on any node.
     * True when a later node answers 409 (the tenant exists already: the nodes share their state).
     */
    private boolean provisionOnEveryNode(List<Node> nodes) throws Exception {
        String definition = "{\"id\":\"" + TENANT + "\",\"auth\":{\"type\":\"jwt\",\"issuer\":\"" + ISSUER
                + "\",\"secret\":\"" + SECRET + "\"}}";
        boolean shared = false;
        for (Node node : nodes) {
            HttpResponse<String> response =
                    admin("http://127.0.0.1:" + node.adminPort(), "POST", "/admin/tenants", definition);
            if (response.statusCode() == 409 && node != nodes.getFirst()) {
                shared = true;
            } else {
                assertEquals(201, response.statusCode(), node.name() + ": " + response.body());
            }
        }
        return shared;
    }

    /**
     * A long-polling handshake through HAProxy: its answer names the node in the browsers' cookie, and the session
     * is unknown to the other node (400 "Session ID unknown": why a balancer must be sticky); a handshake carrying
     * the other node's cookie is made on that node. Returns the first sid.
     */
    private String assertSessionsNeedTheirNode(String url, List<Node> nodes) throws Exception {
        HttpResponse<String> handshake = http.send(
                HttpRequest.newBuilder(URI.create(url + "/socket.io/?EIO=4&transport=polling"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, handshake.statusCode(), handshake.body());
        Matcher sid = Pattern.compile("\"sid\":\"([^\"]+)\"").matcher(handshake.body());
        assertTrue(sid.find(), handshake.body());
        String cookie = handshake.headers().allValues("set-cookie").stream()
                .filter(c -> c.startsWith("chat_node="))
                .findFirst()
                .orElseGet(() -> fail("no chat_node cookie for browsers: " + handshake.headers()));
        String home = cookie.substring("chat_node=".length()).split(";")[0];
        Node other =
                nodes.stream().filter(n -> !n.name().equals(home)).findFirst().orElseThrow();
        HttpResponse<String> elsewhere = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + other.publicPort()
                                + "/socket.io/?EIO=4&transport=polling&sid=" + sid.group(1)))
                        .POST(HttpRequest.BodyPublishers.ofString("1"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, elsewhere.statusCode(), "the session on " + home + " asked of " + other.name());
        assertTrue(elsewhere.body().contains("Session ID unknown"), elsewhere.body());
        // the same request through HAProxy reaches the session's node: "1" (close) ends it there
        HttpResponse<String> through = http.send(
                HttpRequest.newBuilder(URI.create(url + "/socket.io/?EIO=4&transport=polling&sid=" + sid.group(1)))
                        .POST(HttpRequest.BodyPublishers.ofString("1"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, through.statusCode(), through.body());
        // a browser's cookie takes it to its node: a handshake with the other node's cookie makes its session there
        HttpResponse<String> withCookie = http.send(
                HttpRequest.newBuilder(URI.create(url + "/socket.io/?EIO=4&transport=polling"))
                        .header("Cookie", "chat_node=" + other.name())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher cookieSid = Pattern.compile("\"sid\":\"([^\"]+)\"").matcher(withCookie.body());
        assertTrue(cookieSid.find(), withCookie.body());
        HttpResponse<String> onItsNode = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + other.publicPort()
                                + "/socket.io/?EIO=4&transport=polling&sid=" + cookieSid.group(1)))
                        .POST(HttpRequest.BodyPublishers.ofString("1"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, onItsNode.statusCode(), "the session made with " + other.name() + "'s cookie is there");
        return sid.group(1);
    }

    /** Node socket.io-client users with default options, one JWT each, chatting in one room through HAProxy. */
    private static List<Summary> chat(String url) throws Exception {
        try (ExecutorService runners = Executors.newVirtualThreadPerTaskExecutor()) {
            long startAt = System.currentTimeMillis() + WARM_UP_MS;
            Plan plan = new Plan(url, TENANT, "lobby", startAt, startAt + HOLD_MS, SEND_EVERY_MS, 4_000);
            List<Summary> clients = users(plan, USERS, runners).stream()
                    .map(CompletableFuture::join)
                    .toList();
            System.out.println("[" + LABEL + "] " + HOLD_MS / 1000 + " s through HAProxy:\n"
                    + clients.stream().map(Summary::describe).collect(Collectors.joining("\n")));
            return clients;
        }
    }

    /**
     * {@code kill -9} of node-1 while Node users with default options chat through HAProxy: its users reconnect
     * through the balancer to the other node (printed: how soon after the kill; asserted within three times the
     * issue's 5 s, for a busy CI box) and catch up with {@code room:join}'s {@code since}; every user then has every
     * acknowledged message of every other user, once, in order, and a gap-free run of seqs. A message whose ack the
     * kill lost may be there too (it was stored) or not.
     */
    private static void killOneNodeUnderLoad(String url, Path dir) throws Exception {
        long victimPid = firstNodePid(dir);
        List<Summary> clients;
        long killedAt;
        try (ExecutorService runners = Executors.newVirtualThreadPerTaskExecutor()) {
            long startAt = System.currentTimeMillis() + WARM_UP_MS;
            Plan plan = new Plan(url, TENANT, "failover", startAt, startAt + 16_000, 500, 8_000);
            List<CompletableFuture<Summary>> runs = users(plan, List.of("dave", "erin", "frank", "grace"), runners);
            Thread.sleep(Math.max(0, startAt + 5_000 - System.currentTimeMillis()));
            ProcessHandle victim = ProcessHandle.of(victimPid).orElseGet(() -> fail("node-1 is not running"));
            victim.destroyForcibly(); // SIGKILL
            killedAt = System.currentTimeMillis();
            victim.onExit().get(30, TimeUnit.SECONDS);
            clients = runs.stream().map(CompletableFuture::join).toList();
        }
        System.out.println("[" + LABEL + "] kill -9 of node-1 under load:\n"
                + clients.stream().map(Summary::describe).collect(Collectors.joining("\n")));
        List<String> problems = new ArrayList<>();
        int victims = 0;
        for (Summary client : clients) {
            if (client.connects() == 1 && client.disconnects().isEmpty()) {
                continue; // on the node that lived
            }
            victims++;
            long back = client.connectedAt().stream()
                    .filter(at -> at > killedAt)
                    .findFirst()
                    .map(at -> at - killedAt)
                    .orElse(-1L);
            System.out.println(
                    "[" + LABEL + "] " + client.name() + " reconnected through HAProxy " + back + " ms after the kill");
            if (back < 0 || back > 15_000) {
                problems.add(client.name() + " did not reconnect within 15 s of the kill: " + client.disconnects());
            }
        }
        assertTrue(victims > 0, "no user was on node-1, the kill tested nothing: " + clients);
        problems.addAll(deliveryProblems(clients));
        assertEquals(List.of(), problems, "after kill -9 of node-1");
    }

    /**
     * What users chatting in one room got: every acknowledged message of every other user, once, in order, with
     * gap-free seqs and no failed join (a message whose ack was lost may be there too).
     */
    private static List<String> deliveryProblems(List<Summary> clients) {
        List<String> problems = new ArrayList<>();
        for (Summary receiver : clients) {
            if (receiver.joinFailures() > 0 || receiver.duplicates() > 0) {
                problems.add(receiver.name() + ": " + receiver.joinFailures() + " failed joins, "
                        + receiver.duplicates() + " messages sent twice");
            }
            List<Long> seqs = receiver.seqs();
            for (int i = 1; i < seqs.size(); i++) {
                if (seqs.get(i) != seqs.get(i - 1) + 1) {
                    problems.add(receiver.name() + "'s seqs have a gap after " + seqs.get(i - 1) + ": " + seqs);
                    break;
                }
            }
            for (Summary sender : clients) {
                if (sender == receiver) {
                    continue;
                }
                List<String> got = receiver.received().getOrDefault(sender.name(), List.of());
                Set<String> unacked = sender.sendFailures().stream()
                        .map(failure -> failure.substring(0, failure.indexOf(':')))
                        .collect(Collectors.toSet());
                List<String> ackedGot =
                        got.stream().filter(text -> !unacked.contains(text)).toList();
                if (!ackedGot.equals(sender.sent()) || new HashSet<>(got).size() != got.size()) {
                    problems.add(receiver.name() + " got " + got + " of " + sender.name() + ", who had acks for "
                            + sender.sent() + " and none for " + unacked);
                }
            }
        }
        return problems;
    }

    /**
     * {@code scripts/cluster stop|start PART} against the running cluster, as a user tries the faults: node-1 (killed
     * above) started again and back in HAProxy; Redis stopped (the nodes report it lost; node-1 stopped and refused a
     * start meanwhile, a node needing Redis to start) and started again (node-1 too), then
     * users on both nodes chat through HAProxy and get every acknowledged message (cross-node delivery resumed);
     * PostgreSQL stopped (every node's {@code /health} 503) and started again (200, by themselves). Requests that
     * cannot be carried out are refused with a reason.
     */
    private void partsStoppedAndStartedOnRequest(String url, Path dir, List<Node> nodes) throws Exception {
        Control started = control(dir, "start", "node-1");
        assertEquals(0, started.status(), started.output());
        assertTrue(started.output().contains("node-1 is up"), started.output());
        long newPid = firstNodePid(dir);
        assertTrue(ProcessHandle.of(newPid).map(ProcessHandle::isAlive).orElse(false), "run/nodes has its new pid");
        assertEquals(200, health(nodes.getFirst()), "node-1 started again");
        Control again = control(dir, "start", "node-1");
        assertEquals(1, again.status(), again.output());
        assertTrue(again.output().contains("running already"), again.output());
        assertEquals(2, control(dir, "stop", "haproxy").status(), "a part the script does not offer");
        Control noSuchNode = control(dir, "stop", "node-9");
        assertEquals(1, noSuchNode.status(), noSuchNode.output());
        assertTrue(noSuchNode.output().contains("node-1 to node-2"), noSuchNode.output());

        Control redisStopped = control(dir, "stop", "redis");
        assertEquals(0, redisStopped.status(), redisStopped.output());
        for (Node node : nodes) {
            awaitMetric(node, "chat_cluster_redis_connected", 0);
        }
        Control nodeStopped = control(dir, "stop", "node-1");
        assertEquals(0, nodeStopped.status(), nodeStopped.output());
        assertEquals(
                "0", Files.readAllLines(dir.resolve("run/nodes")).getFirst().split("\t")[3], "no pid");
        Control withoutRedis = control(dir, "start", "node-1");
        assertEquals(1, withoutRedis.status(), withoutRedis.output());
        assertTrue(withoutRedis.output().contains("Redis is not running"), withoutRedis.output());
        Control redisStarted = control(dir, "start", "redis");
        assertEquals(0, redisStarted.status(), redisStarted.output());
        Control nodeBack = control(dir, "start", "node-1");
        assertEquals(0, nodeBack.status(), nodeBack.output());
        for (Node node : nodes) {
            awaitMetric(node, "chat_cluster_redis_connected", 1);
        }
        List<Summary> clients;
        try (ExecutorService runners = Executors.newVirtualThreadPerTaskExecutor()) {
            long startAt = System.currentTimeMillis() + WARM_UP_MS;
            Plan plan = new Plan(url, TENANT, "after-redis", startAt, startAt + 8_000, 1_000, 4_000);
            clients = users(plan, List.of("heidi", "ivan", "judy", "mallory"), runners).stream()
                    .map(CompletableFuture::join)
                    .toList();
        }
        System.out.println("[" + LABEL + "] after Redis was stopped and started again:\n"
                + clients.stream().map(Summary::describe).collect(Collectors.joining("\n")));
        awaitTunnelsLogged(clients, dir);
        Map<String, Set<String>> nodesOfUsers = new TreeMap<>();
        String log = haproxyLog(dir);
        for (Summary client : clients) {
            assertTrue(client.sent().size() >= 4, client.name() + " sent " + client.sent());
            for (String sid : client.sids()) {
                Matcher line = SID_REQUEST.matcher(log);
                while (line.find()) {
                    if (line.group(3).equals(sid)) {
                        nodesOfUsers
                                .computeIfAbsent(client.name(), k -> new TreeSet<>())
                                .add(line.group(1));
                    }
                }
            }
        }
        System.out.println("[" + LABEL + "] their nodes: " + nodesOfUsers);
        assertEquals(List.of(), deliveryProblems(clients), "after Redis was started again, users on " + nodesOfUsers);
        assertTrue(
                nodesOfUsers.values().stream().flatMap(Set::stream).distinct().count() > 1,
                "the users were on both nodes (else cross-node delivery was not tried): " + nodesOfUsers);

        Control postgresStopped = control(dir, "stop", "postgres");
        assertEquals(0, postgresStopped.status(), postgresStopped.output());
        for (Node node : nodes) {
            awaitHealth(node, 503);
        }
        Control postgresStarted = control(dir, "start", "postgres");
        assertEquals(0, postgresStarted.status(), postgresStarted.output());
        for (Node node : nodes) {
            awaitHealth(node, 200);
        }
    }

    private record Control(int status, String output) {}

    /** Node socket.io-client users with default options, a JWT each, following {@code plan} through HAProxy. */
    private static List<CompletableFuture<Summary>> users(Plan plan, List<String> names, ExecutorService runners) {
        return names.stream()
                .map(user -> SoakClients.node(plan, user, Jwts.hs256(SECRET, Jwts.claims(ISSUER, user)), runners))
                .toList();
    }

    /** node-1's pid as the script lists it now. */
    private static long firstNodePid(Path dir) throws IOException {
        return Long.parseLong(
                Files.readAllLines(dir.resolve("run/nodes")).getFirst().split("\t")[3]);
    }

    /** {@code scripts/cluster <verb> <part>} on the cluster's folder: its exit status, stdout and stderr. */
    private static Control control(Path dir, String verb, String part) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(
                        Path.of("scripts/cluster").toAbsolutePath().toString(), verb, part)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().put("CHAT_CLUSTER_DIR", dir.toString());
        long started = System.nanoTime();
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "scripts/cluster " + verb + " " + part + " ended");
        System.out.printf(
                "[%s] scripts/cluster %s %s: status %d after %.1f s: %s%n",
                LABEL, verb, part, process.exitValue(), (System.nanoTime() - started) / 1e9, output);
        return new Control(process.exitValue(), output);
    }

    private int health(Node node) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.publicPort() + "/health"))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private void awaitHealth(Node node, int status) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int last;
        while ((last = health(node)) != status) {
            assertTrue(System.nanoTime() < deadline, node.name() + "'s /health stayed " + last + ", not " + status);
            Thread.sleep(200);
        }
    }

    /** The node's admin {@code /metrics} sample {@code name} becomes {@code value} within 30 s. */
    private void awaitMetric(Node node, String name, double value) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String last = "";
        while (System.nanoTime() < deadline) {
            last = admin("http://127.0.0.1:" + node.adminPort(), "GET", "/metrics", null)
                    .body();
            if (MetricsText.value(last, name).orElse(Double.NaN) == value) {
                return;
            }
            Thread.sleep(200);
        }
        fail(node.name() + "'s " + name + " did not become " + value + ": "
                + last.lines().filter(l -> l.startsWith(name)).toList());
    }

    private static void assertClientsKeptTheirNode(
            List<Summary> clients, String haproxyLog, boolean sharedState, String orphanSid) {
        Map<String, Set<String>> nodesOfSid = new TreeMap<>();
        Map<String, Set<String>> transportsOfSid = new TreeMap<>();
        Matcher line = SID_REQUEST.matcher(haproxyLog);
        while (line.find()) {
            nodesOfSid.computeIfAbsent(line.group(3), k -> new TreeSet<>()).add(line.group(1));
            transportsOfSid.computeIfAbsent(line.group(3), k -> new TreeSet<>()).add(line.group(2));
        }
        assertEquals(1, nodesOfSid.getOrDefault(orphanSid, Set.of()).size(), "the handshake probe: " + nodesOfSid);
        List<String> problems = new ArrayList<>();
        Map<String, String> nodeOf = new LinkedHashMap<>();
        for (Summary client : clients) {
            if (client.connects() != 1 || !client.disconnects().isEmpty()) {
                problems.add(client.name() + " connected " + client.connects() + " times, disconnects "
                        + client.disconnects());
            }
            if (client.joinFailures() > 0 || !client.sendFailures().isEmpty()) {
                problems.add(client.name() + " had failed requests: " + client.joinFailures() + " joins, "
                        + client.sendFailures());
            }
            if (client.sent().size() < HOLD_MS / SEND_EVERY_MS - 2) {
                problems.add(client.name() + " sent only " + client.sent().size());
            }
            // that it polled first is read from HAProxy's log below: a client that is upgraded before its CONNECT
            // is answered reports only "websocket"
            if (!"websocket".equals(client.transport())) {
                problems.add(client.name() + " ended on " + client.transport());
            }
            assertEquals(1, client.sids().size(), client.name() + " reports its session id");
            String sid = client.sids().getFirst();
            Set<String> served = nodesOfSid.getOrDefault(sid, Set.of());
            if (served.size() != 1 || !transportsOfSid.get(sid).equals(Set.of("polling", "websocket"))) {
                problems.add(client.name() + "'s session " + sid + " went to " + served + " over "
                        + transportsOfSid.get(sid) + " (one node, polling and the upgrade, expected)");
            } else {
                nodeOf.put(client.name(), served.iterator().next());
            }
        }
        assertEquals(List.of(), problems, "HAProxy's log of the sessions: " + nodesOfSid);
        assertTrue(
                new HashSet<>(nodeOf.values()).size() > 1,
                "the sessions were spread over the nodes (else stickiness was not put to the test): " + nodeOf);
        int pairsChecked = 0;
        for (Summary receiver : clients) {
            for (Summary sender : clients) {
                if (sender == receiver) {
                    continue;
                }
                boolean sameNode = nodeOf.get(sender.name()).equals(nodeOf.get(receiver.name()));
                if (sameNode || sharedState) {
                    pairsChecked++;
                    assertEquals(
                            sender.sent(),
                            receiver.received().getOrDefault(sender.name(), List.of()),
                            receiver.name() + " (" + nodeOf.get(receiver.name()) + ") received every message of "
                                    + sender.name() + " (" + nodeOf.get(sender.name()) + "), once, in order");
                } else {
                    System.out.println("[" + LABEL + "] not asserted, waiting for the cluster wiring: "
                            + sender.name() + " on " + nodeOf.get(sender.name()) + " -> " + receiver.name() + " on "
                            + nodeOf.get(receiver.name()));
                }
            }
        }
        assertTrue(pairsChecked >= 2, "at least one pair of users shared a node: " + nodeOf);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /**
     * HAProxy logs a WebSocket's request when its tunnel closes, a moment after the client went: on a busy machine
     * that line came after the cluster was stopped (CI), and the session looked as if it had only polled.
     */
    private static void awaitTunnelsLogged(List<Summary> clients, Path dir) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            String log = haproxyLog(dir);
            if (clients.stream()
                    .flatMap(client -> client.sids().stream())
                    .allMatch(sid -> log.contains("transport=websocket&sid=" + sid)
                            || log.contains("sid=" + sid + "&transport=websocket"))) {
                return;
            }
            Thread.sleep(200);
        }
        // the assertion on the log says which session is missing
    }

    private static String haproxyLog(Path dir) throws IOException {
        return Files.readString(dir.resolve("logs/haproxy.log"));
    }

    /**
     * What the script started and is running now: its descendants (nodes, Redis, HAProxy) and PostgreSQL, which
     * pg_ctl detaches (its postmaster names the data folder; its workers are the postmaster's children).
     */
    private static Set<ProcessHandle> processesOf(Process script, Path dir) {
        Set<ProcessHandle> processes = new HashSet<>();
        script.descendants().forEach(processes::add);
        String data = dir.resolve("postgres/data").toString();
        ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(data)).orElse(false))
                .forEach(postmaster -> {
                    processes.add(postmaster);
                    postmaster.descendants().forEach(processes::add);
                });
        return processes;
    }

    private static void assertGone(ProcessHandle process) throws InterruptedException {
        try {
            process.onExit().get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // judged below
        }
        assertFalse(process.isAlive(), "still running after the script stopped: " + describe(process));
    }

    private static String describe(ProcessHandle process) {
        return process.pid() + " " + process.info().commandLine().orElse("?");
    }

    private HttpResponse<String> admin(String base, String method, String path, String body) throws Exception {
        String credentials =
                Base64.getEncoder().encodeToString(("admin:" + adminPassword).getBytes(StandardCharsets.UTF_8));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Basic " + credentials)
                .timeout(Duration.ofSeconds(30));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertNotNull(response);
        return response;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
