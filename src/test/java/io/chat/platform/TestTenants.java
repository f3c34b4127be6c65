package io.chat.platform;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Tenants, users and REST history for the platform tests, through the admin and public HTTP APIs. */
final class TestTenants {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private TestTenants() {}

    /** A new tenant id, unique in this JVM: {@code prefix-N}. */
    static String newId(String prefix) {
        return prefix + "-" + COUNTER.incrementAndGet();
    }

    /** A password tenant with limits (a JSON object, or null for the defaults) and users (password = user+"-password"). */
    static void passwordTenant(PlatformServer server, String id, String limitsJson, String... users) {
        server.limitedPasswordTenant(id, limitsJson, users);
    }

    static void addUser(PlatformServer server, String tenant, String user) {
        expect(
                201,
                server.admin(
                        "POST",
                        "/admin/tenants/" + tenant + "/users",
                        "{\"username\":\"" + user + "\",\"password\":\"" + PlatformServer.password(user) + "\"}"));
    }

    /** A live figure of the tenant from {@code GET /admin/tenants/{id}}, e.g. "sockets"; -1 when absent. */
    static long figure(PlatformServer server, String tenant, String name) {
        HttpResponse<String> response = server.admin("GET", "/admin/tenants/" + tenant, null);
        expect(200, response);
        JsonNode node = PlatformServer.json(response.body());
        JsonNode value = node.findValue(name);
        return value == null ? -1 : value.asLong();
    }

    /** Waits (up to 10 s) until the tenant's live socket count is {@code expected}. */
    static void awaitSockets(PlatformServer server, String tenant, long expected) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        long sockets;
        while ((sockets = figure(server, tenant, "sockets")) != expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("tenant " + tenant + " has " + sockets + " sockets, expected " + expected);
            }
            sleep(20);
        }
    }

    /** One page of REST history: {@code GET /api/tenants/{t}/rooms/{room}/messages?before=&limit=}. */
    static JsonNode historyPage(
            PlatformServer server, String tenant, String room, String token, Long before, Integer limit) {
        HttpResponse<String> response = server.call("GET", historyPath(tenant, room, before, limit), null, token);
        expect(200, response);
        return PlatformServer.json(response.body());
    }

    static String historyPath(String tenant, String room, Long before, Integer limit) {
        StringBuilder path = new StringBuilder(
                "/api/tenants/" + tenant + "/rooms/" + URLEncoder.encode(room, StandardCharsets.UTF_8) + "/messages");
        String separator = "?";
        if (before != null) {
            path.append(separator).append("before=").append(before);
            separator = "&";
        }
        if (limit != null) {
            path.append(separator).append("limit=").append(limit);
        }
        return path.toString();
    }

    /** The whole history of a room over REST, paging back with {@code before}; oldest first. */
    static List<JsonNode> fullHistory(PlatformServer server, String tenant, String room, String token) {
        return fullHistory(before -> historyPage(server, tenant, room, token, before, 100));
    }

    static List<JsonNode> fullHistory(java.util.function.Function<Long, JsonNode> pageBefore) {
        List<JsonNode> pages = new ArrayList<>();
        Long before = null;
        while (true) {
            JsonNode page = pageBefore.apply(before);
            JsonNode messages = page.get("messages");
            if (!page.get("hasMore").isBoolean()) {
                throw new AssertionError("hasMore is not a boolean: " + page);
            }
            pages.add(messages);
            if (!page.get("hasMore").asBoolean()) {
                break;
            }
            if (messages.isEmpty()) {
                throw new AssertionError("hasMore true on an empty page");
            }
            before = messages.get(0).get("seq").asLong();
        }
        List<JsonNode> all = new ArrayList<>();
        for (int i = pages.size() - 1; i >= 0; i--) {
            pages.get(i).forEach(all::add);
        }
        return all;
    }

    static void expect(int status, HttpResponse<String> response) {
        if (response.statusCode() != status) {
            throw new AssertionError("expected " + status + " but got " + response.statusCode() + " for "
                    + response.request().method() + " " + response.request().uri() + ": "
                    + response.body());
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
