package io.chat.chat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chat.history.StoredMessage;
import io.chat.json.Json;
import java.util.List;

/** A stored message as the contract shows it: {@code {"id","room","seq","from","text","ts"}}. */
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
        return node;
    }

    public static ArrayNode of(List<StoredMessage> messages) {
        ArrayNode array = Json.mapper().createArrayNode();
        messages.forEach(m -> array.add(of(m)));
        return array;
    }
}
