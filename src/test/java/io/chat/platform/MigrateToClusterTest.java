package io.chat.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chat.Main;
import io.chat.PostgresLogin;
import io.chat.Settings;
import io.chat.tenant.TenantJson;
import io.chat.testing.JwtTenants;
import io.chat.testing.PostgresServer;
import io.chat.testing.RedisServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code scripts/migrate-to-cluster}: a tenants folder made by a real single node (two tenants, users, sessions,
 * rooms, clientIds, unicode, a room of more than one page) is moved into a real PostgreSQL, and a cluster node started
 * on that database serves it as before: same passwords, same tokens, same history (seqs, ids, timestamps), new
 * messages after the last seq, old clientIds recognised. A second run refuses and changes nothing; a folder a running
 * server holds is refused, in this JVM and from the script (another process).
 */
class MigrateToClusterTest {
    private static final String LIMITS = "{\"messagesPerSecond\":100000,\"messageBurst\":100000,"
            + "\"tenantMessagesPerSecond\":100000,\"tenantMessageBurst\":100000,"
            + "\"eventsPerSecond\":100000,\"eventBurst\":100000}";
    private static final int BIG_ROOM = 1_200;
    private static final String UNICODE_ROOM = "unicode.room";

    private static PostgresServer postgres;
    private static Path tenantsDir;
    private static String acme;
    private static String globex;
    private static String aliceToken;
    /** Each tenant's rooms' full histories, as the single node served them: tenant -> room -> messages. */
    private static final Map<String, Map<String, List<JsonNode>>> HISTORY = new LinkedHashMap<>();
    /** A message alice sent with a clientId, before the move. */
    private static JsonNode sentWithClientId;
    /** The conversation bob opened with alice, before the move. */
    private static String conversation;

    @BeforeAll
    static void buildASingleNodeFolder() throws Exception {
        postgres = PostgresServer.shared();
        tenantsDir = Files.createTempDirectory("migrate-tenants");
        // the migration takes tenants in name order: acme's before globex's whatever the shared counter reached (mig-99
        // and mig-100 swapped them once other tests made more tenants)
        acme = TestTenants.newId("mig-a");
        globex = TestTenants.newId("mig-b");
        try (PlatformServer single = PlatformServer.start(tenantsDir)) {
            TestTenants.passwordTenant(single, acme, LIMITS, "alice", "bob");
            TestTenants.passwordTenant(single, globex, LIMITS, "carol");
            aliceToken = single.login(acme, "alice");
            String bobToken = single.login(acme, "bob");
            String carolToken = single.login(globex, "carol");
            try (ChatClient alice = ChatClient.connect(single.url(), "/" + acme, aliceToken);
                    ChatClient bob = ChatClient.connect(single.url(), "/" + acme, bobToken);
                    ChatClient carol = ChatClient.connect(single.url(), "/" + globex, carolToken)) {
                for (String room : List.of("lobby", "big", UNICODE_ROOM)) {
                    alice.join(room);
                }
                bob.join("lobby");
                carol.join("lobby");
                sentWithClientId = send(alice, "lobby", "hello 👋 with a clientId", "client-1");
                send(bob, "lobby", "hi alice", null);
                // an edit and a reaction: two more entries of acme's lobby, which the move must keep
                assertEquals(
                        "edit",
                        bob.call("message:edit", ChatClient.json("room", "lobby", "seq", 2, "text", "hi alice!"))
                                .get("entry")
                                .get("kind")
                                .asText());
                assertEquals(
                        "reaction",
                        alice.call("reaction:toggle", ChatClient.json("room", "lobby", "seq", 2, "emoji", "👍"))
                                .get("entry")
                                .get("kind")
                                .asText());
                send(alice, UNICODE_ROOM, "ünïcödé ✓ 𝄞 日本語", "client-2");
                send(carol, "lobby", "globex's own lobby", "client-1");
                // after bob's read position (below): unread, and a mention of him, in the cluster too
                send(alice, "lobby", "@bob, the move keeps this mention", null);
                for (int i = 1; i <= BIG_ROOM; i++) {
                    send(alice, "big", "message " + i, i % 3 == 0 ? "big-" + i : null);
                }
            }
            // rooms bob keeps (remembered by the store), one with a topic and no history
            try (ChatClient bob = following(single.url(), acme, bobToken)) {
                ChatAssertions.assertOk(bob.join("kept"));
                ChatAssertions.assertOk(bob.join("lobby"));
                ChatAssertions.assertOk(bob.call("room:topic", ChatClient.json("room", "kept", "topic", "moved too")));
                // how far bob read the lobby (his read position) moves too
                ChatAssertions.assertOk(bob.call("room:read", ChatClient.json("room", "lobby", "seq", 1)));
                // a conversation with alice: its members move too (a non-member is refused it in the cluster)
                conversation = ChatAssertions.assertOk(bob.call("dm:open", ChatClient.json("users", List.of("alice"))))
                        .get("room")
                        .asText();
            }
            HISTORY.put(
                    acme,
                    Map.of(
                            "lobby",
                            TestTenants.fullHistory(single, acme, "lobby", aliceToken),
                            "big",
                            TestTenants.fullHistory(single, acme, "big", aliceToken),
                            UNICODE_ROOM,
                            TestTenants.fullHistory(single, acme, UNICODE_ROOM, aliceToken)));
            HISTORY.put(globex, Map.of("lobby", TestTenants.fullHistory(single, globex, "lobby", carolToken)));
        }
        assertEquals(BIG_ROOM, HISTORY.get(acme).get("big").size());
    }

    /** A socket that follows its user's remembered rooms. */
    private static ChatClient following(String url, String tenant, String token) {
        io.socket.client.IO.Options options = ChatClient.options(token);
        options.auth = Map.of("token", token, "rooms", "remembered");
        ChatClient client = ChatClient.open(url, "/" + tenant, options);
        client.awaitConnected();
        return client;
    }

    @AfterAll
    static void forgetTheFolder() {
        HISTORY.clear();
    }

    @Test
    void aMigratedFolderIsServedByAClusterNodeAsBefore() throws Exception {
        String database = database("moved");
        Result result = migrate(database, false);
        assertEquals(0, result.status(), result.err());
        System.out.println("[migrate] " + result.out().trim());
        JsonNode report = PlatformServer.json(result.out());
        assertEquals(2, report.get("tenants").size(), result.out());
        JsonNode acmeCounts = report.get("tenants").get(0);
        assertEquals(acme, acmeCounts.get("id").asText());
        assertEquals(2, acmeCounts.get("users").asLong());
        assertEquals(2, acmeCounts.get("sessions").asLong(), "alice's login and bob's");
        assertEquals(3, acmeCounts.get("rooms").asLong());
        assertEquals(BIG_ROOM + 6, acmeCounts.get("messages").asLong());
        JsonNode total = report.get("total");
        assertEquals(2, total.get("tenants").asLong());
        assertEquals(3, total.get("users").asLong());
        assertEquals(3, total.get("sessions").asLong());
        assertEquals(4, total.get("rooms").asLong());
        assertEquals(BIG_ROOM + 7, total.get("messages").asLong());

        try (RedisServer redis = RedisServer.start("migrate");
                PlatformServer node = PlatformServer.start(clusterNode(database, redis))) {
            // the old token is still valid (its session moved), and the old passwords log in
            for (Map.Entry<String, Map<String, List<JsonNode>>> tenant : HISTORY.entrySet()) {
                String token = tenant.getKey().equals(acme) ? aliceToken : node.login(globex, "carol");
                for (Map.Entry<String, List<JsonNode>> room : tenant.getValue().entrySet()) {
                    assertEquals(
                            room.getValue(),
                            TestTenants.fullHistory(node, tenant.getKey(), room.getKey(), token),
                            "the history of " + tenant.getKey() + "/" + room.getKey()
                                    + ": seqs, ids, senders, texts, timestamps, edits and reactions unchanged");
                }
            }
            // the rooms bob keeps moved, with their topic and his read position
            try (ChatClient bob = following(node.url(), acme, node.login(acme, "bob"))) {
                JsonNode rooms = bob.awaitEvent("rooms:mine").get("rooms");
                assertEquals(3, rooms.size(), rooms.toString());
                assertEquals(conversation, rooms.get(0).get("name").asText());
                assertEquals(
                        List.of("alice", "bob"), ChatClient.strings(rooms.get(0).get("members")));
                assertEquals("kept", rooms.get(1).get("name").asText());
                assertEquals("moved too", rooms.get(1).get("topic").get("text").asText());
                assertEquals("lobby", rooms.get(2).get("name").asText());
                assertEquals(1, rooms.get(2).get("lastRead").asLong(), "bob's read position moved too");
                assertEquals(1, rooms.get(2).get("unread").asLong(), rooms.toString());
                assertEquals(1, rooms.get(2).get("mentions").asLong(), "alice's mention of bob: " + rooms);
                ChatAssertions.assertOk(bob.call("history:fetch", ChatClient.json("room", conversation)));
            }

            try (ChatClient alice = ChatClient.connect(node.url(), "/" + acme, node.login(acme, "alice"))) {
                alice.join("big");
                alice.join("lobby");
                JsonNode next = send(alice, "big", "the first message in the cluster", "cluster-1");
                assertEquals(BIG_ROOM + 1, next.get("seq").asLong(), "numbering goes on after the last seq");
                JsonNode resent = send(alice, "lobby", "resent after the move", "client-1");
                assertEquals(sentWithClientId.get("id"), resent.get("id"), "the old clientId is a duplicate");
                assertEquals(sentWithClientId.get("seq"), resent.get("seq"));
                assertEquals(
                        HISTORY.get(acme).get("lobby").size(),
                        TestTenants.fullHistory(node, acme, "lobby", aliceToken).size(),
                        "the resend stored nothing");
            }
        }
    }

    @Test
    void theScriptMigratesOnceThenRefusesAndChangesNothing() throws Exception {
        String database = database("script");
        Result first = runScript(database);
        assertEquals(0, first.status(), first.err());
        JsonNode report = PlatformServer.json(first.out());
        assertEquals(BIG_ROOM + 7, report.get("total").get("messages").asLong(), first.out());
        Map<String, Long> rows = rowCounts(database);
        assertEquals(BIG_ROOM + 7, rows.get("messages"));

        Result again = runScript(database);
        assertEquals(1, again.status(), again.err());
        assertTrue(
                again.err().contains(acme)
                        && again.err().contains(globex)
                        && again.err().contains("already"),
                again.err());
        assertEquals("", again.out().trim());
        assertEquals(rows, rowCounts(database), "a refused run writes nothing");
        // and in this JVM, through Main, the same
        Result inProcess = migrate(database, false);
        assertEquals(1, inProcess.status());
        assertTrue(inProcess.err().contains("nothing was migrated"), inProcess.err());
        assertEquals(rows, rowCounts(database));
        // --skip-existing: nothing left to move
        Result skipping = migrate(database, true);
        assertEquals(0, skipping.status(), skipping.err());
        assertEquals(2, PlatformServer.json(skipping.out()).get("skipped").size());
        assertEquals(rows, rowCounts(database));
    }

    @Test
    void aTenantThatFailsHalfWayLeavesNothingAndTheRunGoesOnWithSkipExisting() throws Exception {
        String database = database("atomic");
        // an empty folder: nothing to move, but the schema is made
        Path empty = Files.createTempDirectory("migrate-empty");
        Result nothing = migrate(empty, database, false);
        assertEquals(0, nothing.status(), nothing.err());
        assertEquals(
                0,
                PlatformServer.json(nothing.out()).get("total").get("tenants").asLong());
        // a trigger refusing globex's room counters makes globex's last statement fail, after its users, sessions and
        // messages went in (a stray counter did, until V8 refused rows of a tenant that is not in tenants)
        try (Connection connection = postgres.ownerConnection(database);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE FUNCTION refuse_counter() RETURNS trigger LANGUAGE plpgsql AS"
                    + " $$ BEGIN RAISE EXCEPTION 'counter refused'; END $$");
            statement.execute("CREATE TRIGGER refuse_counter BEFORE INSERT ON room_counters FOR EACH ROW"
                    + " WHEN (NEW.tenant_id = '" + globex + "') EXECUTE FUNCTION refuse_counter()");
        }
        Result failed = migrate(database, false);
        assertEquals(1, failed.status(), failed.err());
        assertTrue(
                failed.err().contains("tenant " + globex + ": ")
                        && failed.err().contains("nothing of " + globex + " was written")
                        && failed.err().contains("migrated before it: " + acme),
                failed.err());
        Map<String, Long> globexRows = rowsOf(database, globex);
        assertEquals(
                Map.of("tenants", 0L, "users", 0L, "sessions", 0L, "messages", 0L, "room_counters", 0L),
                globexRows,
                "all of globex or nothing: nothing");
        assertEquals(BIG_ROOM + 6, rowsOf(database, acme).get("messages"), "acme, before it, is in");

        try (Connection connection = postgres.ownerConnection(database);
                Statement statement = connection.createStatement()) {
            statement.execute("DROP TRIGGER refuse_counter ON room_counters");
            statement.execute("DROP FUNCTION refuse_counter()");
        }
        Result resumed = migrate(database, true);
        assertEquals(0, resumed.status(), resumed.err());
        JsonNode report = PlatformServer.json(resumed.out());
        assertEquals(acme, report.get("skipped").get(0).asText());
        assertEquals(globex, report.get("tenants").get(0).get("id").asText());
        assertEquals(
                Map.of("tenants", 1L, "users", 1L, "sessions", 1L, "messages", 1L, "room_counters", 1L),
                rowsOf(database, globex));
    }

    @Test
    void aFolderARunningServerHoldsIsRefused() throws Exception {
        String database = database("held");
        try (PlatformServer running = PlatformServer.start(tenantsDir)) {
            assertEquals(200, running.call("GET", "/health", null, null).statusCode());
            Result inProcess = migrate(database, false);
            assertEquals(1, inProcess.status());
            assertTrue(inProcess.err().contains("a server is running"), inProcess.err());
            Result script = runScript(database);
            assertEquals(1, script.status(), script.err());
            assertTrue(script.err().contains("a server is running"), script.err());
        }
        try (Connection connection = postgres.ownerConnection(database);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'tenants'")) {
            rows.next();
            assertEquals(0, rows.getLong(1), "refused before it even touched the database");
        }
    }

    @Test
    void jwtTenantsThatWouldAcceptEachOthersTokensAreRefusedAsProvisioningRefusesThem() throws Exception {
        String database = database("jwt");
        String issuer = "https://idp.example/realm";
        String secret = "a-shared-hs256-secret-of-at-least-32-bytes";
        String clusterTenant = TestTenants.newId("jwt");
        Path cluster = Files.createTempDirectory("migrate-jwt-cluster");
        writeJwtTenant(cluster, clusterTenant, issuer, null, secret);
        Result first = migrate(cluster, database, false);
        assertEquals(0, first.status(), first.err());

        // one folder tenant sharing the cluster tenant's issuer and key, without an audience: refused, nothing written
        Path folder = Files.createTempDirectory("migrate-jwt-folder");
        String sharing = TestTenants.newId("jwt");
        String separate = TestTenants.newId("jwt");
        writeJwtTenant(folder, sharing, issuer, null, secret);
        writeJwtTenant(folder, separate, issuer, "its-own", secret);
        Map<String, Long> before = rowCounts(database);
        Result refused = migrate(folder, database, false);
        assertEquals(1, refused.status(), refused.err());
        assertTrue(
                refused.err().contains(sharing + " and " + clusterTenant)
                        && refused.err().contains("nothing was migrated")
                        && !refused.err().contains(secret),
                refused.err());
        assertEquals(before, rowCounts(database), "a refused run writes nothing");

        // two folder tenants sharing a key between themselves: refused too; with audiences of their own, migrated
        Path pair = Files.createTempDirectory("migrate-jwt-pair");
        String one = TestTenants.newId("jwt");
        String other = TestTenants.newId("jwt");
        writeJwtTenant(pair, one, issuer + "/pair", null, secret);
        writeJwtTenant(pair, other, issuer + "/pair", null, secret);
        Result pairRefused = migrate(pair, database, false);
        assertEquals(1, pairRefused.status(), pairRefused.err());
        assertTrue(pairRefused.err().contains("would accept each other's tokens"), pairRefused.err());
        assertEquals(before, rowCounts(database));
        writeJwtTenant(pair, one, issuer + "/pair", "one", secret);
        writeJwtTenant(pair, other, issuer + "/pair", "other", secret);
        Result moved = migrate(pair, database, false);
        assertEquals(0, moved.status(), moved.err());
        assertEquals(
                2, PlatformServer.json(moved.out()).get("total").get("tenants").asLong());
    }

    /** A JWT tenant's folder as a single node keeps it: its tenant.json alone (no store yet). */
    private static void writeJwtTenant(Path root, String id, String issuer, String audience, String secret)
            throws IOException {
        Path dir = Files.createDirectories(root.resolve(id));
        Files.write(dir.resolve("tenant.json"), TenantJson.toFile(JwtTenants.definition(id, issuer, audience, secret)));
    }

    private record Result(int status, String out, String err) {}

    private static Result migrate(String database, boolean skipExisting) {
        return migrate(tenantsDir, database, skipExisting);
    }

    private static Result migrate(Path folder, String database, boolean skipExisting) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = Main.migrateToCluster(folder, login(database), skipExisting, outStream, errStream);
        }
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Result runScript(String database) throws IOException, InterruptedException {
        Path stdout = Files.createTempFile("migrate-out", ".json");
        Path stderr = Files.createTempFile("migrate-err", ".log");
        ProcessBuilder builder = new ProcessBuilder(
                        Path.of("scripts/migrate-to-cluster").toAbsolutePath().toString(),
                        "--tenants-dir",
                        tenantsDir.toString())
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Map<String, String> env = builder.environment();
        PostgresLogin login = login(database);
        env.put("CHAT_POSTGRES_URL", login.url());
        env.put("CHAT_POSTGRES_USER", login.user());
        env.put("CHAT_POSTGRES_PASSWORD", login.password());
        env.put("CHAT_CLUSTER_CLASSPATH", System.getProperty("java.class.path"));
        env.put("JAVA_HOME", System.getProperty("java.home"));
        long started = System.nanoTime();
        Process script = builder.start();
        try {
            assertTrue(script.waitFor(3, TimeUnit.MINUTES), "the script did not finish in 3 minutes");
        } finally {
            script.descendants().forEach(ProcessHandle::destroyForcibly);
            script.destroyForcibly();
        }
        System.out.printf(
                "[migrate] script exited %d after %.1f s%n", script.exitValue(), (System.nanoTime() - started) / 1e9);
        return new Result(script.exitValue(), Files.readString(stdout), Files.readString(stderr));
    }

    private static JsonNode send(ChatClient client, String room, String text, String clientId) {
        JsonNode ack = clientId == null
                ? client.call("message:send", ChatClient.json("room", room, "text", text))
                : client.call("message:send", ChatClient.json("room", room, "text", text, "clientId", clientId));
        assertTrue(ack.path("ok").asBoolean(), ack.toString());
        return ack.get("message");
    }

    private static String database(String purpose) throws SQLException {
        String name = "migrate_" + purpose + "_" + ProcessHandle.current().pid();
        postgres.createDatabase(name);
        return name;
    }

    private static PostgresLogin login(String database) {
        return new PostgresLogin(postgres.jdbcUrl(database), postgres.ownerUser(), postgres.ownerPassword());
    }

    private static Settings clusterNode(String database, RedisServer redis) throws IOException {
        return Settings.forTests(
                        Files.createTempDirectory("migrate-node"),
                        PlatformServer.ADMIN_USER,
                        PlatformServer.ADMIN_PASSWORD)
                .toBuilder()
                .cluster(new Settings.Cluster(
                        postgres.jdbcUrl(database), postgres.ownerUser(), postgres.ownerPassword(), redis.uri()))
                .build();
    }

    /** One tenant's rows per table. */
    private static Map<String, Long> rowsOf(String database, String tenant) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection connection = postgres.ownerConnection(database);
                Statement statement = connection.createStatement()) {
            for (String table : List.of("tenants", "users", "sessions", "messages", "room_counters")) {
                String column = table.equals("tenants") ? "id" : "tenant_id";
                try (ResultSet rows = statement.executeQuery(
                        "SELECT count(*) FROM " + table + " WHERE " + column + " = '" + tenant + "'")) {
                    rows.next();
                    counts.put(table, rows.getLong(1));
                }
            }
        }
        return counts;
    }

    /** Rows per table, as the owner (a superuser in the tests: row security does not hide other tenants' rows). */
    private static Map<String, Long> rowCounts(String database) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection connection = postgres.ownerConnection(database);
                Statement statement = connection.createStatement()) {
            for (String table : List.of("tenants", "users", "sessions", "messages", "room_counters")) {
                try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + table)) {
                    rows.next();
                    counts.put(table, rows.getLong(1));
                }
            }
        }
        return counts;
    }
}
