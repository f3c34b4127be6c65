package io.chat.hardening;

import static io.chat.platform.ChatClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chat.platform.ChatClient;
import io.chat.platform.PlatformServer;
import io.chat.platform.PlatformTest;
import io.chat.testing.RawWebSocket;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tenant {@code alpha} probes tenant {@code beta} with everything of beta's it can name (user names, room names,
 * seqs, message ids, tokens, the namespace itself on a shared Engine.IO connection) on every event and REST route:
 * no answer carries any of beta's data, and refusals look alike. The server log of the whole run is captured and
 * must hold no token, password or message text.
 */
@PlatformTest
class IsolationProbeTest {
    private static final String BETA_SECRET = "beta-only-text-7f3a9c";
    private static final String ALPHA_SECRET = "alpha-only-text-41be20";
    private static final List<String> LOG = new ArrayList<>();
    private static final Handler CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord record) {
            StringBuilder line = new StringBuilder(String.valueOf(record.getMessage()));
            if (record.getParameters() != null) {
                for (Object p : record.getParameters()) {
                    line.append(' ').append(p);
                }
            }
            for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
                line.append(' ').append(t);
            }
            synchronized (LOG) {
                LOG.add(line.toString());
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    private static PlatformServer server;
    private static String betaToken;
    private static String betaMessageId;
    private static long betaSeq;

    @BeforeAll
    static void provision() throws Exception {
        Logger.getLogger("").addHandler(CAPTURE);
        server.passwordTenant("alpha", "alice");
        server.passwordTenant("beta", "carol");
        betaToken = server.login("beta", "carol");
        try (ChatClient carol = ChatClient.connect(server.url(), "/beta", betaToken)) {
            assertTrue(carol.join("secret-room").path("ok").asBoolean());
            assertTrue(carol.join("general").path("ok").asBoolean());
            JsonNode message = carol.send("secret-room", BETA_SECRET);
            carol.send("general", BETA_SECRET + "-general");
            betaMessageId = message.get("id").asText();
            betaSeq = message.get("seq").asLong();
        }
    }

    @AfterAll
    static void stop() {
        Logger.getLogger("").removeHandler(CAPTURE);
    }

    private static void assertNoBetaData(String what, String answer) {
        for (String leak : List.of(BETA_SECRET, "carol", "secret-room\",\"members\":[\"c", betaMessageId, betaToken)) {
            assertFalse(answer.contains(leak), what + " leaks beta's " + leak + ": " + answer);
        }
        Hygiene.assertClean(what, answer);
    }

    @Test
    void everyEventOfAlphaNamingBetasThingsFindsNothingOfBeta() {
        String alphaToken = server.login("alpha", "alice");
        try (ChatClient alice = ChatClient.connect(server.url(), "/alpha", alphaToken)) {
            List<Object[]> probes = List.of(
                    new Object[] {"room:join", json("room", "secret-room")},
                    new Object[] {"room:join", json("room", "secret-room", "since", 0)},
                    new Object[] {"room:join", json("room", "general", "since", betaSeq - 1)},
                    new Object[] {"history:fetch", json("room", "secret-room")},
                    new Object[] {"history:fetch", json("room", "secret-room", "before", betaSeq + 1, "limit", 100)},
                    new Object[] {"history:fetch", json("room", "general", "before", Long.MAX_VALUE)},
                    new Object[] {"presence:list", json("room", "secret-room")},
                    new Object[] {"presence:list", json("room", "general")},
                    new Object[] {"rooms:list", json()},
                    new Object[] {
                        "message:send", json("room", "secret-room", "text", ALPHA_SECRET, "clientId", betaMessageId)
                    },
                    new Object[] {
                        "message:send", json("room", "general", "text", ALPHA_SECRET, "clientId", betaMessageId)
                    },
                    new Object[] {"room:leave", json("room", "secret-room")},
                    new Object[] {"room:join", json("room", "/beta")},
                    new Object[] {"room:join", json("room", "beta")},
                    new Object[] {"history:fetch", json("room", "beta/secret-room")},
                    new Object[] {"presence:list", json("room", "carol")});
            for (Object[] probe : probes) {
                JsonNode ack = alice.call((String) probe[0], probe[1]);
                assertNoBetaData(probe[0] + " " + probe[1], ack.toString());
            }
            alice.sync();
            for (ChatClient.Event event : alice.events()) {
                assertNoBetaData("event " + event.name(), String.valueOf(event.payload()));
            }
        }
        // alpha's sends with beta's message id as clientId are alpha's own messages; beta's rooms are untouched
        try (ChatClient carol = ChatClient.connect(server.url(), "/beta", betaToken)) {
            JsonNode history = carol.call("history:fetch", json("room", "secret-room"));
            assertEquals(1, history.get("messages").size(), history.toString());
            JsonNode general = carol.call("history:fetch", json("room", "general"));
            assertFalse(general.toString().contains(ALPHA_SECRET), general.toString());
        }
    }

    @Test
    void aSharedEngineConnectionCannotSpeakInANamespaceItDidNotJoin() throws Exception {
        String alphaToken = server.login("alpha", "alice");
        try (RawWebSocket wire = Wire.tenant(server.port(), "alpha", alphaToken)) {
            // events and acks aimed at beta, which this connection never connected to
            wire.sendText("42/beta,1[\"room:join\",{\"room\":\"secret-room\"}]");
            wire.sendText("42/beta,2[\"message:send\",{\"room\":\"general\",\"text\":\"" + ALPHA_SECRET + "\"}]");
            wire.sendText("42/beta,3[\"history:fetch\",{\"room\":\"secret-room\"}]");
            wire.sendText("43/beta,1[{\"ok\":true}]");
            wire.sendText("41/beta,");
            // the connection still serves alpha, and nothing of beta came back on it
            String ack = wire.call("alpha", 9, "rooms:list", "{}");
            assertTrue(ack.contains("\"ok\":true"), ack);
        } catch (java.io.EOFException | java.net.SocketException closed) {
            // closing the connection is an acceptable answer too; what matters is below
        }
        try (ChatClient carol = ChatClient.connect(server.url(), "/beta", betaToken)) {
            JsonNode general = carol.call("history:fetch", json("room", "general"));
            assertFalse(general.toString().contains(ALPHA_SECRET), general.toString());
        }
    }

    @Test
    void everyRestRouteWithBetasNamesAnswersAlikeAndEmpty() {
        String alphaToken = server.login("alpha", "alice");
        String garbage = "not-a-token-at-all-0123456789";
        // alpha's token, beta's token, a garbage token on beta's routes: the same 401 with the same body
        List<HttpResponse<String>> refused = List.of(
                server.call("GET", "/api/tenants/beta/rooms/secret-room/messages", null, alphaToken),
                server.call("GET", "/api/tenants/beta/rooms/secret-room/messages", null, garbage),
                server.call(
                        "GET",
                        "/api/tenants/beta/rooms/secret-room/messages?before=" + (betaSeq + 1),
                        null,
                        alphaToken),
                server.call("GET", "/api/tenants/alpha/rooms/secret-room/messages", null, betaToken),
                server.call("DELETE", "/api/tenants/beta/sessions/current", null, alphaToken),
                server.call("DELETE", "/api/tenants/alpha/sessions/current", null, betaToken));
        for (HttpResponse<String> response : refused) {
            assertEquals(401, response.statusCode(), response.body());
            assertEquals(refused.getFirst().body(), response.body());
            assertNoBetaData("REST", response.body());
        }
        // alpha's own view of the room names beta uses: empty
        HttpResponse<String> own =
                server.call("GET", "/api/tenants/alpha/rooms/secret-room/messages", null, alphaToken);
        assertEquals(200, own.statusCode());
        assertNoBetaData("alpha history", own.body());
        // beta's password for carol in alpha: the same 401 as any unknown user
        HttpResponse<String> crossLogin = server.call(
                "POST",
                "/api/tenants/alpha/sessions",
                "{\"username\":\"carol\",\"password\":\"carol-password\"}",
                null);
        HttpResponse<String> unknown = server.call(
                "POST",
                "/api/tenants/alpha/sessions",
                "{\"username\":\"nobody\",\"password\":\"carol-password\"}",
                null);
        assertEquals(401, crossLogin.statusCode());
        assertEquals(unknown.body(), crossLogin.body());
        // the token still works at home
        assertEquals(
                200,
                server.call("GET", "/api/tenants/beta/rooms/secret-room/messages", null, betaToken)
                        .statusCode());
    }

    @Test
    void theLogOfAFullScenarioHoldsNoTokenPasswordOrMessageText() throws Exception {
        String token = server.login("alpha", "alice");
        String logText = "log-probe-text-" + System.nanoTime();
        try (ChatClient alice = ChatClient.connect(server.url(), "/alpha", token)) {
            alice.join("logged");
            alice.send("logged", logText);
            alice.call("history:fetch", json("room", "logged"));
            alice.call("message:send", json("room", "logged", "text", "x".repeat(5000)));
            alice.call("no:such:event", json("text", logText));
        }
        server.call(
                "POST", "/api/tenants/alpha/sessions", "{\"username\":\"alice\",\"password\":\"wrong-pass-9\"}", null);
        server.call(
                "POST", "/api/tenants/alpha/sessions", "{\"username\":\"ghost\",\"password\":\"ghost-pass-9\"}", null);
        server.admin("POST", "/admin/tenants/alpha/users", "{\"username\":\"dave\",\"password\":\"dave-pass-secret\"}");
        server.admin("POST", "/admin/tenants/alpha/announcements", "{\"text\":\"" + logText + "-announce\"}");
        AccessTest.request(
                server.adminUrl() + "/admin/tenants",
                "GET",
                null,
                null,
                AccessTest.basic("root", "admin-guess-secret"));
        server.call("DELETE", "/api/tenants/alpha/sessions/current", null, token);
        List<String> lines;
        synchronized (LOG) {
            lines = List.copyOf(LOG);
        }
        assertTrue(lines.stream().anyMatch(l -> l.contains("event=login")), "the capture saw the server's log");
        List<String> secrets = List.of(
                token,
                betaToken,
                logText,
                BETA_SECRET,
                "alice-password",
                "carol-password",
                "wrong-pass-9",
                "ghost-pass-9",
                "dave-pass-secret",
                "admin-guess-secret",
                PlatformServer.ADMIN_PASSWORD,
                "x".repeat(100));
        for (String line : lines) {
            for (String secret : secrets) {
                assertFalse(line.contains(secret), "the log holds a secret: " + line);
            }
        }
        System.out.println("log hygiene: " + lines.size() + " log lines, no secret");
    }
}
