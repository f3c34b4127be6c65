package io.chat.platform;

import static io.chat.platform.ChatAssertions.assertOk;
import static io.chat.platform.ChatClient.json;
import static io.chat.platform.PlatformServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Tenants share nothing: not events, not presence, not history, not tokens, not files. */
@PlatformTest
class IsolationTest {
    private static final String EMPTY_PAGE = "{\"messages\":[],\"hasMore\":false}";
    private static PlatformServer server;

    @BeforeAll
    static void provision() throws Exception {
        server.passwordTenant("alpha", "alice", "bob");
        server.passwordTenant("beta", "alice", "bob", "carol");
    }

    private static HttpResponse<String> history(String tenant, String room, String token) {
        return server.call("GET", "/api/tenants/" + tenant + "/rooms/" + room + "/messages", null, token);
    }

    // --- events ----------------------------------------------------------------------------------------------

    @Test
    void nothingEmittedInAlphaReachesBeta() {
        String room = "general";
        try (ChatClient betaAlice = ChatClient.connect(server.url(), "/beta", server.login("beta", "alice"));
                ChatClient betaBob = ChatClient.connect(server.url(), "/beta", server.login("beta", "bob"));
                ChatClient betaCarol = ChatClient.connect(server.url(), "/beta", server.login("beta", "carol"));
                ChatClient alphaAlice = ChatClient.connect(server.url(), "/alpha", server.login("alpha", "alice"))) {
            // beta's own activity first: the same names, the same room
            assertOk(betaAlice.join(room));
            assertOk(betaBob.join(room));
            assertOk(betaCarol.join(room));
            assertOk(alphaAlice.join(room));
            // a beta socket multiplexed on alpha alice's Engine.IO connection
            try (ChatClient betaOnAlphaConnection =
                    ChatClient.open(alphaAlice.socket().io(), "/beta", server.login("beta", "carol"))) {
                betaOnAlphaConnection.awaitConnected();
                assertOk(betaOnAlphaConnection.join(room));
                List<ChatClient> beta = List.of(betaAlice, betaBob, betaCarol, betaOnAlphaConnection);
                for (ChatClient socket : beta) {
                    socket.sync();
                }
                List<Integer> seen = beta.stream().map(s -> s.events().size()).toList();

                // alpha: bob comes online, joins, alice talks, types, announcements go out
                try (ChatClient alphaBob = ChatClient.connect(server.url(), "/alpha", server.login("alpha", "bob"))) {
                    alphaAlice.awaitEvent(
                            "user:online", e -> e.get("user").asText().equals("bob"));
                    assertOk(alphaBob.join(room));
                    alphaAlice.awaitEvent(
                            "room:joined", e -> e.get("user").asText().equals("bob"));

                    JsonNode sent = alphaAlice.send(room, "alpha secret");
                    JsonNode received = alphaBob.awaitEvent("message");
                    assertEquals(sent, received);
                    assertEquals(1, sent.get("seq").asLong(), "alpha's room starts at seq 1");

                    alphaAlice.emit("typing", json("room", room));
                    alphaBob.awaitEvent("typing", e -> e.get("user").asText().equals("alice"));

                    JsonNode presence = assertOk(alphaAlice.call("presence:list", json("room", room)))
                            .get("users");
                    assertEquals(Set.of("alice", "bob"), names(presence), "carol is beta's");
                    assertEquals(2, presence.size());
                    JsonNode rooms =
                            assertOk(alphaAlice.call("rooms:list", json())).get("rooms");
                    assertEquals(1, rooms.size(), rooms.toString());
                    assertEquals(2, rooms.get(0).get("members").asInt(), rooms.toString());

                    assertEquals(
                            202,
                            server.admin("POST", "/admin/tenants/alpha/announcements", "{\"text\":\"alpha only\"}")
                                    .statusCode());
                    alphaAlice.awaitEvent("announcement");
                    alphaBob.awaitEvent("announcement");
                }
                // bob's last socket left alpha: alpha alice hears it, beta must not
                alphaAlice.awaitEvent("room:left", e -> e.get("user").asText().equals("bob"));
                alphaAlice.awaitEvent(
                        "user:offline", e -> e.get("user").asText().equals("bob"));

                // positive barrier: every beta socket made an ack round trip after alpha's recipients got it all
                for (int i = 0; i < beta.size(); i++) {
                    ChatClient socket = beta.get(i);
                    socket.sync();
                    List<ChatClient.Event> after =
                            socket.events().subList(seen.get(i), socket.events().size());
                    assertEquals(List.of(), after, "beta socket " + i + " got alpha's events");
                    assertFalse(socket.isDisconnected());
                }
                JsonNode betaPresence = assertOk(betaAlice.call("presence:list", json("room", room)))
                        .get("users");
                assertEquals(Set.of("alice", "bob", "carol"), names(betaPresence));
                assertEquals(3, betaPresence.size());
                JsonNode betaHistory = assertOk(betaAlice.call("history:fetch", json("room", room)));
                assertEquals(0, betaHistory.get("messages").size(), betaHistory.toString());
            }
        }
        String betaToken = server.login("beta", "alice");
        assertEquals(json(EMPTY_PAGE), json(history("beta", room, betaToken).body()));
        HttpResponse<String> alphaHistory = history("alpha", room, server.login("alpha", "bob"));
        assertEquals(1, json(alphaHistory.body()).get("messages").size(), alphaHistory.body());

        // beta's own room keeps its own seq
        try (ChatClient betaAlice = ChatClient.connect(server.url(), "/beta", betaToken)) {
            assertOk(betaAlice.join(room));
            assertEquals(1, betaAlice.send(room, "beta's first").get("seq").asLong());
            assertEquals(
                    1,
                    assertOk(betaAlice.call("history:fetch", json("room", room)))
                            .get("messages")
                            .size());
        }
    }

    private static Set<String> names(JsonNode array) {
        Set<String> names = new TreeSet<>();
        array.forEach(n -> names.add(n.asText()));
        return names;
    }

    // --- credentials -----------------------------------------------------------------------------------------

    @Test
    void alphasTokenOpensNothingOfBeta() {
        String alphaToken = server.login("alpha", "alice");
        try (ChatClient wrongTenant = ChatClient.open(server.url(), "/beta", ChatClient.options(alphaToken))) {
            assertEquals("unauthorized", wrongTenant.awaitConnectError());
        }
        try (ChatClient noToken = ChatClient.open(server.url(), "/beta", ChatClient.options(null))) {
            assertEquals("unauthorized", noToken.awaitConnectError());
        }
        RestApiTest.assertError(401, history("beta", "general", alphaToken));
        RestApiTest.assertError(401, server.call("DELETE", "/api/tenants/beta/sessions/current", null, alphaToken));
        // alpha's token is still alpha's, and still valid
        assertEquals(200, history("alpha", "general", alphaToken).statusCode());
        try (ChatClient right = ChatClient.connect(server.url(), "/alpha", alphaToken)) {
            right.sync();
        }
        // beta's password for alice is not alpha's
        RestApiTest.assertError(
                401,
                server.call(
                        "POST",
                        "/api/tenants/beta/sessions",
                        "{\"username\":\"carol\",\"password\":\"alice-password\"}",
                        null));
    }

    // --- tenant ids that try to escape ---------------------------------------------------------------------

    private static final List<String> HOSTILE_IDS = List.of(
            "../x",
            "..",
            ".",
            "./alpha",
            "../alpha",
            "alpha/../beta",
            "alpha/..",
            "ACME",
            "Alpha",
            "a",
            "ab",
            "a_b",
            "acme;DROP",
            "acme;DROP TABLE users",
            "acme%2F..",
            "acme%2f..%2fx",
            "x".repeat(33),
            "a" + "b".repeat(40),
            "x:file",
            "file:x",
            "C:\\x",
            "acme\\..\\x",
            "acme.db",
            "acme ",
            " acme",
            "ac me",
            "acme\n",
            "acme\u0000",
            "-acme",
            "acme-",
            "1acme",
            "acme.",
            "\u0430cme",
            "acm\u00e9",
            "acme;INIT=RUNSCRIPT FROM 'x'",
            "acme?x=1",
            "acme#x",
            "*",
            "%",
            "",
            "/",
            "//",
            "~root");

    /** Percent-encodes everything but unreserved characters, so that the id arrives as one path segment. */
    private static String segment(String raw) {
        StringBuilder out = new StringBuilder();
        for (byte b : raw.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            if ((c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '_'
                    || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xFF));
            }
        }
        return out.toString();
    }

    /**
     * Every name under the folder; of a tenant's search index only the folder itself: Lucene writes, renames and
     * deletes its segment files at its own pace (a commit after the indexer caught up, a merge), whatever a request
     * does, so the walk never enters it and a file that vanishes between listing and reading is skipped.
     */
    private static Set<String> tree(Path root) {
        Set<String> all = new TreeSet<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    Path relative = root.relativize(dir);
                    all.add(relative.toString());
                    return relative.getNameCount() == 2
                                    && relative.getName(1).toString().equals("search")
                            ? FileVisitResult.SKIP_SUBTREE
                            : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    all.add(root.relativize(file).toString());
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }
            });
            return all;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The names in a folder, not below it: the folder beside the tenants folder is the shared temp folder, where other
     * processes create and delete trees while a walk would read them.
     */
    private static Set<String> names(Path folder) {
        try (Stream<Path> paths = Files.list(folder)) {
            return new TreeSet<>(paths.map(p -> p.getFileName().toString()).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void assertRefused(String what, HttpResponse<String> response) {
        int status = response.statusCode();
        assertTrue(status == 400 || status == 404, what + " answered " + status + ": " + response.body());
        assertFalse(response.body().contains("Exception"), what);
        assertFalse(response.body().contains("at io."), what);
    }

    private static HttpResponse<String> rawAdmin(String method, String path, String body) {
        String basic = java.util.Base64.getEncoder()
                .encodeToString((PlatformServer.ADMIN_USER + ":" + PlatformServer.ADMIN_PASSWORD)
                        .getBytes(StandardCharsets.UTF_8));
        return server.send(HttpRequest.newBuilder(URI.create(server.adminUrl() + path))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    @Test
    void hostileTenantIdsAreRefusedAndCreateNoFile() {
        Path root = server.tenantsDir();
        Path parent = root.toAbsolutePath().getParent();
        Set<String> before = tree(root);
        Set<String> parentBefore = names(parent);
        String credentials = "{\"username\":\"alice\",\"password\":\"alice-password\"}";
        String alphaToken = server.login("alpha", "alice");

        for (String id : HOSTILE_IDS) {
            String quoted =
                    com.fasterxml.jackson.databind.node.TextNode.valueOf(id).toString();
            HttpResponse<String> provision =
                    server.admin("POST", "/admin/tenants", "{\"id\":" + quoted + ",\"auth\":{\"type\":\"password\"}}");
            assertEquals(400, provision.statusCode(), "provision " + quoted + ": " + provision.body());
            RestApiTest.assertError(400, provision);

            String seg = segment(id);
            List<String[]> calls = new ArrayList<>();
            calls.add(new String[] {"public", "POST", "/api/tenants/" + seg + "/sessions", credentials});
            calls.add(new String[] {"public", "GET", "/api/tenants/" + seg + "/rooms/general/messages", null});
            calls.add(new String[] {"public", "DELETE", "/api/tenants/" + seg + "/sessions/current", null});
            calls.add(new String[] {"admin", "GET", "/admin/tenants/" + seg, null});
            calls.add(new String[] {"admin", "DELETE", "/admin/tenants/" + seg, null});
            calls.add(new String[] {"admin", "POST", "/admin/tenants/" + seg + "/users", credentials});
            calls.add(new String[] {"admin", "POST", "/admin/tenants/" + seg + "/suspend", null});
            calls.add(new String[] {"admin", "POST", "/admin/tenants/" + seg + "/resume", null});
            calls.add(new String[] {"admin", "POST", "/admin/tenants/" + seg + "/announcements", "{\"text\":\"x\"}"});
            calls.add(new String[] {"admin", "DELETE", "/admin/tenants/" + seg + "/users/alice", null});
            for (String[] call : calls) {
                HttpResponse<String> response = call[0].equals("public")
                        ? server.call(call[1], call[2], call[3], alphaToken)
                        : rawAdmin(call[1], call[2], call[3]);
                assertRefused(call[1] + " " + call[2], response);
            }
        }
        // ids written into the path as they are (the server decodes and normalizes them itself)
        for (String path : List.of(
                "/api/tenants/../alpha/sessions",
                "/api/tenants/acme%2F../sessions",
                "/api/tenants/alpha%2F..%2Fbeta/sessions",
                "/api/tenants/..%2Fx/sessions",
                "/api/tenants/ACME/sessions",
                "/api/tenants/acme;DROP/sessions",
                "/api/tenants/x:file/sessions")) {
            assertRefused(path, server.call("POST", path, credentials, null));
        }
        for (String path : List.of(
                "/admin/tenants/../x/users",
                "/admin/tenants/acme%2F../users",
                "/admin/tenants/..%2F..%2Fx/users",
                "/admin/tenants/x:file/users",
                "/admin/tenants/acme;DROP/users")) {
            assertRefused(path, rawAdmin("POST", path, credentials));
        }
        // namespaces that are not tenants
        for (String ns : List.of("ACME", "a_b", "nosuch")) {
            try (ChatClient socket = ChatClient.open(server.url(), "/" + ns, ChatClient.options(alphaToken))) {
                assertEquals("Invalid namespace", socket.awaitConnectError(), ns);
            }
        }

        assertEquals(before, tree(root), "nothing created or removed under the tenants folder");
        Set<String> parentAfter = names(parent);
        for (String name : List.of("x", "acme", "ACME", "a_b", "file", "beta", "alpha")) {
            assertEquals(parentBefore.contains(name), parentAfter.contains(name), "beside the tenants folder: " + name);
        }
        JsonNode tenants = json(server.admin("GET", "/admin/tenants", null).body());
        Set<String> ids = new TreeSet<>();
        tenants.forEach(t -> ids.add(t.get("id").asText()));
        assertEquals(Set.of("alpha", "beta"), ids);
        assertEquals(200, history("alpha", "general", alphaToken).statusCode(), "alpha is untouched");
    }

    // --- restarts --------------------------------------------------------------------------------------------

    @Test
    void aRuntimeTenantAndItsHistorySurviveARestart() throws Exception {
        Path dir = Files.createTempDirectory("tenants-restart");
        List<JsonNode> sent = new ArrayList<>();
        try (PlatformServer first = PlatformServer.start(dir)) {
            first.passwordTenant("durable", "alice");
            try (ChatClient alice = ChatClient.connect(first.url(), "/durable", first.login("durable", "alice"))) {
                assertOk(alice.join("general"));
                for (int i = 1; i <= 3; i++) {
                    sent.add(alice.send("general", "before restart " + i));
                }
            }
        }
        assertTrue(Files.isRegularFile(dir.resolve("durable").resolve("tenant.json")));
        try (PlatformServer second = PlatformServer.start(dir)) {
            JsonNode tenant =
                    json(second.admin("GET", "/admin/tenants/durable", null).body());
            assertEquals("durable", tenant.get("id").asText());
            assertEquals(3, tenant.get("messages").asInt());
            String token = second.login("durable", "alice");
            JsonNode page = json(second.call("GET", "/api/tenants/durable/rooms/general/messages", null, token)
                    .body());
            assertEquals(3, page.get("messages").size());
            for (int i = 0; i < 3; i++) {
                assertEquals(sent.get(i), page.get("messages").get(i));
            }
            try (ChatClient alice = ChatClient.connect(second.url(), "/durable", token)) {
                JsonNode joined = assertOk(alice.join("general"));
                assertEquals(3, joined.get("messages").size());
                assertEquals(
                        4, alice.send("general", "after restart").get("seq").asLong(), "seq continues");
            }
        }
    }
}
