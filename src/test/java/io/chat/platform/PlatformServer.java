package io.chat.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chat.Main;
import io.chat.Running;
import io.chat.Settings;
import io.chat.testing.OtherAddress;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The platform as users run it ({@link Main#startPlatform}), on free ports, with its own tenants folder and
 * known admin credentials; plus the HTTP calls tests need (admin API, login).
 */
public final class PlatformServer implements AutoCloseable {
    public static final String ADMIN_USER = "root";
    public static final String ADMIN_PASSWORD = "admin-password-for-tests";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path tenantsDir;
    private final Running running;
    private final List<String> announcements;
    private final HttpClient http = HttpClient.newHttpClient();
    private final HttpClient otherAddress = OtherAddress.client();

    private PlatformServer(Path tenantsDir, Running running, List<String> announcements) {
        this.tenantsDir = tenantsDir;
        this.running = running;
        this.announcements = announcements;
    }

    /** A server on a new, empty tenants folder. */
    public static PlatformServer start() throws IOException {
        return start(testSettings());
    }

    /** The settings of {@link #start()}: free ports, a new tenants folder, the known admin credentials. */
    public static Settings testSettings() throws IOException {
        return Settings.forTests(Files.createTempDirectory("tenants"), ADMIN_USER, ADMIN_PASSWORD);
    }

    /** A server on the given tenants folder (e.g. to restart on the same data). */
    public static PlatformServer start(Path tenantsDir) {
        return start(Settings.forTests(tenantsDir, ADMIN_USER, ADMIN_PASSWORD));
    }

    public static PlatformServer start(Settings settings) {
        List<String> announcements = new ArrayList<>();
        Running running = Main.startPlatform(settings, announcements::add);
        return new PlatformServer(settings.tenantsDir(), running, announcements);
    }

    public Path tenantsDir() {
        return tenantsDir;
    }

    public int port() {
        return running.port();
    }

    public int adminPort() {
        return running.adminPort();
    }

    /** {@code http://localhost:PORT}, the Socket.IO and public REST base. */
    public String url() {
        return "http://localhost:" + port();
    }

    public String adminUrl() {
        return "http://127.0.0.1:" + adminPort();
    }

    /** What the server printed once (generated credentials, demo users). */
    public List<String> announcements() {
        return List.copyOf(announcements);
    }

    /** A call to the admin API with the admin credentials; body may be null. */
    public HttpResponse<String> admin(String method, String path, String jsonBody) {
        String basic = Base64.getEncoder()
                .encodeToString((ADMIN_USER + ":" + ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(adminUrl() + path))
                .header("Authorization", "Basic " + basic)
                .method(
                        method,
                        jsonBody == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(jsonBody));
        if (jsonBody != null) {
            request.header("Content-Type", "application/json");
        }
        return send(request.build());
    }

    /** A plain HTTP call to the public port. */
    public HttpResponse<String> call(String method, String path, String jsonBody, String bearer) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url() + path))
                .method(
                        method,
                        jsonBody == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(jsonBody));
        if (jsonBody != null) {
            request.header("Content-Type", "application/json");
        }
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return send(request.build());
    }

    /** A plain HTTP call to the public port from another loopback address ({@link OtherAddress}). */
    public HttpResponse<String> callFromOtherAddress(String method, String path, String jsonBody) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url() + path))
                .method(method, HttpRequest.BodyPublishers.ofString(jsonBody))
                .header("Content-Type", "application/json")
                .build();
        return send(otherAddress, request);
    }

    public HttpResponse<String> send(HttpRequest request) {
        return send(http, request);
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Provisions a password tenant with the given users (password = user + "-password"). */
    public void passwordTenant(String id, String... users) {
        limitedPasswordTenant(id, null, users);
    }

    /** {@link #passwordTenant}, with these limits (a JSON object) instead of the defaults when not null. */
    public void limitedPasswordTenant(String id, String limitsJson, String... users) {
        expect(
                201,
                admin(
                        "POST",
                        "/admin/tenants",
                        "{\"id\":\"" + id + "\",\"auth\":{\"type\":\"password\"}"
                                + (limitsJson == null ? "" : ",\"limits\":" + limitsJson) + "}"));
        for (String user : users) {
            expect(
                    201,
                    admin(
                            "POST",
                            "/admin/tenants/" + id + "/users",
                            "{\"username\":\"" + user + "\",\"password\":\"" + password(user) + "\"}"));
        }
    }

    public static String password(String user) {
        return user + "-password";
    }

    /** Logs a user in (password = user + "-password") and returns the session token. */
    public String login(String tenant, String user) {
        HttpResponse<String> response = call(
                "POST",
                "/api/tenants/" + tenant + "/sessions",
                "{\"username\":\"" + user + "\",\"password\":\"" + password(user) + "\"}",
                null);
        expect(201, response);
        return json(response.body()).get("token").asText();
    }

    public static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + body, e);
        }
    }

    private static void expect(int status, HttpResponse<String> response) {
        if (response.statusCode() != status) {
            throw new AssertionError(
                    "expected " + status + " but got " + response.statusCode() + ": " + response.body());
        }
    }

    @Override
    public void close() {
        running.stop();
    }
}
