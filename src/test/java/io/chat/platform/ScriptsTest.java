package io.chat.platform;

import static io.chat.platform.PlatformServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Every admin script of {@code scripts/}, run as an operator would, against a live platform. */
@PlatformTest
class ScriptsTest {
    private static final Path SCRIPTS = Path.of("scripts").toAbsolutePath();
    private static final List<String> ALL = List.of(
            "provision-tenant",
            "add-user",
            "set-password",
            "delete-user",
            "list-users",
            "set-display-name",
            "list-tenants",
            "suspend-tenant",
            "resume-tenant",
            "delete-tenant",
            "announce");
    private static final String SECRET = "the-jwt-secret-of-this-tenant-is-long-enough";
    private static PlatformServer server;

    /** What a script did. */
    record Run(int exit, String stdout, String stderr) {
        JsonNode json() {
            return PlatformServer.json(stdout);
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    private static Run run(String script, String stdin, String... args) {
        return run(Map.of(), script, stdin, args);
    }

    /** Runs a script with the admin environment (overridden by {@code env}) and checks that no password leaks. */
    private static Run run(Map<String, String> env, String script, String stdin, String... args) {
        List<String> command = new ArrayList<>();
        command.add(SCRIPTS.resolve(script).toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(k -> k.startsWith("CHAT_"));
        builder.environment().put("CHAT_ADMIN_URL", server.adminUrl());
        builder.environment().put("CHAT_ADMIN_USER", PlatformServer.ADMIN_USER);
        builder.environment().put("CHAT_ADMIN_PASSWORD", PlatformServer.ADMIN_PASSWORD);
        env.forEach((k, v) -> {
            if (v == null) {
                builder.environment().remove(k);
            } else {
                builder.environment().put(k, v);
            }
        });
        try {
            Path out = Files.createTempFile("script", ".out");
            Path err = Files.createTempFile("script", ".err");
            try {
                builder.redirectOutput(out.toFile()).redirectError(err.toFile());
                Process process = builder.start();
                try (OutputStream in = process.getOutputStream()) {
                    if (stdin != null) {
                        in.write(stdin.getBytes(StandardCharsets.UTF_8));
                    }
                }
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError(script + " did not finish within 30 s");
                }
                Run result = new Run(process.exitValue(), Files.readString(out), Files.readString(err));
                for (String secret : List.of(PlatformServer.ADMIN_PASSWORD, "wrong-admin-password")) {
                    assertFalse(result.stdout().contains(secret), script + " printed a password: " + result);
                    assertFalse(result.stderr().contains(secret), script + " printed a password: " + result);
                }
                return result;
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static JsonNode success(Run run) {
        assertEquals(0, run.exit(), run::toString);
        JsonNode json = run.json();
        assertTrue(json.isObject() || json.isArray(), run::toString);
        return json;
    }

    private static void failure(Run run, String... stderrContains) {
        assertNotEquals(0, run.exit(), run::toString);
        assertFalse(run.stderr().isBlank(), run::toString);
        for (String expected : stderrContains) {
            assertTrue(run.stderr().contains(expected), "stderr should mention " + expected + ": " + run);
        }
    }

    @Test
    void everyScriptIsThereAndHelps() {
        for (String script : ALL) {
            Path file = SCRIPTS.resolve(script);
            assertTrue(Files.isExecutable(file), file + " is executable");
            for (String flag : List.of("--help", "-h")) {
                Run help = run(script, null, flag);
                assertEquals(0, help.exit(), script + " " + flag + ": " + help);
                assertTrue(help.stdout().contains("Usage"), script + ": " + help);
            }
        }
    }

    @Test
    void theLifeOfATenantThroughTheScripts() throws Exception {
        Run provisioned = run(
                "provision-tenant",
                null,
                "scripted",
                "--name",
                "Scripted Inc",
                "--limit",
                "loginFailuresPerMinute=5",
                "--limit",
                "messageBurst=50",
                "--limit",
                "tenantMessagesPerSecond=700");
        JsonNode tenant = success(provisioned);
        assertEquals("scripted", tenant.get("id").asText());
        assertEquals("Scripted Inc", tenant.get("displayName").asText());
        assertEquals(5, tenant.get("limits").get("loginFailuresPerMinute").asInt());
        // every limit the API knows, not a list of the script's own
        assertEquals(700, tenant.get("limits").get("tenantMessagesPerSecond").asInt());
        assertTrue(Files.isDirectory(server.tenantsDir().resolve("scripted")));

        // password from standard input, and from a file
        JsonNode alice = success(run("add-user", "alice-password\n", "scripted", "alice"));
        assertEquals("alice", alice.get("username").asText());
        Path passwordFile = Files.createTempFile("password", ".txt");
        try {
            Files.writeString(passwordFile, "bob-password\n");
            JsonNode bob = success(run(
                    "add-user",
                    null,
                    "scripted",
                    "bob",
                    "--display-name",
                    "Bob B",
                    "--password-file",
                    passwordFile.toString()));
            assertEquals("bob", bob.get("username").asText());
        } finally {
            Files.delete(passwordFile);
        }
        String aliceToken = server.login("scripted", "alice");
        String bobToken = server.login("scripted", "bob");
        failure(run("add-user", "", "scripted", "carol"), "no password given");
        JsonNode listed = success(run("list-users", null, "scripted"));
        assertEquals(2, listed.get("users").size(), listed.toString());
        assertEquals("alice", listed.get("users").get(0).get("username").asText());
        assertEquals("Bob B", listed.get("users").get(1).get("displayName").asText());
        JsonNode afterAlice = success(run("list-users", null, "scripted", "--after", "alice"));
        assertEquals("bob", afterAlice.get("users").get(0).get("username").asText());
        assertEquals(
                1,
                success(run("list-users", null, "scripted", "--limit", "1"))
                        .get("users")
                        .size());
        failure(run("list-users", null, "scripted", "--limit", "0"), "positive number");
        failure(run("list-users", null, "no-such-tenant"), "HTTP 404");
        JsonNode renamed = success(run("set-display-name", null, "scripted", "alice", "Alice \"Al\" Ames"));
        assertEquals("Alice \"Al\" Ames", renamed.get("displayName").asText());
        assertFalse(success(run("set-display-name", null, "scripted", "alice", "--clear"))
                .has("displayName"));
        failure(
                run("set-display-name", null, "scripted", "alice", "BOB"),
                "HTTP 409",
                "another user goes by this name");
        failure(run("set-display-name", null, "scripted", "alice"));

        // a forgotten password: the new one from standard input, every session of the user ended
        success(run("set-password", "bob-new-password\n", "scripted", "bob"));
        assertEquals(
                401,
                server.call("GET", TestTenants.historyPath("scripted", "general", null, null), null, bobToken)
                        .statusCode());
        assertEquals(
                201,
                server.call(
                                "POST",
                                "/api/tenants/scripted/sessions",
                                "{\"username\":\"bob\",\"password\":\"bob-new-password\"}",
                                null)
                        .statusCode());
        failure(run("set-password", "short\n", "scripted", "bob"), "HTTP 400", "8 to 1024");
        // a file written on Windows (its CR is no part of the password), and control characters sent as JSON allows
        Path crlf = Files.createTempFile("password", ".txt");
        try {
            Files.writeString(crlf, "\uFEFFcrlf-password\r\n"); // Notepad's: a byte order mark, CR LF
            success(run("set-password", null, "scripted", "bob", "--password-file", crlf.toString()));
        } finally {
            Files.delete(crlf);
        }
        assertEquals(
                201,
                server.call(
                                "POST",
                                "/api/tenants/scripted/sessions",
                                "{\"username\":\"bob\",\"password\":\"crlf-password\"}",
                                null)
                        .statusCode());
        success(run("set-password", "esc\u001b-and\f-feed\n", "scripted", "bob"));
        assertEquals(
                201,
                server.call(
                                "POST",
                                "/api/tenants/scripted/sessions",
                                "{\"username\":\"bob\",\"password\":\"esc\\u001b-and\\f-feed\"}",
                                null)
                        .statusCode());
        failure(run("set-password", "long-enough-password\n", "scripted", "nobody"), "HTTP 404", "unknown user");
        failure(run("delete-user", null, "scripted", "bob"), "--yes");
        success(run("delete-user", null, "scripted", "bob", "--yes"));
        failure(run("delete-user", null, "scripted", "bob", "--yes"), "HTTP 404");

        JsonNode list = success(run("list-tenants", null));
        assertTrue(list.isArray(), list.toString());
        assertTrue(list.toString().contains("\"scripted\""), list.toString());
        JsonNode one = success(run("list-tenants", null, "scripted"));
        failure(run("list-tenants", null, "scripted", "other"), "one tenant at a time");
        assertEquals("scripted", one.get("id").asText());
        assertTrue(one.has("sockets") && one.has("messages"), one.toString());

        try (ChatClient socket = ChatClient.connect(server.url(), "/scripted", aliceToken)) {
            JsonNode announced = success(run("announce", null, "scripted", "hello from \"ops\"\nline two"));
            assertTrue(announced.isObject());
            assertEquals(
                    "hello from \"ops\"\nline two",
                    socket.awaitEvent("announcement").get("text").asText());

            JsonNode suspended = success(run("suspend-tenant", null, "scripted"));
            long returned = System.nanoTime();
            assertEquals("scripted", suspended.get("id").asText());
            assertTrue(suspended.get("suspended").asBoolean(), suspended.toString());
            socket.awaitDisconnect();
            assertTrue(socket.disconnectedAtNanos() - returned < 2_000_000_000L, "disconnected within 2 s");
        }
        try (ChatClient refused = ChatClient.open(server.url(), "/scripted", ChatClient.options(aliceToken))) {
            assertEquals("tenant suspended", refused.awaitConnectError());
        }
        JsonNode resumed = success(run("resume-tenant", null, "scripted"));
        assertFalse(resumed.get("suspended").asBoolean(), resumed.toString());
        try (ChatClient back = ChatClient.connect(server.url(), "/scripted", aliceToken)) {
            back.sync();
        }

        Run notConfirmed = run("delete-tenant", null, "scripted");
        failure(notConfirmed, "--yes");
        assertTrue(Files.isDirectory(server.tenantsDir().resolve("scripted")), "still there without --yes");
        failure(run("delete-tenant", null, "scripted", "--no"));
        assertEquals(200, server.admin("GET", "/admin/tenants/scripted", null).statusCode());

        JsonNode deleted = success(run("delete-tenant", null, "scripted", "--yes"));
        assertTrue(deleted.isObject(), deleted.toString());
        assertFalse(Files.exists(server.tenantsDir().resolve("scripted")));
        assertEquals(404, server.admin("GET", "/admin/tenants/scripted", null).statusCode());
    }

    @Test
    void aJwtTenantFromASecretFileNeverShowsTheSecret() throws Exception {
        Path secretFile = Files.createTempFile("secret", ".txt");
        try {
            Files.writeString(secretFile, SECRET);
            Run run = run(
                    "provision-tenant",
                    null,
                    "scripted-jwt",
                    "--jwt-issuer",
                    "https://idp.example",
                    "--jwt-audience",
                    "chat",
                    "--jwt-secret-file",
                    secretFile.toString());
            JsonNode tenant = success(run);
            assertEquals("jwt", tenant.get("auth").get("type").asText());
            assertFalse(run.stdout().contains(SECRET), run.toString());
            assertFalse(run.stderr().contains(SECRET), run.toString());
            Run listed = run("list-tenants", null, "scripted-jwt");
            assertFalse(listed.stdout().contains(SECRET), listed.toString());
            Run users = run("add-user", "some-password\n", "scripted-jwt", "alice");
            failure(users, "400");
        } finally {
            Files.delete(secretFile);
        }
    }

    @Test
    void failuresExitNonZeroWithAMessageOnStderr() {
        server.passwordTenant("script-fail");

        Run wrongPassword = run(Map.of("CHAT_ADMIN_PASSWORD", "wrong-admin-password"), "list-tenants", null);
        failure(wrongPassword, "401", "check CHAT_ADMIN_USER and CHAT_ADMIN_PASSWORD");
        Run wrongProvision =
                run(Map.of("CHAT_ADMIN_PASSWORD", "wrong-admin-password"), "provision-tenant", null, "never-made");
        failure(wrongProvision, "401");
        assertEquals(404, server.admin("GET", "/admin/tenants/never-made", null).statusCode());

        failure(run("provision-tenant", null, "script-fail"), "409");

        for (String script : List.of("list-tenants", "suspend-tenant", "resume-tenant")) {
            failure(run(script, null, "no-such-tenant"), "404");
        }
        failure(run("delete-tenant", null, "no-such-tenant", "--yes"), "404");
        failure(run("announce", null, "no-such-tenant", "hello"), "404");
        failure(run("add-user", "long-enough-password\n", "no-such-tenant", "alice"), "404");

        // the user exists already; a short password; a closed standard input
        success(run("add-user", "alice-password\n", "script-fail", "alice"));
        failure(run("add-user", "alice-password\n", "script-fail", "alice"), "409");
        failure(run("add-user", "short\n", "script-fail", "carol"));
        failure(run("add-user", null, "script-fail", "dave"));
        for (String user : List.of("carol", "dave")) {
            assertEquals(
                    401,
                    server.call(
                                    "POST",
                                    "/api/tenants/script-fail/sessions",
                                    "{\"username\":\"" + user + "\",\"password\":\"whatever-password\"}",
                                    null)
                            .statusCode(),
                    user + " was not created");
        }

        // refused by the script, or by the server for it
        failure(run("provision-tenant", null, "Bad_Id"));
        failure(run("provision-tenant", null, "../x"));
        failure(run("add-user", "alice-password\n", "script-fail", "Not Valid"));
        failure(run("announce", null, "script-fail", ""));
        // the scripts keep no copy of the server's rules for names: they print the server's refusal
        failure(run("provision-tenant", null, "Bad_Id"), "HTTP 400", "3-32 characters");
        failure(run("add-user", "alice-password\n", "script-fail", "Not Valid"), "HTTP 400");
        failure(run("add-user", "short\n", "script-fail", "carol"), "HTTP 400");
        // and a name that is no URL path segment reaches no other endpoint
        failure(run("suspend-tenant", null, ".."));
        failure(run("add-user", "long-enough-password\n", "../script-fail", "eve"));
        assertEquals(
                401,
                server.call(
                                "POST",
                                "/api/tenants/script-fail/sessions",
                                "{\"username\":\"eve\",\"password\":\"long-enough-password\"}",
                                null)
                        .statusCode());
        failure(run("provision-tenant", null, "script-fail2", "--limit", "bogus=1"));
        failure(run("provision-tenant", null, "script-fail2", "--limit", "messageBurst=many"));
        failure(run("provision-tenant", null, "script-fail3", "--jwt-issuer", "x"));
        failure(run("provision-tenant", null, "script-fail4", "--unknown-option"));
        // an option without its value is a usage error that names the option, not a shell message
        Run noName = run("provision-tenant", null, "script-fail5", "--name");
        failure(noName, "--name needs a value");
        assertEquals(2, noName.exit(), noName::toString);
        assertFalse(noName.stderr().contains("line "), noName::toString);
        failure(run("provision-tenant", null, "script-fail5", "--name", "--password-auth"), "--name needs a value");
        failure(run("add-user", null, "script-fail", "frank", "--display-name"), "--display-name needs a value");
        assertFalse(Files.exists(server.tenantsDir().resolve("script-fail2")));
        assertFalse(Files.exists(server.tenantsDir().resolve("script-fail3")));

        // missing arguments print the usage and fail
        for (String script : List.of(
                "provision-tenant", "add-user", "suspend-tenant", "resume-tenant", "delete-tenant", "announce")) {
            Run bare = run(script, null);
            assertNotEquals(0, bare.exit(), script + ": " + bare);
            assertFalse(bare.stderr().isBlank(), script + ": " + bare);
        }

        // no credentials, or no server
        failure(run(Map.of("CHAT_ADMIN_PASSWORD", ""), "list-tenants", null), "CHAT_ADMIN_PASSWORD");
        Map<String, String> noUser = new java.util.HashMap<>();
        noUser.put("CHAT_ADMIN_USER", null);
        failure(run(noUser, "list-tenants", null), "CHAT_ADMIN_USER");
        Run noServer = run(Map.of("CHAT_ADMIN_URL", "http://127.0.0.1:1"), "list-tenants", null);
        failure(noServer, "cannot reach");
        assertFalse(noServer.stderr().startsWith("curl:"), "the script's message, not curl's alone: " + noServer);
    }
}
