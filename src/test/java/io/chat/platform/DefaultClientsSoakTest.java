package io.chat.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;

import io.chat.socketio.engine.EngineConfig;
import io.chat.testing.ExternalProcess;
import io.chat.testing.JavaClientEngine;
import io.chat.testing.TestMachine;
import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;

/**
 * The official clients as people run them: default options (long-polling, then the upgrade to WebSocket;
 * reconnection on), each a user of one tenant chatting in one room for longer than every server timer (the
 * upgrade timeout, three ping intervals, the connect timeout, the header deadline). Node's socket.io-client,
 * the Java client and Debian's Python client run side by side against one platform; afterwards each must have
 * connected once, never been disconnected, ended on WebSocket, and received every message the others had
 * acknowledged, once.
 *
 * <p>{@code -Dsoak.seconds=N} holds them longer (default 80: more than 3 × the 25 s ping interval).
 */
class DefaultClientsSoakTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SECONDS = Long.getLong("soak.seconds", 80);
    private static final long SEND_EVERY_MS = 2_000;
    private static final long LINGER_MS = 5_000;
    /** Time for every client to start, connect and join before the first message. */
    private static final long WARM_UP_MS = 20_000;
    private static final String TENANT = "soak";
    private static final String ROOM = "lobby";

    @Test
    void officialClientsWithDefaultOptionsStayConnectedAndLoseNothing() throws Exception {
        assertTrue(SECONDS * 1000 > 3 * EngineConfig.DEFAULT_PING_INTERVAL.toMillis(),
                   "the soak must outlast three ping intervals");
        Path node = TestMachine.projectDir("src/test/node", "package.json");
        TestMachine.npmInstalled("DefaultClientsSoakTest", node, "socket.io-client");
        String nodeExe = TestMachine.executable("node", "Node.js 20+ (apt-get install nodejs npm)");
        Path python = TestMachine.projectDir("src/test/python", "soak_client.py");
        String pythonExe = ensurePythonClient();

        try (PlatformServer server = PlatformServer.start()) {
            server.passwordTenant(TENANT, "node-user", "java-user", "python-user");
            long startAt = System.currentTimeMillis() + WARM_UP_MS;
            long endAt = startAt + SECONDS * 1000;
            long limitMinutes = TimeUnit.MILLISECONDS.toMinutes(WARM_UP_MS + SECONDS * 1000 + LINGER_MS) + 3;
            Map<String, String> nodeEnv = env(server, "node-user", startAt, endAt);
            Map<String, String> pythonEnv = env(server, "python-user", startAt, endAt);
            String javaToken = server.login(TENANT, "java-user");

            // a thread each: the common pool has one thread on two cores, and would run them one after the other
            ExecutorService runners = Executors.newVirtualThreadPerTaskExecutor();
            CompletableFuture<Summary> nodeRun = CompletableFuture.supplyAsync(() -> external(
                    "node", List.of(nodeExe, "soak-client.mjs"), node, nodeEnv, limitMinutes), runners);
            CompletableFuture<Summary> pythonRun = CompletableFuture.supplyAsync(() -> external(
                    "python", List.of(pythonExe, "-u", "soak_client.py"), python, pythonEnv, limitMinutes), runners);
            Summary java = javaClient(server.url(), javaToken, "java-user", startAt, endAt);
            List<Summary> all = List.of(nodeRun.join(), java, pythonRun.join());
            runners.close();

            StringBuilder report = new StringBuilder();
            for (Summary s : all) {
                report.append(String.format("%s (%s): connects %d, disconnects %s, transports %s, sent %d, failed sends %s, "
                                                    + "join failures %d, final transport %s%n",
                                            s.name(), s.client(), s.connects(), s.disconnects(), s.transports(),
                                            s.sent().size(), s.sendFailures(), s.joinFailures(), s.transport()));
            }
            System.out.println("[DefaultClientsSoakTest] " + SECONDS + " s:\n" + report);
            for (Summary s : all) {
                assertEquals(1, s.connects(), () -> s.name() + " connected more than once:\n" + report);
                assertEquals(List.of(), s.disconnects(), () -> s.name() + " was disconnected:\n" + report);
                assertEquals(0, s.joinFailures(), () -> s.name() + " could not join:\n" + report);
                assertEquals(List.of(), s.sendFailures(), () -> s.name() + " had sends fail:\n" + report);
                assertEquals("websocket", s.transport(), () -> s.name() + " did not end on WebSocket:\n" + report);
                assertTrue(s.sent().size() >= SECONDS * 1000 / SEND_EVERY_MS - 2,
                           () -> s.name() + " sent too little:\n" + report);
                for (Summary other : all) {
                    if (other != s) {
                        assertEquals(other.sent(), s.received().getOrDefault(other.name(), List.of()),
                                     () -> s.name() + " did not receive exactly what " + other.name()
                                             + " sent, in order:\n" + report);
                    }
                }
            }
        }
    }

    /** What one client saw; the same JSON shape from every language. */
    record Summary(String client, String name, int connects, List<String> disconnects, List<String> transports,
                   int joinFailures, List<String> sent, List<String> sendFailures,
                   Map<String, List<String>> received, String transport) {
        static Summary parse(String json) {
            try {
                JsonNode node = JSON.readTree(json);
                List<String> disconnects = new ArrayList<>();
                node.get("disconnects").forEach(d -> disconnects.add(d.toString()));
                Map<String, List<String>> received = new LinkedHashMap<>();
                node.get("received").fields().forEachRemaining(e -> received.put(e.getKey(), texts(e.getValue())));
                return new Summary(node.get("client").asText(), node.get("name").asText(), node.get("connects").asInt(),
                                   disconnects, texts(node.get("transports")), node.get("joinFailures").asInt(),
                                   texts(node.get("sent")), texts(node.get("sendFailures")), received,
                                   node.get("transport").isNull() ? null : node.get("transport").asText());
            } catch (java.io.IOException e) {
                throw new AssertionError("unreadable summary: " + json, e);
            }
        }

        private static List<String> texts(JsonNode array) {
            List<String> texts = new ArrayList<>();
            array.forEach(item -> texts.add(item.asText()));
            return texts;
        }
    }

    private static Map<String, String> env(PlatformServer server, String user, long startAt, long endAt) {
        return Map.of("SERVER_URL", server.url(), "TENANT", TENANT, "TOKEN", server.login(TENANT, user),
                      "NAME", user, "ROOM", ROOM, "START_AT", Long.toString(startAt), "END_AT", Long.toString(endAt),
                      "SEND_EVERY_MS", Long.toString(SEND_EVERY_MS), "LINGER_MS", Long.toString(LINGER_MS));
    }

    private static Summary external(String label, List<String> command, Path dir, Map<String, String> env,
                                    long limitMinutes) {
        try {
            ExternalProcess.Result result = ExternalProcess.run("soak-" + label, command, dir, env, limitMinutes);
            String line = result.lines().stream().filter(l -> l.startsWith("SOAK-SUMMARY ")).reduce((a, b) -> b)
                    .orElseThrow(() -> new AssertionError(label + " client printed no summary (exit "
                                                                  + result.exitCode() + "):\n" + result.tail()));
            return Summary.parse(line.substring("SOAK-SUMMARY ".length()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Debian's python3 with python3-socketio (installed with apt-get when missing, as root). */
    private static String ensurePythonClient() throws Exception {
        String python = "/usr/bin/python3";
        if (!pythonHasClient(python)) {
            TestMachine.aptInstall("DefaultClientsSoakTest",
                                   List.of("python3", "python3-socketio", "python3-websocket", "python3-requests"));
            assertTrue(pythonHasClient(python), "apt-get installed python3-socketio but " + python + " cannot import it");
        }
        return python;
    }

    private static boolean pythonHasClient(String python) {
        try {
            Process check = new ProcessBuilder(python, "-c", "import socketio, engineio, websocket, requests")
                    .redirectErrorStream(true).start();
            check.getInputStream().readAllBytes();
            return check.waitFor(60, TimeUnit.SECONDS) && check.exitValue() == 0;
        } catch (java.io.IOException | InterruptedException e) {
            return false;
        }
    }

    /** The official Java client with its default options, doing what the Node and Python scripts do. */
    private static Summary javaClient(String url, String token, String user, long startAt, long endAt)
            throws Exception {
        IO.Options options = new IO.Options();
        options.forceNew = true;
        options.auth = Map.of("token", token);
        Socket socket = IO.socket(URI.create(url + "/" + TENANT), options);
        AtomicInteger connects = new AtomicInteger();
        AtomicInteger joinFailures = new AtomicInteger();
        List<String> disconnects = new CopyOnWriteArrayList<>();
        List<String> transports = new CopyOnWriteArrayList<>();
        List<String> sent = new CopyOnWriteArrayList<>();
        List<String> sendFailures = new CopyOnWriteArrayList<>();
        Map<String, List<String>> received = new ConcurrentHashMap<>();
        String[] current = {null};
        JavaClientEngine.watch(socket.io(), name -> current[0] = current[0] == null ? name : current[0],
                               upgraded -> {
                                   current[0] = upgraded;
                                   transports.add(upgraded);
                               });
        socket.on(Socket.EVENT_CONNECT, args -> {
            connects.incrementAndGet();
            socket.emit("room:join", new Object[] {new JSONObject(Map.of("room", ROOM))}, (Ack) ack -> {
                if (!(ack.length == 1 && ack[0] instanceof JSONObject json && json.optBoolean("ok"))) {
                    joinFailures.incrementAndGet();
                }
            });
        });
        socket.on(Socket.EVENT_DISCONNECT, args -> {
            current[0] = null;
            disconnects.add(args.length > 0 ? String.valueOf(args[0]) : "disconnect");
        });
        socket.on(Socket.EVENT_CONNECT_ERROR, args -> disconnects.add("connect_error: "
                + (args.length > 0 ? String.valueOf(args[0]) : "")));
        socket.on("message", args -> {
            if (args.length > 0 && args[0] instanceof JSONObject message && ROOM.equals(message.optString("room"))) {
                received.computeIfAbsent(message.optString("from"), k -> new CopyOnWriteArrayList<>())
                        .add(message.optString("text"));
            }
        });
        socket.connect();
        try {
            Thread.sleep(Math.max(0, startAt - System.currentTimeMillis()));
            for (int n = 1; System.currentTimeMillis() < endAt; n++) {
                String text = user + "#" + n;
                CompletableFuture<Boolean> acked = new CompletableFuture<>();
                socket.emit("message:send", new Object[] {new JSONObject(Map.of("room", ROOM, "text", text,
                                                                                "clientId", text))},
                            (Ack) ack -> acked.complete(ack.length == 1 && ack[0] instanceof JSONObject json
                                                                && json.optBoolean("ok")));
                acked.orTimeout(10, TimeUnit.SECONDS).whenComplete((ok, error) -> {
                    if (Boolean.TRUE.equals(ok)) {
                        sent.add(text);
                    } else {
                        sendFailures.add(text + ": " + (error != null ? "no ack" : "refused"));
                    }
                });
                Thread.sleep(SEND_EVERY_MS);
            }
            Thread.sleep(Math.max(0, endAt + LINGER_MS - System.currentTimeMillis()));
            String transport = socket.connected() ? current[0] : null;
            return new Summary("java socket.io-client 2.1.2", user, connects.get(), List.copyOf(disconnects),
                               List.copyOf(transports), joinFailures.get(), List.copyOf(sent),
                               List.copyOf(sendFailures), Map.copyOf(received), transport);
        } finally {
            socket.disconnect();
            socket.io().off();
        }
    }
}
