package io.chat.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.chat.Settings;
import io.chat.testing.ExternalProcess;
import io.chat.testing.ExternalProcess.Result;
import io.chat.testing.TestMachine;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The web client end to end, in real headless Chromium: Debian's {@code chromium} driven by {@code playwright-core}
 * (pinned in {@code src/test/browser/package.json}), with {@code node --test} over {@code src/test/browser/*.test.mjs}
 * run one file after the other against a {@link PlatformServer} this class provisions (tenants, users).
 *
 * <p>Installs what it needs: {@code npm ci} when {@code src/test/browser/node_modules} lacks the packages, and
 * {@code apt-get install chromium} when there is no {@code chromium} and the test runs as root (as CI does); otherwise
 * it fails saying what to install.
 *
 * <p>The tests stop and start the server (same port, same tenants folder) through a small control endpoint on
 * 127.0.0.1 ({@code CONTROL_URL}): {@code POST /stop}, {@code POST /start}.
 */
class BrowserTest {
    private static final long NODE_TIMEOUT_MINUTES = 20;
    private static final Pattern TEST_COUNT = Pattern.compile("^\\S*\\s*tests (\\d+)\\s*$");
    private static final Pattern FAIL_COUNT = Pattern.compile("^\\S*\\s*fail (\\d+)\\s*$");
    private static final String JWT_ISSUER = "https://id.jwt-co.example";
    private static final String JWT_SECRET = "browser-test-shared-secret-of-forty-bytes";

    private final Object serverLock = new Object();
    private PlatformServer server;

    @Test
    void webClientPassesTheBrowserScenarios() throws Exception {
        Path dir = projectDir();
        String node = TestMachine.executable("node", "Node.js 20+ (apt-get install nodejs npm)");
        String chromium = ensureChromium();
        ensureInstalled(dir);
        assertTrue(
                BrowserTest.class.getResource("/web/index.html") != null
                        && BrowserTest.class.getResource("/web/app.js") != null,
                "the web client is not on the classpath (target/classes/web): build with 'mvn package' without -Dweb.skip");
        List<String> files;
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.map(path -> path.getFileName().toString())
                    .filter(name -> name.endsWith(".test.mjs"))
                    .filter(BrowserTest::selected)
                    .sorted()
                    .toList();
        }
        assertTrue(!files.isEmpty(), "no *.test.mjs files in " + dir);

        Path tenants = Files.createTempDirectory("browser-tenants");
        server = PlatformServer.start(tenants);
        HttpServer control = controlServer(tenants);
        try {
            Map<String, String> env = provision();
            env.put("CONTROL_URL", "http://127.0.0.1:" + control.getAddress().getPort());
            env.put("CHROMIUM", chromium);
            List<String> command =
                    new ArrayList<>(List.of(node, "--test", "--test-reporter=spec", "--test-concurrency=1"));
            command.addAll(files);
            Result result = ExternalProcess.run("BrowserTest", command, dir, env, NODE_TIMEOUT_MINUTES);
            if (result.timedOut()) {
                fail("node --test did not finish within " + NODE_TIMEOUT_MINUTES + " min and was killed; last output:\n"
                        + result.tail());
            }
            assertEquals(
                    0,
                    result.exitCode(),
                    () -> "browser tests failed (exit code " + result.exitCode() + "); last output:\n" + result.tail());
            result.count(TEST_COUNT)
                    .ifPresent(count -> assertTrue(count > 0, "node --test ran no tests:\n" + result.tail()));
            result.count(FAIL_COUNT).ifPresent(count -> assertEquals(0, count, () -> "failures:\n" + result.tail()));
        } finally {
            control.stop(0);
            synchronized (serverLock) {
                if (server != null) {
                    server.close();
                }
            }
        }
    }

    /**
     * {@code -Dbrowser.tests=05,06} runs only the files whose name contains one of these parts (while working on
     * them); unset, every file runs.
     */
    private static boolean selected(String file) {
        String only = System.getProperty("browser.tests", "").trim();
        return only.isEmpty()
                || Stream.of(only.split(","))
                        .map(String::trim)
                        .anyMatch(part -> !part.isEmpty() && file.contains(part));
    }

    /** The tenants and users the scenarios use, as the environment of the Node process. */
    private Map<String, String> provision() {
        Map<String, String> env = new LinkedHashMap<>();
        // tenant A: generous message limits, so that a test can send hundreds of messages to be caught up on
        created(server.admin("POST", "/admin/tenants", """
                {"id":"acme","displayName":"Acme","auth":{"type":"password"},
                 "limits":{"messagesPerSecond":2000,"messageBurst":2000}}"""));
        // erin and frank: in acme too, for the membership scenario (rooms they keep do not show in the others')
        for (String user : List.of("alice", "bob", "dave", "erin", "frank")) {
            user("acme", user);
        }
        server.passwordTenant("globex", "carol");
        server.passwordTenant("frozen", "erin");
        // one message per second: a second message at once is refused (rate_limited), then retried
        created(server.admin("POST", "/admin/tenants", """
                {"id":"slowco","auth":{"type":"password"},"limits":{"messagesPerSecond":1,"messageBurst":1}}"""));
        user("slowco", "frank");
        created(server.admin(
                "POST",
                "/admin/tenants",
                "{\"id\":\"jwt-co\",\"auth\":{\"type\":\"jwt\",\"issuer\":\"" + JWT_ISSUER + "\",\"secret\":\""
                        + JWT_SECRET + "\"}}"));
        env.put("SERVER_URL", server.url());
        env.put("ADMIN_URL", server.adminUrl());
        env.put("ADMIN_USER", PlatformServer.ADMIN_USER);
        env.put("ADMIN_PASSWORD", PlatformServer.ADMIN_PASSWORD);
        env.put("TENANT_A", "acme");
        env.put("TENANT_B", "globex");
        env.put("TENANT_SUSPENDED", "frozen");
        env.put("TENANT_SLOW", "slowco");
        env.put("TENANT_JWT", "jwt-co");
        env.put("JWT_ISSUER", JWT_ISSUER);
        env.put("JWT_SECRET", JWT_SECRET);
        for (String user : List.of("alice", "bob", "dave", "carol", "erin", "frank")) {
            String key = user.toUpperCase(java.util.Locale.ROOT);
            env.put("USER_" + key, user);
            env.put("PASSWORD_" + key, PlatformServer.password(user));
        }
        return env;
    }

    private void user(String tenant, String user) {
        created(server.admin(
                "POST",
                "/admin/tenants/" + tenant + "/users",
                "{\"username\":\"" + user + "\",\"password\":\"" + PlatformServer.password(user) + "\"}"));
    }

    private static void created(java.net.http.HttpResponse<String> response) {
        assertEquals(201, response.statusCode(), () -> "admin call failed: " + response.body());
    }

    // --- stopping and starting the server for the tests -----------------------------------------------------

    /** {@code POST /stop} and {@code POST /start}: the same ports, the same tenants folder. */
    private HttpServer controlServer(Path tenants) throws IOException {
        int port = server.port();
        int adminPort = server.adminPort();
        HttpServer control = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        control.createContext(
                "/stop",
                exchange -> answer(exchange, () -> {
                    synchronized (serverLock) {
                        if (server != null) {
                            server.close();
                            server = null;
                        }
                    }
                }));
        control.createContext(
                "/start",
                exchange -> answer(exchange, () -> {
                    synchronized (serverLock) {
                        if (server == null) {
                            server = startOn(tenants, port, adminPort);
                        }
                    }
                }));
        control.start();
        return control;
    }

    /** Starts on the given ports, retrying while the old listener's ports are not free yet. */
    private static PlatformServer startOn(Path tenants, int port, int adminPort) {
        Settings settings =
                Settings.forTests(tenants, PlatformServer.ADMIN_USER, PlatformServer.ADMIN_PASSWORD).toBuilder()
                        .port(port)
                        .adminPort(adminPort)
                        .build();
        RuntimeException last = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            try {
                return PlatformServer.start(settings);
            } catch (RuntimeException e) {
                last = e;
                try {
                    Thread.sleep(200);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
        throw last;
    }

    private static void answer(HttpExchange exchange, Runnable action) throws IOException {
        int status = 200;
        byte[] body = "ok\n".getBytes(StandardCharsets.UTF_8);
        if (!"POST".equals(exchange.getRequestMethod())) {
            status = 405;
            body = "POST only\n".getBytes(StandardCharsets.UTF_8);
        } else {
            try {
                action.run();
                System.out.println("[BrowserTest] server "
                        + exchange.getRequestURI().getPath().substring(1) + " done");
            } catch (RuntimeException e) {
                status = 500;
                body = (e + "\n").getBytes(StandardCharsets.UTF_8);
            }
        }
        exchange.sendResponseHeaders(status, body.length);
        try (var out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    // --- what the tests need on the machine -----------------------------------------------------------------

    private static Path projectDir() {
        return TestMachine.projectDir("src/test/browser", "package.json");
    }

    /** The chromium executable; Debian's package, installed with apt-get when missing and running as root (CI). */
    private static String ensureChromium() throws Exception {
        Optional<String> found = TestMachine.onPath("chromium");
        if (found.isPresent()) {
            return found.get();
        }
        TestMachine.aptInstall("BrowserTest", List.of("chromium", "fonts-dejavu-core"));
        return TestMachine.onPath("chromium")
                .orElseGet(() -> fail("apt-get installed chromium but it is not on the PATH"));
    }

    private static void ensureInstalled(Path dir) throws Exception {
        TestMachine.npmInstalled("BrowserTest", dir, "playwright-core", "socket.io-client", "axe-core");
    }

    // --- running processes ----------------------------------------------------------------------------------

    /** Runs {@code command} in {@code dir} with no standard input, copying its output to System.out. */
}
