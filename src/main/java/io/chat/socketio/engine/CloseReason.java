package io.chat.socketio.engine;

/** Why a session ended, with the wording Socket.IO users know from Node's server. */
public enum CloseReason {
    TRANSPORT_CLOSE("transport close"),
    TRANSPORT_ERROR("transport error"),
    PING_TIMEOUT("ping timeout"),
    PARSE_ERROR("parse error"),
    QUEUE_OVERFLOW("transport error"),
    FORCED_CLOSE("forced close"),
    SERVER_SHUTDOWN("server shutting down");

    private final String text;

    CloseReason(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    /**
     * Whether the client may still be listening for what was queued: not when it stopped answering pings, nor
     * when it stopped taking what it was sent.
     */
    boolean clientListening() {
        return this != PING_TIMEOUT && this != QUEUE_OVERFLOW;
    }
}
