package io.chat.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chat.json.Json;
import io.chat.socketio.Ack;

/** The contract's one ack shape: {@code {"ok":true,...}} or {@code {"ok":false,"error":{"code","message"}}}. */
final class Acks {
    private Acks() {}

    static ObjectNode ok() {
        return Json.mapper().createObjectNode().put("ok", true);
    }

    static void fail(Ack ack, ErrorCode code, String message) {
        ObjectNode body = Json.mapper().createObjectNode().put("ok", false);
        body.putObject("error").put("code", code.wire()).put("message", message);
        ack.send(body);
    }

    enum ErrorCode {
        BAD_REQUEST("bad_request"),
        NOT_FOUND("not_found"),
        FORBIDDEN("forbidden"),
        TOO_LARGE("too_large"),
        RATE_LIMITED("rate_limited"),
        UNAVAILABLE("unavailable");

        private final String wire;

        ErrorCode(String wire) {
            this.wire = wire;
        }

        String wire() {
            return wire;
        }
    }

    /** A request that cannot be served; thrown by validation, turned into a failure ack by the dispatcher. */
    static final class Refusal extends RuntimeException {
        private final ErrorCode code;

        Refusal(ErrorCode code, String message) {
            super(message, null, false, false);
            this.code = code;
        }

        ErrorCode code() {
            return code;
        }
    }
}
