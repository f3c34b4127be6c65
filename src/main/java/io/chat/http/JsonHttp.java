package io.chat.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chat.json.Json;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaTypes;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.function.Supplier;

/** JSON in and out of the REST APIs, with the contract's error shape {@code {"error":{"code","message"}}}. */
public final class JsonHttp {
    /** Request bodies larger than this are refused with 413. */
    public static final int MAX_BODY_BYTES = 64 * 1024;

    private JsonHttp() {}

    public static void send(ServerResponse res, Status status, JsonNode body) {
        try {
            res.status(status);
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send(Json.mapper().writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void error(ServerResponse res, Status status, String code, String message) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.putObject("error").put("code", code).put("message", message);
        send(res, status, body);
    }

    private static ApiError overGeneralBound() {
        return ApiError.tooLarge("body over 64 KiB");
    }

    /**
     * Whether a request carries something other than JSON: a content type other than {@code application/json}, or
     * a body with no content type. A browser sends a cross-site form or {@code text/plain} body without asking
     * first; only JSON needs its permission (a CORS preflight), so refusing the rest stops those posts.
     */
    public static boolean notJson(ServerRequest req) {
        return req.headers()
                .contentType()
                .map(type -> !(type.test(HttpMediaTypes.JSON_UTF_8)
                        || "application/json".equals(type.mediaType().text())))
                .orElseGet(() -> req.content().hasEntity());
    }

    /**
     * Reads a JSON body; throws {@link ApiError} when the body is not JSON by its content type (415, see
     * {@link #notJson}), too large (413) or not parseable (400).
     */
    public static JsonNode readBody(ServerRequest req) {
        return readBody(req, MAX_BODY_BYTES, JsonHttp::overGeneralBound);
    }

    /**
     * As {@link #readBody(ServerRequest)}, with a smaller bound: what a request of someone not signed in may make the
     * server hold (with the connection's own buffers, within the heap each connection is allowed). A body over it
     * throws {@code overBound}'s error (past the general 64 KiB, 413 all the same), before a byte of it is read when
     * its Content-Length says so.
     */
    public static JsonNode readBody(ServerRequest req, int maxBytes, Supplier<ApiError> overBound) {
        if (notJson(req)) {
            throw ApiError.unsupportedMediaType();
        }
        if (req.headers().contentLength().isEmpty() && req.headers().contains(HeaderNames.TRANSFER_ENCODING)) {
            // chunked: Helidon would hold a chunk whole, of any size it declares, before a byte of it is read here (a
            // review: a stranger's chunked login held 80 MiB); browsers and HTTP clients declare a JSON body's length
            throw ApiError.of(Status.LENGTH_REQUIRED_411, "length_required", "Content-Length required");
        }
        long declared = req.headers().contentLength().orElse(0);
        if (declared > MAX_BODY_BYTES) {
            throw overGeneralBound();
        }
        if (declared > maxBytes) {
            throw overBound.get();
        }
        byte[] body;
        try (InputStream in = req.content().inputStream()) {
            body = in.readNBytes(maxBytes + 1);
        } catch (IOException | RuntimeException e) {
            throw ApiError.badRequest("unreadable body");
        }
        if (body.length > maxBytes) {
            throw overBound.get();
        }
        JsonNode node;
        try {
            node = Json.mapper().readTree(body);
        } catch (IOException e) {
            throw ApiError.badRequest("body must be JSON");
        }
        if (node == null || node.isMissingNode()) {
            throw ApiError.badRequest("body must be JSON");
        }
        return node;
    }

    /** The token of an {@code Authorization: Bearer} header. */
    public static Optional<String> bearer(ServerRequest req) {
        return req.headers()
                .first(HeaderNames.AUTHORIZATION)
                .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(h -> h.substring(7).trim())
                .filter(t -> !t.isEmpty());
    }

    /** A text field of a JSON object, when it is a string. */
    public static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? Optional.of(value.asText()) : Optional.empty();
    }
}
