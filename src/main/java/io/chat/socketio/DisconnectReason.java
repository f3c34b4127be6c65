package io.chat.socketio;

/** Why a socket left its namespace, worded as Node's Socket.IO words it. */
public enum DisconnectReason {
    SERVER_NAMESPACE_DISCONNECT("server namespace disconnect"),
    CLIENT_NAMESPACE_DISCONNECT("client namespace disconnect"),
    TRANSPORT_CLOSE("transport close"),
    TRANSPORT_ERROR("transport error"),
    /** The connection's outbound queue passed its limit (Node has no such limit; clients see a transport error). */
    OUTBOUND_QUEUE_FULL("transport error"),
    PING_TIMEOUT("ping timeout"),
    PARSE_ERROR("parse error"),
    FORCED_CLOSE("forced close"),
    SERVER_SHUTTING_DOWN("server shutting down");

    private final String text;

    DisconnectReason(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    static DisconnectReason of(io.chat.socketio.engine.CloseReason reason) {
        return switch (reason) {
            case TRANSPORT_CLOSE -> TRANSPORT_CLOSE;
            case TRANSPORT_ERROR -> TRANSPORT_ERROR;
            case QUEUE_OVERFLOW -> OUTBOUND_QUEUE_FULL;
            case PING_TIMEOUT -> PING_TIMEOUT;
            case PARSE_ERROR -> PARSE_ERROR;
            case FORCED_CLOSE -> FORCED_CLOSE;
            case SERVER_SHUTDOWN -> SERVER_SHUTTING_DOWN;
        };
    }
}
