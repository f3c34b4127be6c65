package io.chat.socketio.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * This server's requests to the others of one namespace, and the bookkeeping of their answers, as the official adapter
 * keeps it: a fetch (sockets, rooms) counts itself as the first answer and is complete at {@code serverCount} answers;
 * a server-side emit with acks at {@code serverCount - 1}; a broadcast with acks when every server told its client
 * count and that many acks arrived. Past the timeout the future fails with {@link ClusterTimeoutException} holding
 * what did arrive.
 */
final class Requester {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ScheduledExecutorService timers;
    private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();

    Requester(ScheduledExecutorService timers) {
        this.timers = timers;
    }

    static String newId() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** Whether this request id is one of ours still waiting (our own request echoed back by Redis). */
    boolean owns(String requestId) {
        return requestId != null && pending.containsKey(requestId);
    }

    void onResponse(JsonNode response) {
        JsonNode id = response.get("requestId");
        Pending request = id == null ? null : pending.get(id.asText());
        if (request != null) {
            request.answer(response);
        }
    }

    /** Fails every waiting request (the namespace closes). */
    void failAll(Throwable cause) {
        for (String id : List.copyOf(pending.keySet())) {
            Pending request = pending.remove(id);
            if (request != null) {
                request.cancelTimer();
                request.future.completeExceptionally(cause);
            }
        }
    }

    /**
     * Waits for {@code servers - 1} answers carrying an array named {@code field}, gathering its elements after
     * {@code local} (this server's own).
     */
    CompletableFuture<List<JsonNode>> collect(
            String requestId, int servers, String field, List<JsonNode> local, Duration timeout) {
        return register(new Collect(requestId, servers, field, local), timeout);
    }

    /** Waits for {@code expected} answers of a server-side emit; each one's {@code data}. */
    CompletableFuture<List<JsonNode>> serverSideAcks(String requestId, int expected, Duration timeout) {
        return register(new ServerSideAcks(requestId, expected), timeout);
    }

    /** A broadcast with acks; the caller reports this server's count and acks and, later, the server count. */
    BroadcastAcks broadcastAcks(String requestId, Duration timeout) {
        BroadcastAcks request = new BroadcastAcks(requestId);
        register(request, timeout);
        return request;
    }

    private CompletableFuture<List<JsonNode>> register(Pending request, Duration timeout) {
        pending.put(request.requestId, request);
        request.timer = timers.schedule(request::expire, timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (request.future.isDone()) {
            request.cancelTimer(); // answered (or failed) before its timer was set: cancelTimer found none then
        }
        return request.future;
    }

    private abstract class Pending {
        final String requestId;
        final CompletableFuture<List<JsonNode>> future = new CompletableFuture<>();
        final List<JsonNode> results = new ArrayList<>();
        volatile ScheduledFuture<?> timer;

        Pending(String requestId) {
            this.requestId = requestId;
        }

        abstract void answer(JsonNode response);

        abstract String progress();

        /** Completes with the results gathered; called with this object's lock held. */
        final void complete() {
            if (pending.remove(requestId, this)) {
                cancelTimer();
                future.complete(List.copyOf(results));
            }
        }

        /** Null until {@link #register} set it: an answer (or the namespace's close) may come first; it cancels then. */
        final void cancelTimer() {
            ScheduledFuture<?> scheduled = timer;
            if (scheduled != null) {
                scheduled.cancel(false);
            }
        }

        final synchronized void expire() {
            if (pending.remove(requestId, this)) {
                future.completeExceptionally(
                        new ClusterTimeoutException("timeout reached: " + progress(), List.copyOf(results)));
            }
        }
    }

    private final class Collect extends Pending {
        private final int servers;
        private final String field;
        private int answered = 1;

        Collect(String requestId, int servers, String field, List<JsonNode> local) {
            super(requestId);
            this.servers = servers;
            this.field = field;
            results.addAll(local);
        }

        @Override
        synchronized void answer(JsonNode response) {
            answered++;
            JsonNode items = response.get(field);
            if (items != null && items.isArray()) {
                items.forEach(results::add);
            }
            if (answered >= servers) {
                complete();
            }
        }

        @Override
        String progress() {
            return answered + " of " + servers + " servers answered";
        }
    }

    private final class ServerSideAcks extends Pending {
        private final int expected;

        ServerSideAcks(String requestId, int expected) {
            super(requestId);
            this.expected = expected;
        }

        @Override
        synchronized void answer(JsonNode response) {
            results.add(response.has("data") ? response.get("data") : Messages.NODES.nullNode());
            if (results.size() >= expected) {
                complete();
            }
        }

        @Override
        String progress() {
            return "only " + results.size() + " responses received out of " + expected;
        }
    }

    /** socket.io's broadcast-with-ack completeness (its broadcast operator's {@code emit} with a timeout). */
    final class BroadcastAcks extends Pending {
        private int expectedServers = -1;
        private int countedServers;
        private long expectedAcks;

        BroadcastAcks(String requestId) {
            super(requestId);
        }

        CompletableFuture<List<JsonNode>> future() {
            return future;
        }

        synchronized void serverCount(int servers) {
            expectedServers = servers;
            check();
        }

        /** One server's number of recipients (ours, or a type 8 answer). */
        synchronized void clientCount(long clients) {
            countedServers++;
            expectedAcks += clients;
            check();
        }

        synchronized void ack(JsonNode value) {
            results.add(value);
            check();
        }

        @Override
        synchronized void answer(JsonNode response) {
            int type = response.path("type").asInt(-1);
            if (type == RequestType.BROADCAST_CLIENT_COUNT.code()) {
                clientCount(response.path("clientCount").asLong(0));
            } else if (type == RequestType.BROADCAST_ACK.code()) {
                ack(response.has("packet") ? response.get("packet") : Messages.NODES.nullNode());
            }
        }

        private void check() {
            if (expectedServers >= 0 && countedServers >= expectedServers && results.size() >= expectedAcks) {
                complete();
            }
        }

        @Override
        String progress() {
            return countedServers + " of " + expectedServers + " servers counted, " + results.size() + " of "
                    + expectedAcks + " acks";
        }
    }

    /** A JSON request {@code {uid, requestId?, type, ...}}. */
    static ObjectNode request(String uid, String requestId, RequestType type) {
        ObjectNode request = Messages.NODES.objectNode();
        request.put("uid", uid);
        if (requestId != null) {
            request.put("requestId", requestId);
        }
        request.put("type", type.code());
        return request;
    }

    /** Runs {@code action} with the future's value once it succeeds; fails {@code target} otherwise. */
    static <T> void onSuccess(CompletableFuture<T> source, CompletableFuture<?> target, Consumer<T> action) {
        source.whenComplete((value, error) -> {
            if (error != null) {
                target.completeExceptionally(error);
            } else {
                action.accept(value);
            }
        });
    }
}
