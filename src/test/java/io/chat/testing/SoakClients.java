package io.chat.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.json.JSONObject;

/**
 * Official Socket.IO clients as people run them, with their default options (long-polling, then the upgrade to
 * WebSocket; reconnection on): Node's socket.io-client ({@code src/test/node/soak-client.mjs}), Debian's
 * python3-socketio ({@code src/test/python/soak_client.py}) and the Java client, each one user of a tenant who
 * joins a room and sends a message every {@link Plan#sendEveryMillis()} between two instants, and reports what it
 * saw as a {@link Summary}. Used by {@code DefaultClientsSoakTest} and the soak of {@code scripts/hardening}.
 */
public final class SoakClients {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PYTHON = "/usr/bin/python3";

    private SoakClients() {}

    /**
     * When and where the clients chat.
     *
     * @param url     the server's public URL
     * @param tenant  the tenant (namespace without its slash)
     * @param room    the room every client joins
     * @param startAt epoch millis of the first message (every client is connected and joined by then)
     * @param endAt   epoch millis after which no message is sent
     */
    public record Plan(
            String url, String tenant, String room, long startAt, long endAt, long sendEveryMillis, long lingerMillis) {
        long limitMinutes() {
            return TimeUnit.MILLISECONDS.toMinutes(Math.max(0, endAt - System.currentTimeMillis()) + lingerMillis) + 3;
        }

        Map<String, String> env(String user, String token) {
            return Map.of(
                    "SERVER_URL",
                    url,
                    "TENANT",
                    tenant,
                    "TOKEN",
                    token,
                    "NAME",
                    user,
                    "ROOM",
                    room,
                    "START_AT",
                    Long.toString(startAt),
                    "END_AT",
                    Long.toString(endAt),
                    "SEND_EVERY_MS",
                    Long.toString(sendEveryMillis),
                    "LINGER_MS",
                    Long.toString(lingerMillis));
        }
    }

    /**
     * What one client saw; the same JSON shape from every language. {@code sids} are the Engine.IO session ids of
     * its connections, when the client reports them (the Node client does: a balancer's log is checked by them).
     * The Node client also reports {@code connectedAt} (epoch millis of each connect), {@code seqs} (every seq of
     * the room it got, live or in a catch-up after a reconnection, once each, in order) and {@code duplicates}
     * (messages the server sent it live twice); the others report none (empty lists, 0).
     */
    public record Summary(
            String client,
            String name,
            int connects,
            List<String> disconnects,
            List<String> transports,
            List<String> sids,
            int joinFailures,
            List<String> sent,
            List<String> sendFailures,
            Map<String, List<String>> received,
            String transport,
            List<Long> connectedAt,
            List<Long> seqs,
            int duplicates) {
        static Summary parse(String json) {
            try {
                JsonNode node = JSON.readTree(json);
                List<String> disconnects = new ArrayList<>();
                node.get("disconnects").forEach(d -> disconnects.add(d.toString()));
                Map<String, List<String>> received = new LinkedHashMap<>();
                node.get("received").fields().forEachRemaining(e -> received.put(e.getKey(), texts(e.getValue())));
                return new Summary(
                        node.get("client").asText(),
                        node.get("name").asText(),
                        node.get("connects").asInt(),
                        disconnects,
                        texts(node.get("transports")),
                        node.has("sids") ? texts(node.get("sids")) : List.of(),
                        node.get("joinFailures").asInt(),
                        texts(node.get("sent")),
                        texts(node.get("sendFailures")),
                        received,
                        node.get("transport").isNull()
                                ? null
                                : node.get("transport").asText(),
                        numbers(node.get("connectedAt")),
                        numbers(node.get("seqs")),
                        node.path("duplicates").asInt());
            } catch (IOException e) {
                throw new AssertionError("unreadable summary: " + json, e);
            }
        }

        private static List<Long> numbers(JsonNode array) {
            List<Long> numbers = new ArrayList<>();
            if (array != null) {
                array.forEach(item -> numbers.add(item.asLong()));
            }
            return numbers;
        }

        private static List<String> texts(JsonNode array) {
            List<String> texts = new ArrayList<>();
            array.forEach(item -> texts.add(item.asText()));
            return texts;
        }

        /** One line for a report. */
        public String describe() {
            return String.format(
                    "%s (%s): connects %d, disconnects %s, sent %d, failed sends %s, join failures %d, "
                            + "final transport %s",
                    name, client, connects, disconnects, sent.size(), sendFailures, joinFailures, transport);
        }
    }

    /**
     * What went wrong for these clients chatting together: each connected once, was never disconnected, joined,
     * had every send acknowledged, sent at least {@code minSent}, ended on WebSocket, and received exactly what
     * each other client had sent (in order, once). Empty when all is well.
     */
    public static List<String> problems(List<Summary> clients, int minSent) {
        List<String> problems = new ArrayList<>();
        for (Summary s : clients) {
            if (s.connects() != 1) {
                problems.add(s.name() + " connected " + s.connects() + " times");
            }
            if (!s.disconnects().isEmpty()) {
                problems.add(s.name() + " was disconnected: " + s.disconnects());
            }
            if (s.joinFailures() > 0 || !s.sendFailures().isEmpty()) {
                problems.add(s.name() + " had failed requests: " + s.joinFailures() + " joins, " + s.sendFailures());
            }
            if (s.sent().size() < minSent) {
                problems.add(s.name() + " sent only " + s.sent().size());
            }
            if (!"websocket".equals(s.transport())) {
                problems.add(s.name() + " ended on " + s.transport());
            }
            if (s.duplicates() > 0) {
                problems.add(s.name() + " was sent " + s.duplicates() + " messages twice");
            }
            for (Summary other : clients) {
                List<String> got = s.received().getOrDefault(other.name(), List.of());
                if (other != s && !got.equals(other.sent())) {
                    problems.add(s.name() + " received " + got.size() + " of the "
                            + other.sent().size() + " messages of " + other.name() + " (or not in order, or twice)");
                }
            }
        }
        return problems;
    }

    /** Installs what the external clients need (npm packages, Debian's python3-socketio) when missing. */
    public static void ensureInstalled(String label) throws Exception {
        TestMachine.npmInstalled(label, nodeDir(), "socket.io-client");
        TestMachine.executable("node", "Node.js 20+ (apt-get install nodejs npm)");
        if (!pythonHasClient()) {
            TestMachine.aptInstall(
                    label, List.of("python3", "python3-socketio", "python3-websocket", "python3-requests"));
            assertTrue(pythonHasClient(), "apt-get installed python3-socketio but " + PYTHON + " cannot import it");
        }
    }

    public static CompletableFuture<Summary> node(Plan plan, String user, String token, ExecutorService runner) {
        String node = TestMachine.executable("node", "Node.js 20+ (apt-get install nodejs npm)");
        return external("node-" + user, List.of(node, "soak-client.mjs"), nodeDir(), plan, user, token, runner);
    }

    public static CompletableFuture<Summary> python(Plan plan, String user, String token, ExecutorService runner) {
        Path dir = TestMachine.projectDir("src/test/python", "soak_client.py");
        return external("python-" + user, List.of(PYTHON, "-u", "soak_client.py"), dir, plan, user, token, runner);
    }

    /** The Java client with its default options, doing what the Node and Python scripts do. */
    public static CompletableFuture<Summary> java(Plan plan, String user, String token, ExecutorService runner) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return javaClient(plan, user, token);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                },
                runner);
    }

    private static Path nodeDir() {
        return TestMachine.projectDir("src/test/node", "package.json");
    }

    private static CompletableFuture<Summary> external(
            String label,
            List<String> command,
            Path dir,
            Plan plan,
            String user,
            String token,
            ExecutorService runner) {
        Map<String, String> env = plan.env(user, token);
        long limit = plan.limitMinutes();
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        ExternalProcess.Result result = ExternalProcess.run("soak-" + label, command, dir, env, limit);
                        String line = result.lines().stream()
                                .filter(l -> l.startsWith("SOAK-SUMMARY "))
                                .reduce((a, b) -> b)
                                .orElseThrow(() -> new AssertionError(label + " printed no summary (exit "
                                        + result.exitCode() + "):\n" + result.tail()));
                        return Summary.parse(line.substring("SOAK-SUMMARY ".length()));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                },
                runner);
    }

    private static boolean pythonHasClient() {
        try {
            Process check = new ProcessBuilder(PYTHON, "-c", "import socketio, engineio, websocket, requests")
                    .redirectErrorStream(true)
                    .start();
            check.getInputStream().readAllBytes();
            return check.waitFor(60, TimeUnit.SECONDS) && check.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static Summary javaClient(Plan plan, String user, String token) throws InterruptedException {
        IO.Options options = new IO.Options();
        options.forceNew = true;
        options.auth = Map.of("token", token);
        Socket socket = IO.socket(URI.create(plan.url() + "/" + plan.tenant()), options);
        AtomicInteger connects = new AtomicInteger();
        AtomicInteger joinFailures = new AtomicInteger();
        List<String> disconnects = new CopyOnWriteArrayList<>();
        List<String> transports = new CopyOnWriteArrayList<>();
        List<String> sent = new CopyOnWriteArrayList<>();
        List<String> sendFailures = new CopyOnWriteArrayList<>();
        Map<String, List<String>> received = new ConcurrentHashMap<>();
        String[] current = {null};
        JavaClientEngine.watch(
                socket.io(), created -> current[0] = current[0] == null ? created : current[0], upgraded -> {
                    current[0] = upgraded;
                    transports.add(upgraded);
                });
        socket.on(Socket.EVENT_CONNECT, args -> {
            connects.incrementAndGet();
            socket.emit("room:join", new Object[] {new JSONObject(Map.of("room", plan.room()))}, (Ack) ack -> {
                if (!(ack.length == 1 && ack[0] instanceof JSONObject json && json.optBoolean("ok"))) {
                    joinFailures.incrementAndGet();
                }
            });
        });
        socket.on(Socket.EVENT_DISCONNECT, args -> {
            current[0] = null;
            disconnects.add(args.length > 0 ? String.valueOf(args[0]) : "disconnect");
        });
        socket.on(
                Socket.EVENT_CONNECT_ERROR,
                args -> disconnects.add("connect_error: " + (args.length > 0 ? String.valueOf(args[0]) : "")));
        socket.on("message", args -> {
            if (args.length > 0
                    && args[0] instanceof JSONObject message
                    && plan.room().equals(message.optString("room"))) {
                received.computeIfAbsent(message.optString("from"), k -> new CopyOnWriteArrayList<>())
                        .add(message.optString("text"));
            }
        });
        socket.connect();
        try {
            Thread.sleep(Math.max(0, plan.startAt() - System.currentTimeMillis()));
            for (int n = 1; System.currentTimeMillis() < plan.endAt(); n++) {
                String text = user + "#" + n;
                CompletableFuture<Boolean> acked = new CompletableFuture<>();
                socket.emit(
                        "message:send",
                        new Object[] {new JSONObject(Map.of("room", plan.room(), "text", text, "clientId", text))},
                        (Ack) ack -> acked.complete(
                                ack.length == 1 && ack[0] instanceof JSONObject json && json.optBoolean("ok")));
                acked.orTimeout(10, TimeUnit.SECONDS).whenComplete((ok, error) -> {
                    if (Boolean.TRUE.equals(ok)) {
                        sent.add(text);
                    } else {
                        sendFailures.add(text + ": " + (error != null ? "no ack" : "refused"));
                    }
                });
                Thread.sleep(plan.sendEveryMillis());
            }
            Thread.sleep(Math.max(0, plan.endAt() + plan.lingerMillis() - System.currentTimeMillis()));
            String transport = socket.connected() ? current[0] : null;
            return new Summary(
                    "java socket.io-client 2.1.2",
                    user,
                    connects.get(),
                    List.copyOf(disconnects),
                    List.copyOf(transports),
                    List.of(),
                    joinFailures.get(),
                    List.copyOf(sent),
                    List.copyOf(sendFailures),
                    Map.copyOf(received),
                    transport,
                    List.of(),
                    List.of(),
                    0);
        } finally {
            socket.disconnect();
            socket.io().off();
        }
    }
}
