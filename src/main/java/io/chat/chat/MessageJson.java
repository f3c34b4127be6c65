package io.chat.chat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chat.history.EntryKind;
import io.chat.history.StoredMessage;
import io.chat.json.Json;

/**
 * A stored entry as the contract shows it: a message is {@code {"id","room","seq","from","text","ts"}}, plus
 * {@code "edited":true,"editedTs"} once edited and {@code "deleted":true} (with {@code "text":""}) once deleted; an
 * edit or deletion adds {@code "kind":"edit"|"delete"} and {@code "target"} (the message's seq), and shows that
 * message's state now in {@code text}, {@code edited}, {@code editedTs} and {@code deleted}; a reaction is
 * {@code "kind":"reaction"} with its emoji as {@code text}. A message with reactions (and every change of it) has
 * {@code "reactions":[{"emoji","count","users":[...]}]}, absent when there are none. A list of entries is answered
 * through {@link MessagePages}, which bounds its bytes.
 */
public final class MessageJson {
    private MessageJson() {}

    public static ObjectNode of(StoredMessage message) {
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("id", message.id());
        node.put("room", message.room());
        node.put("seq", message.seq());
        node.put("from", message.from());
        node.put("text", message.text());
        node.put("ts", message.ts().toString());
        if (message.kind() != EntryKind.MESSAGE) {
            node.put(
                    "kind",
                    switch (message.kind()) {
                        case EDIT -> "edit";
                        case DELETE -> "delete";
                        default -> "reaction";
                    });
            node.put("target", message.target());
        }
        // only when true: an entry never changed is the contract's message, key for key
        message.editedTs().ifPresent(edited -> node.put("edited", true).put("editedTs", edited.toString()));
        if (message.deleted()) {
            node.put("deleted", true);
        }
        if (!message.reactions().isEmpty()) {
            ArrayNode reactions = node.putArray("reactions");
            for (StoredMessage.Reaction reaction : message.reactions()) {
                ObjectNode one =
                        reactions.addObject().put("emoji", reaction.emoji()).put("count", reaction.count());
                reaction.users().forEach(one.putArray("users")::add);
            }
        }
        return node;
    }
}
