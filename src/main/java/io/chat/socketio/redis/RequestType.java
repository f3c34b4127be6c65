package io.chat.socketio.redis;

import java.util.Optional;

/** The {@code type} of a request or response on the request/response channels ({@code RequestType} of the adapter). */
enum RequestType {
    SOCKETS,
    ALL_ROOMS,
    REMOTE_JOIN,
    REMOTE_LEAVE,
    REMOTE_DISCONNECT,
    REMOTE_FETCH,
    SERVER_SIDE_EMIT,
    BROADCAST,
    BROADCAST_CLIENT_COUNT,
    BROADCAST_ACK;

    private static final RequestType[] BY_CODE = values();

    int code() {
        return ordinal();
    }

    static Optional<RequestType> of(int code) {
        return code >= 0 && code < BY_CODE.length ? Optional.of(BY_CODE[code]) : Optional.empty();
    }
}
