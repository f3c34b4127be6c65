package io.chat.socketio.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chat.socketio.Handshake;
import io.chat.socketio.engine.HandshakeRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** A socket's handshake as socket.io's {@code Handshake} object, for {@code fetchSockets} answers. */
final class NodeHandshake {
    /** JavaScript's {@code Date.prototype.toString()}, which socket.io puts in {@code handshake.time}. */
    private static final DateTimeFormatter JS_DATE = DateTimeFormatter.ofPattern(
                    "EEE MMM dd yyyy HH:mm:ss 'GMT+0000 (Coordinated Universal Time)'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private NodeHandshake() {}

    /** With {@code credentials} false, the auth, headers and query stay empty: they may hold a client's secrets. */
    static ObjectNode of(Handshake handshake, String path, boolean credentials) {
        HandshakeRequest request = handshake.request();
        ObjectNode json = Messages.NODES.objectNode();
        ObjectNode headers = json.putObject("headers");
        if (credentials) {
            request.headers().forEach(headers::put);
        }
        json.put("time", JS_DATE.format(request.time()));
        json.put("address", request.remoteAddress());
        json.put("xdomain", request.origin().isPresent());
        json.put("secure", request.secure());
        json.put("issued", request.time().toEpochMilli());
        json.put("url", path + (credentials ? query(request.query()) : ""));
        ObjectNode query = json.putObject("query");
        JsonNode auth = handshake.auth();
        if (credentials) {
            request.query().forEach(query::put);
            json.set("auth", auth == null ? Messages.NODES.objectNode() : auth);
        } else {
            json.putObject("auth");
        }
        return json;
    }

    private static String query(Map<String, String> params) {
        if (params.isEmpty()) {
            return "";
        }
        return params.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&", "?", ""));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
