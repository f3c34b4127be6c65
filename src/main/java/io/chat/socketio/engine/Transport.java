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
}
