package io.chat.chat;

import static io.chat.platform.ChatClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chat.history.MessagePage;
import io.chat.history.ReadsBusyException;
import io.chat.platform.ChatClient;
import io.chat.platform.PlatformServer;
import io.chat.tenant.Tenant;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A tenant whose reads are queued to their bound refuses more at once, on the socket and over REST. */
class BusyReadsTest {
    @Test
    void readsPastTheTenantsQueueAreRefusedAtOnceAsUnavailable() throws Exception {
        try (ChatFixture fixture = new ChatFixture()) {
            Tenant tenant = fixture.passwordTenant("busy");
            String token = ChatFixture.session(tenant, "alice", Instant.now().plusSeconds(3600));
            try (ChatClient alice = ChatClient.connect(fixture.url(), "/busy", token)) {
                fixture.holdReads();
                List<CompletableFuture<MessagePage>> queued = new ArrayList<>();
                JsonNode ack = refusedWhileTheQueueIsFull(
                        tenant, queued, () -> alice.call("history:fetch", json("room", "general")));
                HttpResponse<String> rest = refusedWhileTheQueueIsFull(tenant, queued, () -> HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(fixture.url() + "/api/tenants/busy/rooms/general/messages"))
                                        .header("Authorization", "Bearer " + token)
                                        .build(),
                                HttpResponse.BodyHandlers.ofString()));
                assertEquals("unavailable", ack.path("error").path("code").asText(), ack.toString());
                assertEquals(503, rest.statusCode(), rest.body());
                assertEquals(
                        "unavailable",
                        PlatformServer.json(rest.body())
                                .path("error")
                                .path("code")
                                .asText());
                assertEquals("1", rest.headers().firstValue("Retry-After").orElse(""));

                fixture.releaseReads();
                for (CompletableFuture<MessagePage> read : queued) {
                    // within the bound it runs, unless it waited past the queue's time bound meanwhile
                    read.handle((page, error) -> error == null || error instanceof ReadsBusyException)
                            .thenAccept(fine -> assertTrue(fine, "completed as a page or as busy"))
                            .get(30, TimeUnit.SECONDS);
                }
            }
        }
    }

    @Test
    void aSessionTheBusyStoreCannotLookUpIsTriedAgainNotRefused() throws Exception {
        try (ChatFixture fixture = new ChatFixture()) {
            Tenant tenant = fixture.passwordTenant("busy");
            // saved in the store, not in the tenant's session cache: a CONNECT with it reads the store
            String token = ChatFixture.session(tenant, "alice", Instant.now().plusSeconds(3600));
            fixture.holdReads();
            List<CompletableFuture<MessagePage>> queued = fillReadQueue(tenant);

            JsonNode refusal;
            try (ChatClient alice = ChatClient.open(fixture.url(), "/busy", ChatClient.options(token))) {
                refusal = alice.awaitConnectErrorBody();
            }
            HttpResponse<String> rest = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(
                                            URI.create(fixture.url() + "/api/tenants/busy/rooms/general/messages"))
                                    .header("Authorization", "Bearer " + token)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            // not "unauthorized": the web client signs its user out on that, and drops their unsent messages
            assertEquals("unavailable", refusal.path("message").asText(), refusal.toString());
            assertEquals("unavailable", refusal.path("data").path("code").asText(), refusal.toString());
            assertEquals(1, refusal.path("data").path("retryAfter").asInt(), refusal.toString());
            assertEquals(503, rest.statusCode(), rest.body());
            assertEquals("1", rest.headers().firstValue("Retry-After").orElse(""));

            fixture.releaseReads();
            for (CompletableFuture<MessagePage> read : queued) {
                read.handle((page, error) -> null).get(30, TimeUnit.SECONDS);
            }
            // once the store answers, the same token connects: it was never refused
            try (ChatClient again = ChatClient.connect(fixture.url(), "/busy", token)) {
                assertTrue(again.socket().connected());
            }
        }
    }

    interface Request<T> {
        T send() throws Exception;
    }

    /**
     * The answer to {@code request} made right after the tenant's read queue was filled, given while every read of
     * that fill still waited: refused at once, not queued. A queued read fails once it waited 3 s, freeing its place;
     * when a stall of the machine let one do so before the answer came, the request may have queued in its place, and
     * the fill and the request are made again (at most 3 times).
     */
    private static <T> T refusedWhileTheQueueIsFull(
            Tenant tenant, List<CompletableFuture<MessagePage>> queued, Request<T> request) throws Exception {
        for (int attempt = 1; ; attempt++) {
            queued.addAll(fillReadQueue(tenant));
            List<CompletableFuture<MessagePage>> waiting =
                    queued.stream().filter(read -> !read.isDone()).toList();
            T answer = request.send();
            boolean stillFull = waiting.stream().noneMatch(CompletableFuture::isDone);
            if (stillFull || attempt == 3) {
                assertTrue(stillFull, "a queued read ended before the answer came, 3 times (a place freed up)");
                return answer;
            }
        }
    }

    /** Queues reads on the held executor until the tenant's queue refuses one: its bound, whatever it is. */
    private static List<CompletableFuture<MessagePage>> fillReadQueue(Tenant tenant) {
        List<CompletableFuture<MessagePage>> queued = new ArrayList<>();
        CompletableFuture<MessagePage> next;
        do {
            next = tenant.store().before("general", OptionalLong.empty(), 10);
            queued.add(next);
        } while (!next.isDone() && queued.size() < 100_000);
        assertTrue(next.isCompletedExceptionally(), "the queue has a bound");
        return queued;
    }
}
