package io.chat.chat;

import static io.chat.chat.Acks.ErrorCode.FORBIDDEN;
import static io.chat.chat.Acks.ErrorCode.UNAVAILABLE;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chat.history.ReadPosition;
import io.chat.json.Json;
import io.chat.socketio.Ack;
import io.chat.socketio.Namespace;
import io.chat.socketio.Socket;
import io.chat.tenant.Names;
import io.chat.tenant.Tenant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How far each user has read each room, synced across their sockets and devices: {@code room:read} moves the user's
 * position forward (stored, then acknowledged, then sent as {@code room:read} to the user's other sockets, on every
 * node), and {@code rooms:mine} carries each remembered room's position, unread count and mentions of the user
 * ({@link #annotate}).
 *
 * <p>Only a socket in the room may mark it read (the rooms a user may read are those its sockets joined), and the store
 * clamps a seq past the room's last message to it, so a position never claims what does not exist.
 */
final class ReadPositions {
    /** The live event, and the event's name on the wire. */
    static final String EVENT = "room:read";

    /** A conversation's read receipt: {@code {"room","user","seq"}} to its members' sockets. */
    static final String RECEIPT = "dm:read";

    private final Tenant tenant;
    private final Namespace namespace;
    private final Peers peers;

    ReadPositions(Tenant tenant, Namespace namespace, Peers peers) {
        this.tenant = tenant;
        this.namespace = namespace;
        this.peers = peers;
    }

    /** {@code room:read} {@code {"room","seq"}}: acks {@code {"ok":true,"room","seq":<position now>}} once durable. */
    void mark(Socket socket, List<JsonNode> args, Ack ack) {
        JsonNode payload = Payloads.object(args);
        String room = Payloads.room(payload);
        long seq = Payloads.target(payload);
        Payloads.refuseSocketId(room);
        if (!socket.inRoom(room)) {
            throw new Acks.Refusal(FORBIDDEN, "join the room first");
        }
        String user = user(socket).username();
        // completes on the store's writer thread: nothing of this runs there
        boolean storedUsersOnly = tenant.definition().auth().storesUsers();
        // one of the socket's writes: refused once its credential is revoked, and waited for by the revocation
        SocketWork.of(socket)
                .write(() -> tenant.store().markRead(user, room, seq, storedUsersOnly))
                .whenCompleteAsync((mark, error) -> {
                    if (error != null) {
                        Acks.fail(ack, UNAVAILABLE, "read position not stored");
                        return;
                    }
                    if (mark.moved()) {
                        tellHere(socket, user, room, mark.seq());
                        peers.readMoved(room, user, mark.seq());
                        if (Names.isConversation(room)) {
                            // read receipts: the conversation's other sockets, on every node (the user's own may get it
                            // too)
                            socket.to(room)
                                    .emit(
                                            RECEIPT,
                                            Json.mapper()
                                                    .createObjectNode()
                                                    .put("room", room)
                                                    .put("user", user)
                                                    .put("seq", mark.seq()));
                        }
                    }
                    ack.send(Acks.ok().put("room", room).put("seq", mark.seq()));
                });
    }

    /** Another node moved the user's position: its sockets here are told. */
    void movedElsewhere(String room, String user, long seq) {
        tellHere(null, user, room, seq);
    }

    private void tellHere(Socket origin, String user, String room, long seq) {
        ObjectNode event = Json.mapper().createObjectNode().put("room", room).put("seq", seq);
        for (Socket other : namespace.sockets()) {
            if (other != origin && user(other).username().equals(user)) {
                other.emit(EVENT, event);
            }
        }
    }

    /**
     * Adds {@code lastRead}, {@code unread} and {@code mentions} to each room of a {@code rooms:mine} list that has a
     * position.
     */
    static void annotate(ArrayNode rooms, List<ReadPosition> positions) {
        Map<String, ReadPosition> byRoom = new HashMap<>();
        positions.forEach(position -> byRoom.put(position.room(), position));
        for (JsonNode room : rooms) {
            ReadPosition position = byRoom.get(room.path("name").asText());
            if (position != null && room instanceof ObjectNode json) {
                json.put("lastRead", position.lastRead())
                        .put("unread", position.unread())
                        .put("mentions", position.mentions());
            }
        }
    }

    private static ChatUser user(Socket socket) {
        return (ChatUser) socket.data().get(ChatUser.KEY);
    }
}
