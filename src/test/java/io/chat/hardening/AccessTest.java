package io.chat.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.platform.PlatformServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Access control under abuse: the admin API refuses alike whatever is wrong, rate-limits repeated failures,
 * refuses oversize and non-JSON bodies and is not served on the public port; a login flood on one user is cut
 * at the per-user limit (counted before the slow hash, so concurrency does not slip past it) while another user
 * of the tenant, from another address, still logs in (one address gets two logins at a time; more wait their turn).
 */
class AccessTest {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Another client address (all of 127/8 is loopback), for a user who is not the one flooding. */
    private static final HttpClient OTHER_ADDRESS = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .localAddress(loopback(2))
            .build();

    private static java.net.InetAddress loopback(int last) {
        try {
            return java.net.InetAddress.getByName("127.0.0." + last);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static HttpResponse<String> request(
            String url, String method, String contentType, String body, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** How many of {@code answers} were 401 and how many 429 (each with Retry-After); any other answer fails. */
    private static int[] unauthorizedAndLimited(List<Future<HttpResponse<String>>> answers) throws Exception {
        int[] counts = new int[2];
        for (Future<HttpResponse<String>> answer : answers) {
            HttpResponse<String> response = answer.get();
            switch (response.statusCode()) {
                case 401 -> counts[0]++;
                case 429 -> {
                    counts[1]++;
                    assertTrue(response.headers().firstValue("Retry-After").isPresent());
                    assertTrue(response.body().contains("rate_limited"), response.body());
                }
                default -> throw new AssertionError("answered " + response.statusCode() + ": " + response.body());
            }
        }
        return counts;
    }

    @Test
    void adminFailuresAnswerAlikeThen429AndTheBodyRulesHold() throws Exception {
        try (PlatformServer server = PlatformServer.start()) {
            String tenants = server.adminUrl() + "/admin/tenants";
            String body = "{\"id\":\"acme\",\"auth\":{\"type\":\"password\"}}";
            // what the API refuses before authentication says nothing either
            assertEquals(
                    415,
                    request(
                                    tenants,
                                    "POST",
                                    "text/plain",
                                    body,
                                    basic(PlatformServer.ADMIN_USER, PlatformServer.ADMIN_PASSWORD))
                            .statusCode());
            assertEquals(
                    413,
                    request(
                                    tenants,
                                    "POST",
                                    "application/json",
                                    "{\"id\":\"acme\",\"x\":\"" + "x".repeat(70_000) + "\"}",
                                    basic(PlatformServer.ADMIN_USER, PlatformServer.ADMIN_PASSWORD))
                            .statusCode());
            // unknown user, wrong password, right password under a wrong name: the same answer
            List<String> wrong = List.of(
                    basic("nobody", "whatever-password"),
                    basic(PlatformServer.ADMIN_USER, "wrong-password"),
                    basic("nobody", PlatformServer.ADMIN_PASSWORD));
            String first = null;
            for (String auth : wrong) {
                HttpResponse<String> refused = request(tenants, "POST", "application/json", body, auth);
                assertEquals(401, refused.statusCode());
                assertFalse(refused.body().contains(PlatformServer.ADMIN_PASSWORD));
                first = first == null ? refused.body() : first;
                assertEquals(first, refused.body(), "every admin 401 has the same body");
            }
            // past ten failures a minute, 429 with Retry-After, and no password is checked any more
            int failures = wrong.size();
            HttpResponse<String> last = null;
            for (int i = 0; i < 20; i++) {
                last = request(tenants, "GET", null, null, basic(PlatformServer.ADMIN_USER, "guess-" + i));
                if (last.statusCode() == 429) {
                    break;
                }
                assertEquals(401, last.statusCode());
                failures++;
            }
            assertEquals(429, last.statusCode(), "no 429 after " + failures + " failed admin logins");
            assertEquals(10, failures);
            assertTrue(Long.parseLong(last.headers().firstValue("Retry-After").orElseThrow()) > 0);
            assertTrue(last.body().contains("rate_limited"), last.body());
            assertEquals(
                    429,
                    request(tenants, "GET", null, null, basic(PlatformServer.ADMIN_USER, PlatformServer.ADMIN_PASSWORD))
                            .statusCode());
            assertFalse(java.nio.file.Files.exists(server.tenantsDir().resolve("acme")), "nothing was created");
        }
    }

    /**
     * Wrong admin passwords sent together: each takes its count before its slow hash, so at most ten a minute are
     * checked (401) and the others answer 429 at once; before, all forty were hashed and answered 401. Requests that
     * authenticate give their count back: any number of them leave all ten for failures.
     */
    @Test
    void concurrentWrongAdminPasswordsGetTenChecksAndTheRest429() throws Exception {
        try (PlatformServer server = PlatformServer.start()) {
            String tenants = server.adminUrl() + "/admin/tenants";
            String right = basic(PlatformServer.ADMIN_USER, PlatformServer.ADMIN_PASSWORD);
            for (int i = 0; i < 15; i++) {
                assertEquals(200, request(tenants, "GET", null, null, right).statusCode());
            }
            int guesses = 40;
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService guessers = Executors.newFixedThreadPool(guesses);
            try {
                List<Future<HttpResponse<String>>> answers = new ArrayList<>();
                for (int i = 0; i < guesses; i++) {
                    String guess = basic(PlatformServer.ADMIN_USER, "parallel-guess-" + i);
                    answers.add(guessers.submit(() -> {
                        start.await();
                        return request(tenants, "GET", null, null, guess);
                    }));
                }
                start.countDown();
                int[] answered = unauthorizedAndLimited(answers);
                int checked = answered[0];
                int limited = answered[1];
                assertEquals(10, checked, "wrong passwords hashed and refused: " + checked + ", 429: " + limited);
                assertEquals(guesses - 10, limited);
            } finally {
                guessers.shutdownNow();
            }
            assertEquals(429, request(tenants, "GET", null, null, right).statusCode(), "until the minute is over");
        }
    }

    @Test
    void adminRoutesAreNotOnThePublicPort() throws Exception {
        try (PlatformServer server = PlatformServer.start()) {
            String auth = basic(PlatformServer.ADMIN_USER, PlatformServer.ADMIN_PASSWORD);
            for (String path : List.of("/admin/tenants", "/admin/tenants/x", "/metrics", "/admin", "/admin/")) {
                HttpResponse<String> get = request(server.url() + path, "GET", null, null, auth);
                assertEquals(404, get.statusCode(), path);
                Hygiene.assertClean(path, get.body());
            }
            assertEquals(
                    404,
                    request(
                                    server.url() + "/admin/tenants",
                                    "POST",
                                    "application/json",
                                    "{\"id\":\"acme\",\"auth\":{\"type\":\"password\"}}",
                                    auth)
                            .statusCode());
        }
    }

    @Test
    void aLoginFloodOnOneUserIsCutAtTheLimitWhileAnotherUserLogsIn() throws Exception {
        try (PlatformServer server = PlatformServer.start()) {
            server.passwordTenant("flood", "alice", "bob");
            String sessions = server.url() + "/api/tenants/flood/sessions";
            int attempts = 80;
            List<Future<HttpResponse<String>>> flood = new ArrayList<>();
            HttpResponse<String> bob;
            long bobMillis;
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                // from 40 addresses, two at a time each: the per-address gate lets all of them through to the
                // per-user limit, which must hold however many arrive at once
                List<HttpClient> addresses = new ArrayList<>();
                for (int a = 0; a < 40; a++) {
                    addresses.add(HttpClient.newBuilder()
                            .localAddress(loopback(10 + a))
                            .build());
                }
                String target = sessions.replace("localhost", "127.0.0.1");
                for (int i = 0; i < attempts; i++) {
                    HttpClient from = addresses.get(i % addresses.size());
                    HttpRequest guess = HttpRequest.newBuilder(URI.create(target))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"username\":\"alice\",\"password\":\"guess-number-" + i + "\"}"))
                            .build();
                    flood.add(pool.submit(() -> from.send(guess, HttpResponse.BodyHandlers.ofString())));
                }
                long start = System.nanoTime();
                bob = OTHER_ADDRESS.send(
                        HttpRequest.newBuilder(URI.create(sessions.replace("localhost", "127.0.0.1")))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"username\":\"bob\",\"password\":\"bob-password\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                bobMillis = (System.nanoTime() - start) / 1_000_000;
            }
            int[] answered = unauthorizedAndLimited(flood);
            int unauthorized = answered[0];
            int limited = answered[1];
            System.out.println("login flood: " + attempts + " concurrent guesses -> " + unauthorized + " x 401, "
                    + limited + " x 429; bob logged in in " + bobMillis + " ms");
            // the user's 10, then 10 more from addresses that had not failed her yet (the second allowance, one at a
            // time per address): 40 addresses get twice the limit, no more, however many arrive at once
            assertEquals(2 * 10, unauthorized, "guesses checked (each a slow hash) against twice the limit of 10");
            assertEquals(attempts - unauthorized, limited);
            assertEquals(201, bob.statusCode(), bob.body());
            // with both used up, alice herself is locked out for the rest of the minute, right password or not, even
            // from an address that never failed
            assertEquals(
                    429,
                    request(
                                    sessions,
                                    "POST",
                                    "application/json",
                                    "{\"username\":\"alice\",\"password\":\"alice-password\"}",
                                    null)
                            .statusCode());
        }
    }

    @Test
    void anOfficeBehindOneAddressLogsInTogether() throws Exception {
        try (PlatformServer server = PlatformServer.start()) {
            String[] staff = {"ann", "ben", "cy", "dee", "eve", "fay", "gus", "hal"};
            server.passwordTenant("office", staff);
            String sessions = server.url().replace("localhost", "127.0.0.1") + "/api/tenants/office/sessions";
            List<Future<HttpResponse<String>>> logins = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (String user : staff) {
                    logins.add(pool.submit(() -> request(
                            sessions,
                            "POST",
                            "application/json",
                            "{\"username\":\"" + user + "\",\"password\":\"" + PlatformServer.password(user) + "\"}",
                            null)));
                }
            }
            // one address, eight logins at 9:00: two at a time, the others wait their turn instead of a 429
            for (Future<HttpResponse<String>> login : logins) {
                assertEquals(201, login.get().statusCode(), login.get().body());
            }
        }
    }
}
