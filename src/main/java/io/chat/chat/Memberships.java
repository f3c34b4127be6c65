package io.chat.chat;

import static io.chat.chat.Acks.ErrorCode.FORBIDDEN;
import static io.chat.chat.Acks.ErrorCode.UNAVAILABLE;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chat.history.ConversationStore.Conversation;
import io.chat.history.DirectoryEntry;
import io.chat.history.ReadPosition;
import io.chat.history.RoomStore.Remembered;
import io.chat.history.RoomTopic;
import io.chat.history.Topic;
import io.chat.json.Json;
import io.chat.socketio.Ack;
import io.chat.socketio.Namespace;
import io.chat.socketio.Socket;
import io.chat.tenant.Names;
import io.chat.tenant.Tenant;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rooms a user joined, remembered by the tenant's store until the user leaves them, so that every socket of the
 * user, on any device and after any restart, is in the same rooms: a new socket is put in them at CONNECT and told
 * ({@code rooms:mine}); a join or leave on one socket is applied to the user's other sockets, which are told
 * ({@code room:remembered}, {@code room:forgotten}). Also the room directory and the rooms' topics.
 *
 * <p>Opt-in, per socket: only a socket whose CONNECT payload asks for it ({@code "rooms":"remembered"}) follows its
 * user's rooms, and only its joins and leaves change them. Other sockets keep the contract's own rooms, each its own
 * (a second tab that did not join a room gets nothing of it), as every client written before this one expects.
 *
 * <p>What touches presence (entering and leaving a room) is the chat's ({@link Rooms}); this class decides when.
 */
final class Memberships {
    private static final System.Logger LOGGER = System.getLogger(Memberships.class.getName());

    /** How the chat puts a socket in a room and takes it out, telling the room as it always does. */
    interface Rooms {
        /** Puts the socket in the room unless it is there; false when it cannot (closed, or in too many rooms). */
        boolean enter(Socket socket, String room);

        /** Takes the socket out of the room, if it is there. */
        void exit(Socket socket, String room);
    }

    /** The CONNECT payload's field, and its value, that make a socket follow its user's rooms. */
    static final String AUTH_FIELD = "rooms";

    static final String AUTH_VALUE = "remembered";
    /** Socket data: present when the socket follows its user's rooms. */
    private static final String FOLLOWS = "chat.rooms.remembered";

    /** The read of each user's positions under way, shared by the sockets that ask meanwhile (see positions). */
    private final ConcurrentHashMap<String, CompletableFuture<List<ReadPosition>>> positionsUnderWay =
            new ConcurrentHashMap<>();

    private final Tenant tenant;
    private final Namespace namespace;
    private final Clock clock;
    private final Rooms rooms;
    /** The other nodes' sockets of the user follow through them (nothing on a single node). */
    private final Peers peers;

    Memberships(Tenant tenant, Namespace namespace, Clock clock, Rooms rooms, Peers peers) {
        this.tenant = tenant;
        this.namespace = namespace;
        this.clock = clock;
        this.rooms = rooms;
        this.peers = peers;
    }

    /** At CONNECT: the socket follows its user's rooms if its payload asks for it. */
    static void optIn(Socket socket) {
        JsonNode rooms = socket.handshake().auth().get(AUTH_FIELD);
        if (rooms != null && rooms.isTextual() && rooms.asText().equals(AUTH_VALUE)) {
            socket.data().put(FOLLOWS, Boolean.TRUE);
        }
    }

    /** Whether the socket follows its user's rooms (its joins and leaves are remembered). */
    static boolean follows(Socket socket) {
        return socket.data().containsKey(FOLLOWS);
    }

    /** A following socket connected: it enters its user's remembered rooms, then is told them ({@code rooms:mine}). */
    void restore(Socket socket) {
        String user = user(socket).username();
        CompletableFuture<Annotations> positions = annotations(socket);
        SocketWork.of(socket).read(tenant.store().roomsOf(user)).whenComplete((mine, error) -> {
            if (error != null) {
                // the client still has rooms:mine to ask, and its own rejoins
                LOGGER.log(System.Logger.Level.WARNING, "tenant=" + tenant.id() + " event=rooms-restore outcome=error");
                return;
            }
            for (RoomTopic room : mine) {
                rooms.enter(socket, room.room());
            }
            positions.thenAccept(read ->
                    socket.emit("rooms:mine", Json.mapper().createObjectNode().set("rooms", list(mine, read))));
        });
    }

    /** Stores that the socket's user joined the room; the caller has put the socket in it. */
    CompletableFuture<Remembered> remember(Socket socket, String room) {
        return tenant.store()
                .remember(
                        user(socket).username(),
                        room,
                        clock.instant(),
                        tenant.limits().roomsPerSocket(),
                        // checked in the write: a join reaching the store after its user's deletion stores nothing
                        tenant.definition().auth().storesUsers());
    }

    /** The user joined a room through {@code origin}: its other sockets here enter it too, and are told. */
    void remembered(Socket origin, String room) {
        String user = user(origin).username();
        joinedHere(origin, user, room);
        peers.membershipChanged(room, user, true);
    }

    /**
     * A conversation was opened through {@code origin} (which is in it already): every member's other following
     * sockets, here and on every node, enter it and are told, with its members.
     */
    void opened(Socket origin, String room, List<String> members) {
        String opener = user(origin).username();
        for (String member : members) {
            joinedHere(member.equals(opener) ? origin : null, member, room);
            peers.membershipChanged(room, member, true);
        }
    }

    /** Another node changed the user's rooms: its following sockets here follow. */
    void changedElsewhere(String room, String user, boolean joined) {
        if (joined) {
            joinedHere(null, user, room);
        } else {
            forgottenHere(null, user, room);
        }
    }

    private void joinedHere(Socket origin, String user, String room) {
        List<Socket> others = otherSockets(origin, user);
        if (others.isEmpty()) {
            return;
        }
        others.forEach(other -> rooms.enter(other, room));
        if (!Names.isConversation(room)) {
            others.forEach(other -> other.emit("room:remembered", roomEvent(room)));
            return;
        }
        // a conversation's members come with it, as the store has them (the event alone if it cannot say)
        tenant.store().conversationMembers(room).whenCompleteAsync((members, error) -> {
            ObjectNode event = roomEvent(room);
            if (error == null) {
                members.forEach(event.putArray("members")::add);
            }
            others.forEach(other -> other.emit("room:remembered", event));
        });
    }

    /**
     * The user left a room through {@code origin} (which is out of it already): forgotten by the store, then its
     * other sockets here leave it too, and are told; acks once the store has it.
     */
    void forget(Socket origin, String room, Ack ack) {
        // one of the socket's writes: refused once its credential is revoked, and waited for by the revocation
        SocketWork.of(origin)
                .write(() -> tenant.store().forget(user(origin).username(), room))
                .whenCompleteAsync((forgotten, error) -> {
                    if (error != null) {
                        Acks.fail(ack, UNAVAILABLE, "membership not stored");
                        return;
                    }
                    String user = user(origin).username();
                    forgottenHere(origin, user, room);
                    peers.membershipChanged(room, user, false);
                    ack.send(Acks.ok());
                });
    }

    private void forgottenHere(Socket origin, String user, String room) {
        for (Socket other : otherSockets(origin, user)) {
            rooms.exit(other, room);
            other.emit("room:forgotten", roomEvent(room));
        }
    }

    void mine(Socket socket, List<JsonNode> args, Ack ack) {
        RoomPayloads.optionalObject(args);
        String user = user(socket).username();
        CompletableFuture<Annotations> positions = annotations(socket);
        SocketWork.of(socket).read(tenant.store().roomsOf(user)).whenComplete((mine, error) -> {
            if (error != null) {
                Acks.fail(ack, UNAVAILABLE, "rooms unavailable");
                return;
            }
            positions.thenAccept(read -> {
                ObjectNode body = Acks.ok();
                body.set("rooms", list(mine, read));
                ack.send(body);
            });
        });
    }

    void directory(Socket socket, List<JsonNode> args, Ack ack) {
        JsonNode payload = RoomPayloads.optionalObject(args);
        String after = RoomPayloads.after(payload);
        int limit = RoomPayloads.limit(payload);
        SocketWork.of(socket).read(tenant.store().directory(after, limit)).whenComplete((page, error) -> {
            if (error != null) {
                Acks.fail(ack, UNAVAILABLE, "directory unavailable");
                return;
            }
            ObjectNode body = Acks.ok();
            ArrayNode list = body.putArray("rooms");
            for (DirectoryEntry entry : page.rooms()) {
                ObjectNode room = room(entry.room());
                room.put("members", entry.members());
                entry.lastMessageAt().ifPresent(at -> room.put("lastMessageAt", at.toString()));
                list.add(room);
            }
            body.put("hasMore", page.hasMore());
            ack.send(body);
        });
    }

    /**
     * Members only (a socket of the user is in the room): stored, then told to the room's other sockets. A
     * conversation has no topic.
     */
    void topic(Socket socket, List<JsonNode> args, Ack ack) {
        JsonNode payload = Payloads.object(args);
        String room = Payloads.room(payload);
        String text = RoomPayloads.topic(payload);
        Payloads.refuseSocketId(room);
        if (Names.isConversation(room)) {
            throw new Acks.Refusal(FORBIDDEN, "conversations have no topic");
        }
        if (!socket.inRoom(room)) {
            throw new Acks.Refusal(FORBIDDEN, "join the room first");
        }
        // as stored: to the millisecond, so that every later read of it is equal to what the room was told
        Topic topic = new Topic(text, user(socket).username(), clock.instant().truncatedTo(ChronoUnit.MILLIS));
        // one of the socket's writes: refused once its credential is revoked, and waited for by the revocation
        SocketWork.of(socket).write(() -> tenant.store().setTopic(room, topic).whenCompleteAsync((done, error) -> {
            if (error != null) {
                Acks.fail(ack, UNAVAILABLE, "topic not stored");
                return;
            }
            ObjectNode event = roomEvent(room);
            event.set("topic", topicJson(topic));
            socket.to(room).emit("room:topic", event);
            ack.send(Acks.ok().set("topic", topicJson(topic)));
        }));
    }

    /** {@code {"text","by","at"}}, for {@code room:join}'s answer and the events. */
    static ObjectNode topicJson(Topic topic) {
        return Json.mapper()
                .createObjectNode()
                .put("text", topic.text())
                .put("by", topic.by())
                .put("at", topic.at().toString());
    }

    /** The user's sockets here that follow its rooms, but {@code origin} (null: all of them). */
    private List<Socket> otherSockets(Socket origin, String user) {
        return namespace.sockets().stream()
                .filter(other -> other != origin
                        && follows(other)
                        && user(other).username().equals(user))
                .toList();
    }

    private static ChatUser user(Socket socket) {
        return (ChatUser) socket.data().get(ChatUser.KEY);
    }

    /**
     * The rooms, each with its read position and unread count when they could be read; a conversation with its
     * members and the others' read positions ({@code readBy}).
     */
    private static ArrayNode list(List<RoomTopic> mine, Annotations annotations) {
        ArrayNode list = Json.mapper().createArrayNode();
        mine.forEach(room -> list.add(room(room)));
        ReadPositions.annotate(list, annotations.read());
        Map<String, Conversation> conversations = new HashMap<>();
        annotations.conversations().forEach(c -> conversations.put(c.room(), c));
        for (JsonNode room : list) {
            Conversation conversation = conversations.get(room.path("name").asText());
            if (conversation != null && room instanceof ObjectNode json) {
                conversation.members().forEach(json.putArray("members")::add);
                ObjectNode readBy = json.putObject("readBy");
                conversation.readBy().entrySet().stream()
                        .filter(entry -> !entry.getKey().equals(annotations.user()))
                        .sorted(Map.Entry.comparingByKey())
                        .forEach(entry -> readBy.put(entry.getKey(), entry.getValue()));
            }
        }
        return list;
    }

    /** What {@code rooms:mine} adds to the user's rooms. */
    private record Annotations(String user, List<ReadPosition> read, List<Conversation> conversations) {}

    /**
     * The user's read positions and conversations; none when the store cannot give them (the rooms are listed without
     * counts; a conversation without its members).
     */
    private CompletableFuture<Annotations> annotations(Socket socket) {
        String user = user(socket).username();
        CompletableFuture<List<ReadPosition>> read = positions(user).exceptionally(error -> List.of());
        CompletableFuture<List<Conversation>> conversations =
                SocketWork.of(socket).read(tenant.store().conversationsOf(user)).exceptionally(error -> List.of());
        return read.thenCombine(conversations, (positions, mine) -> new Annotations(user, positions, mine));
    }

    /**
     * The user's read positions and counts, one read at a time per user: the sockets that ask while one is under way
     * (a burst of {@code rooms:mine}, reconnecting tabs) share it. Counting reads up to 1,000 rows a room (mentions
     * read texts), so without this one user's requests could hold every read slot of the tenant. Each caller gets a
     * copy: a socket that disconnects drops its copy, not the read the others wait for.
     */
    private CompletableFuture<List<ReadPosition>> positions(String user) {
        CompletableFuture<List<ReadPosition>> started = new CompletableFuture<>();
        CompletableFuture<List<ReadPosition>> shared = positionsUnderWay.putIfAbsent(user, started);
        if (shared == null) {
            shared = started;
            CompletableFuture<List<ReadPosition>> read;
            try {
                read = tenant.store().readPositions(user);
            } catch (RuntimeException e) {
                read = CompletableFuture.failedFuture(e); // never left under way: the next ask reads again
            }
            read.whenComplete((positions, error) -> {
                positionsUnderWay.remove(user, started);
                if (error != null) {
                    started.completeExceptionally(error);
                } else {
                    started.complete(positions);
                }
            });
        }
        return shared.thenApply(positions -> positions);
    }

    private static ObjectNode room(RoomTopic room) {
        ObjectNode json = Json.mapper().createObjectNode().put("name", room.room());
        Optional<Topic> topic = room.topic();
        topic.ifPresent(t -> json.set("topic", topicJson(t)));
        return json;
    }

    private static ObjectNode roomEvent(String room) {
        return Json.mapper().createObjectNode().put("room", room);
    }
}
