package io.chat.chat;

import static io.chat.chat.Acks.ErrorCode.FORBIDDEN;
import static io.chat.chat.Acks.ErrorCode.NOT_FOUND;
import static io.chat.chat.Acks.ErrorCode.TOO_LARGE;
import static io.chat.chat.Acks.ErrorCode.UNAVAILABLE;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chat.history.Change;
import io.chat.history.ChangeResult;
import io.chat.history.MessageStore;
import io.chat.socketio.Ack;
import io.chat.socketio.Socket;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code message:edit}, {@code message:delete} and {@code reaction:toggle}: validated like {@code message:send}, limited by the same buckets
 * (the caller's {@link Gate}), stored by the tenant's store as entries of the room's sequence (which checks the
 * author), acknowledged once durable, and sent to the room's other sockets as {@code message:edited} /
 * {@code message:deleted} / {@code reaction:toggled} with the entry as catch-up shows it. A resent clientId answers what was stored and is not
 * sent again.
 */
final class MessageChanges {
    /** What {@code message:send} checks before it stores: membership of the room, then its rate limits. */
    interface Gate {
        /** Runs {@code then} (perhaps later, on another thread) once allowed; refuses otherwise. */
        void admit(Socket socket, String room, String event, Ack ack, Runnable then);
    }

    private final Supplier<MessageStore> store;
    private final Gate gate;
    private final Counter delivered;

    interface Counter {
        void delivered(int sockets);
    }

    MessageChanges(Supplier<MessageStore> store, Gate gate, Counter delivered) {
        this.store = store;
        this.gate = gate;
        this.delivered = delivered;
    }

    void edit(Socket socket, List<JsonNode> args, Ack ack) {
        JsonNode payload = Payloads.object(args);
        String room = Payloads.room(payload);
        long target = Payloads.target(payload);
        String text = Payloads.text(payload);
        Optional<String> clientId = Payloads.clientId(payload);
        gate.admit(
                socket,
                room,
                "message:edit",
                ack,
                () -> store(socket, room, new Change.Edit(target, text), clientId, "message:edited", ack));
    }

    void delete(Socket socket, List<JsonNode> args, Ack ack) {
        JsonNode payload = Payloads.object(args);
        String room = Payloads.room(payload);
        long target = Payloads.target(payload);
        Optional<String> clientId = Payloads.clientId(payload);
        gate.admit(
                socket,
                room,
                "message:delete",
                ack,
                () -> store(socket, room, new Change.Delete(target), clientId, "message:deleted", ack));
    }

    void react(Socket socket, List<JsonNode> args, Ack ack) {
        JsonNode payload = Payloads.object(args);
        String room = Payloads.room(payload);
        long target = Payloads.target(payload);
        String emoji = Payloads.emoji(payload);
        Optional<String> clientId = Payloads.clientId(payload);
        gate.admit(
                socket,
                room,
                "reaction:toggle",
                ack,
                () -> store(socket, room, new Change.React(target, emoji), clientId, "reaction:toggled", ack));
    }

    private void store(Socket socket, String room, Change change, Optional<String> clientId, String event, Ack ack) {
        String user = ((ChatUser) socket.data().get(ChatUser.KEY)).username();
        // completes on the store's writer thread, in commit order: the fan-out keeps each room in seq order
        store.get().change(room, user, change, clientId).whenComplete((result, error) -> {
            if (error != null) {
                Acks.fail(ack, UNAVAILABLE, "not stored");
                return;
            }
            switch (result) {
                case ChangeResult.Refused(ChangeResult.Reason reason) -> refuse(ack, reason);
                case ChangeResult.Changed(var entry, boolean duplicate) -> {
                    ObjectNode json = MessageJson.of(entry);
                    if (!duplicate) {
                        delivered.delivered(socket.to(room).emit(event, json));
                    }
                    ack.send(Acks.ok().set("entry", json));
                }
            }
        });
    }

    private static void refuse(Ack ack, ChangeResult.Reason reason) {
        switch (reason) {
            case NOT_AUTHOR -> Acks.fail(ack, FORBIDDEN, "not your message");
            case NO_SUCH_MESSAGE -> Acks.fail(ack, NOT_FOUND, "no such message");
            case DELETED -> Acks.fail(ack, NOT_FOUND, "message deleted");
            case TOO_MANY_REACTIONS -> Acks.fail(ack, TOO_LARGE, "too many reactions");
        }
    }
}
