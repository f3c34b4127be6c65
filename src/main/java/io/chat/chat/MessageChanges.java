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
import java.util.concurrent.CompletableFuture;
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
        /**
         * Starts {@code then}'s write (perhaps later, on another thread) once allowed; refuses otherwise. The future
         * {@code then} returns completes once the write is stored and answered.
         */
        void admit(Socket socket, String room, String event, Ack ack, Supplier<CompletableFuture<?>> then);
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
        admit(
                socket,
                args,
                ack,
                "message:edit",
                "message:edited",
                (payload, target) -> new Change.Edit(target, Payloads.text(payload)));
    }

    void delete(Socket socket, List<JsonNode> args, Ack ack) {
        admit(socket, args, ack, "message:delete", "message:deleted", (payload, target) -> new Change.Delete(target));
    }

    void react(Socket socket, List<JsonNode> args, Ack ack) {
        admit(
                socket,
                args,
                ack,
                "reaction:toggle",
                "reaction:toggled",
                (payload, target) -> new Change.React(target, Payloads.emoji(payload)));
    }

    /** Reads a change's own fields from the payload, after its room and target and before its clientId. */
    private interface ChangeOf {
        Change read(JsonNode payload, long target);
    }

    /**
     * The payload validated in the order every change reads it (room, target, the change's own fields, clientId),
     * then the gate, then the store.
     */
    private void admit(Socket socket, List<JsonNode> args, Ack ack, String event, String changed, ChangeOf changeOf) {
        JsonNode payload = Payloads.object(args);
        String room = Payloads.room(payload);
        long target = Payloads.target(payload);
        Change change = changeOf.read(payload, target);
        Optional<String> clientId = Payloads.clientId(payload);
        gate.admit(socket, room, event, ack, () -> store(socket, room, change, clientId, changed, ack));
    }

    private CompletableFuture<?> store(
            Socket socket, String room, Change change, Optional<String> clientId, String event, Ack ack) {
        String user = ((ChatUser) socket.data().get(ChatUser.KEY)).username();
        // completes on the store's writer thread, in commit order: the fan-out keeps each room in seq order
        return store.get().change(room, user, change, clientId).whenComplete((result, error) -> {
            if (error != null) {
                Acks.fail(ack, UNAVAILABLE, "not stored");
                return;
            }
            switch (result) {
                case ChangeResult.Refused(ChangeResult.Reason reason) -> refuse(ack, reason);
                case ChangeResult.Changed(var entry, boolean duplicate, boolean reactionAdded) -> {
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
