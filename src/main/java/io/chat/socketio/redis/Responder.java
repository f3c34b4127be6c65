package io.chat.socketio.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chat.socketio.BroadcastOptions;
import io.chat.socketio.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Answers the requests other servers (Node's, the emitter, ours) publish for one namespace, as the official adapter
 * does (its {@code onrequest}): fetches are answered with this server's sockets and rooms, joins, leaves and
 * disconnects applied here without an answer, server-side emits handed to the namespace's handler (its answer, when
 * asked for, goes on the common response channel), broadcasts with acks delivered here and answered with the client
 * count, even 0, then each ack. Our own requests never get here.
 */
final class Responder {
    private static final System.Logger LOGGER = System.getLogger(Responder.class.getName());

    private final RedisAdapter adapter;

    Responder(RedisAdapter adapter) {
        this.adapter = adapter;
    }

    void answer(JsonNode request) {
        RequestType type = RequestType.of(request.path("type").asInt(-1)).orElse(null);
        if (type == null) {
            return;
        }
        String requestId =
                request.hasNonNull("requestId") ? request.get("requestId").asText() : null;
        switch (type) {
            case SOCKETS -> {
                if (!adapter.ownsRequest(requestId)) {
                    ObjectNode response = response(requestId);
                    ArrayNode ids = response.putArray("sockets");
                    adapter.local()
                            .fetchSockets(BroadcastOptions.rooms(WireOptions.rooms(request.get("rooms"))))
                            .forEach(socket -> ids.add(socket.id()));
                    send(response);
                }
            }
            case ALL_ROOMS -> {
                if (!adapter.ownsRequest(requestId)) {
                    ObjectNode response = response(requestId);
                    ArrayNode rooms = response.putArray("rooms");
                    adapter.local().rooms().keySet().forEach(rooms::add);
                    send(response);
                }
            }
            case REMOTE_JOIN, REMOTE_LEAVE -> changeRooms(type, request, requestId);
            case REMOTE_DISCONNECT -> disconnect(request, requestId);
            case REMOTE_FETCH -> {
                if (!adapter.ownsRequest(requestId)) {
                    ObjectNode response = response(requestId);
                    ArrayNode sockets = response.putArray("sockets");
                    for (Socket socket : adapter.local().fetchSockets(WireOptions.read(request.get("opts")))) {
                        sockets.add(adapter.snapshot(socket));
                    }
                    send(response);
                }
            }
            case SERVER_SIDE_EMIT -> serverSideEmit(request, requestId);
            case BROADCAST -> {
                if (!adapter.ownsRequest(requestId)) {
                    broadcastWithAck(request, requestId);
                }
            }
            case BROADCAST_CLIENT_COUNT, BROADCAST_ACK -> {
                // answers travel on the response channels
            }
        }
    }

    private void changeRooms(RequestType type, JsonNode request, String requestId) {
        boolean join = type == RequestType.REMOTE_JOIN;
        if (request.has("opts")) {
            Set<String> rooms = WireOptions.rooms(request.get("rooms"));
            for (Socket socket : List.copyOf(adapter.local().fetchSockets(WireOptions.read(request.get("opts"))))) {
                rooms.forEach(join ? socket::join : socket::leave);
            }
            return;
        }
        // the form of adapters before 7.0: one socket by id, answered
        adapter.namespace().socket(request.path("sid").asText()).ifPresent(socket -> {
            String room = request.path("room").asText();
            if (join) {
                socket.join(room);
            } else {
                socket.leave(room);
            }
            send(response(requestId));
        });
    }

    private void disconnect(JsonNode request, String requestId) {
        boolean close = request.path("close").asBoolean(false);
        if (request.has("opts")) {
            adapter.local().disconnectSockets(WireOptions.read(request.get("opts")), close);
            return;
        }
        adapter.namespace().socket(request.path("sid").asText()).ifPresent(socket -> {
            socket.disconnect(close);
            send(response(requestId));
        });
    }

    private void serverSideEmit(JsonNode request, String requestId) {
        JsonNode data = request.get("data");
        if (!Messages.isEvent(data)) {
            return;
        }
        adapter.serverSideHandler(data.get(0).asText()).ifPresent(handler -> {
            ServerSideEmitHandler.ServerAck ack = requestId == null ? NoAnswer.INSTANCE : new Answer(requestId);
            List<JsonNode> args = Messages.arguments(data);
            Thread.ofVirtual().name("server-side-emit").start(() -> {
                try {
                    handler.handle(args, ack);
                } catch (RuntimeException e) {
                    LOGGER.log(System.Logger.Level.WARNING, "server-side emit handler failed", e);
                }
            });
        });
    }

    private void broadcastWithAck(JsonNode request, String requestId) {
        JsonNode packet = request.path("packet");
        JsonNode data = packet.get("data");
        if (!Messages.isEvent(data)
                || !adapter.namespace().name().equals(packet.path("nsp").asText("/"))) {
            return;
        }
        JsonNode opts = request.get("opts");
        Duration timeout = Duration.ofMillis(
                WireOptions.timeoutMillis(opts, adapter.timeout().toMillis()));
        adapter.emitWithAcks(
                WireOptions.read(opts),
                timeout,
                data,
                count -> {
                    ObjectNode response = typed(RequestType.BROADCAST_CLIENT_COUNT, requestId);
                    response.put("clientCount", count);
                    send(response);
                },
                ack -> {
                    ObjectNode response = typed(RequestType.BROADCAST_ACK, requestId);
                    response.set("packet", ack);
                    adapter.respond(() -> MsgPack.encode(response));
                });
    }

    private static ObjectNode response(String requestId) {
        ObjectNode response = Messages.NODES.objectNode();
        response.put("requestId", requestId);
        return response;
    }

    private static ObjectNode typed(RequestType type, String requestId) {
        ObjectNode response = Messages.NODES.objectNode();
        response.put("type", type.code());
        response.put("requestId", requestId);
        return response;
    }

    private void send(ObjectNode response) {
        adapter.respond(() -> Messages.json(response));
    }

    private final class Answer implements ServerSideEmitHandler.ServerAck {
        private final String requestId;
        private final AtomicBoolean sent = new AtomicBoolean();

        Answer(String requestId) {
            this.requestId = requestId;
        }

        @Override
        public boolean requested() {
            return true;
        }

        @Override
        public void send(JsonNode answer) {
            if (sent.compareAndSet(false, true)) {
                ObjectNode response = typed(RequestType.SERVER_SIDE_EMIT, requestId);
                response.set("data", answer == null ? Messages.NODES.nullNode() : answer);
                Responder.this.send(response);
            }
        }
    }

    private enum NoAnswer implements ServerSideEmitHandler.ServerAck {
        INSTANCE;

        @Override
        public boolean requested() {
            return false;
        }

        @Override
        public void send(JsonNode answer) {
            // the sender asked for no answer
        }
    }
}
