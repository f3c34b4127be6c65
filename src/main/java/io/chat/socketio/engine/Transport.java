package io.chat.socketio.engine;

/** Where a session's outbound packets go: the long-polling GET or the WebSocket writer. */
sealed interface Transport permits PollingTransport, WebSocketConnection {
    String name();

    /** Binds the transport to its session before anything is queued, so the first packet finds its way. */
    void attach(EngineSession session);

    /** The session's outbox has packets: deliver them when the transport can. */
    void wake();

    /** The session ended on the server's side: deliver what is queued, then say goodbye. */
    void closeFromServer();

    /**
     * The session ended because its client stopped taking what it was sent (its queue, or all sessions' backlog,
     * full): what is queued is not delivered, so that it is freed now rather than after a wait for a reader that
     * does not read.
     */
    default void abort() {
        closeFromServer();
    }
}
