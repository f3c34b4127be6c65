package io.chat.socketio.engine;

/**
 * Receives what arrives on one Engine.IO session. Calls for one session never overlap and come in order.
 */
public interface EngineListener {
    void onMessage(EngineSession session, String text);

    void onBinary(EngineSession session, byte[] data);

    /** Called once, whatever closed the session. */
    void onClose(EngineSession session, CloseReason reason);
}
