package io.chat.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.Settings;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Tenant {@code demo} on a first start ({@code CHAT_DEMO}): there before the server answers, finished by the next
 * start when a start was killed while making it, and left alone once finished.
 */
class DemoTenantTest {
    private static final Pattern CREDENTIAL = Pattern.compile("(?m)^ {2}(\\w+) / (\\S+)$");
    private static final String LOGIN = "/api/tenants/demo/sessions";

    private static Settings demoSettings(Path tenantsDir, int port, int adminPort) {
        return Settings.forTests(tenantsDir, PlatformServer.ADMIN_USER, PlatformServer.ADMIN_PASSWORD).toBuilder()
                .port(port)
                .adminPort(adminPort)
                .demo(true)
                .build();
    }

    private static PlatformServer startWithDemo(Path tenantsDir) {
        return PlatformServer.start(demoSettings(tenantsDir, 0, 0));
    }

    /** The demo users and passwords the server showed, empty when it showed none. */
    private static Map<String, String> shownCredentials(PlatformServer server) {
        Map<String, String> users = new HashMap<>();
        for (String message : server.announcements()) {
            if (message.startsWith("Demo tenant created")) {
                Matcher m = CREDENTIAL.matcher(message);
                while (m.find()) {
                    users.put(m.group(1), m.group(2));
                }
            }
        }
        return users;
    }

    private static int login(PlatformServer server, String user, String password) {
        return server.call("POST", LOGIN, "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}", null)
                .statusCode();
    }

    private static void assertDemoWorks(PlatformServer server, Map<String, String> shown) {
        assertEquals(java.util.Set.of("alice", "bob"), shown.keySet(), "the demo users were shown");
        for (String user : List.of("alice", "bob")) {
            assertEquals(201, login(server, user, shown.get(user)), user + " signs in with the password shown");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void healthIsUpOnlyOnceTheDemoIsThere() throws Exception {
        Path dir = Files.createTempDirectory("tenants");
        int port = freePort();
        int adminPort = freePort();
        CompletableFuture<PlatformServer> starting =
                CompletableFuture.supplyAsync(() -> PlatformServer.start(demoSettings(dir, port, adminPort)));
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        boolean up = false;
        while (!up && System.nanoTime() < deadline) { // the first UP, as soon as there is one
            try {
                up = http.send(
                                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/health"))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .statusCode()
                        == 200;
            } catch (IOException notListeningYet) {
                Thread.sleep(1);
            }
        }
        assertTrue(up, "/health answered UP");
        // at that moment: the tenant is there (401, not 404) and so are its users (409 for another alice)
        HttpResponse<String> wrongPassword = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + LOGIN))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"username\":\"alice\",\"password\":\"not-hers-at-all\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, wrongPassword.statusCode(), "tenant demo exists when /health is UP: " + wrongPassword.body());
        String basic = java.util.Base64.getEncoder()
                .encodeToString((PlatformServer.ADMIN_USER + ":" + PlatformServer.ADMIN_PASSWORD).getBytes());
        for (String user : List.of("alice", "bob")) {
            HttpResponse<String> again = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/admin/tenants/demo/users"))
                            .header("Content-Type", "application/json")
                            .header("Authorization", "Basic " + basic)
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"username\":\"" + user + "\",\"password\":\"a-long-password\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(409, again.statusCode(), user + " exists when /health is UP: " + again.body());
        }
        try (PlatformServer server = starting.get(30, TimeUnit.SECONDS)) {
            assertDemoWorks(server, shownCredentials(server));
        }
    }

    @Test
    void aDemoWhoseStartWasKilledAfterTheTenantIsFinishedByTheNextStart() throws Exception {
        Path dir = Files.createTempDirectory("tenants");
        try (PlatformServer first = PlatformServer.start(dir)) { // the killed start got as far as the tenant and alice
            first.passwordTenant("demo", "alice");
        }
        Files.writeString(dir.resolve(".demo-pending"), "");

        try (PlatformServer server = startWithDemo(dir)) {
            Map<String, String> shown = shownCredentials(server);
            assertDemoWorks(server, shown);
            assertEquals(
                    401,
                    login(server, "alice", PlatformServer.password("alice")),
                    "alice has the password shown, not one nobody saw");
        }
        assertFalse(Files.exists(dir.resolve(".demo-pending")), "finished");
        try (PlatformServer again = startWithDemo(dir)) {
            assertEquals(Map.of(), shownCredentials(again), "nothing made twice");
        }
    }

    @Test
    void aDemoWhoseStartWasKilledBeforeItsDefinitionIsFinishedByTheNextStart() throws Exception {
        Path dir = Files.createTempDirectory("tenants");
        Files.createDirectories(dir.resolve("demo"));
        Files.writeString(dir.resolve("demo/.tenant1234567.tmp"), "{\"id\":");
        Files.writeString(dir.resolve(".demo-pending"), "");
        try (PlatformServer server = startWithDemo(dir)) {
            assertDemoWorks(server, shownCredentials(server));
        }
        assertFalse(Files.exists(dir.resolve(".demo-pending")), "finished");
    }

    @Test
    void aFinishedDemoIsTheAdminsAndIsNeverRedone() throws Exception {
        Path dir = Files.createTempDirectory("tenants");
        Map<String, String> shown;
        try (PlatformServer server = startWithDemo(dir)) {
            shown = shownCredentials(server);
            assertDemoWorks(server, shown);
            assertEquals(
                    204,
                    server.admin("DELETE", "/admin/tenants/demo/users/bob", null)
                            .statusCode());
        }
        try (PlatformServer restarted = startWithDemo(dir)) {
            assertEquals(Map.of(), shownCredentials(restarted));
            assertEquals(201, login(restarted, "alice", shown.get("alice")), "alice's password is the same");
            assertEquals(401, login(restarted, "bob", shown.get("bob")), "bob, deleted by the admin, stays deleted");
        }
    }
}
