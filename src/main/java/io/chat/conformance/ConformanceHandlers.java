package io.chat.conformance;

import io.chat.socketio.Namespace;
import io.chat.socketio.engine.CloseReason;
import io.chat.socketio.engine.EngineListener;
import io.chat.socketio.engine.EnginePacket;
import io.chat.socketio.engine.EngineSession;

/** The server behaviour the official protocol suites expect of the server under test. */
public final class ConformanceHandlers {
    private ConformanceHandlers() {}

    /**
     * On connect, emit {@code auth} with the handshake auth; echo {@code message} as {@code message-back};
     * acknowledge {@code message-with-ack} with its own arguments.
     */
    public static void install(Namespace namespace) {
        namespace.onConnection(socket -> socket.emit("auth", socket.handshake().auth()));
        namespace.on("message", (socket, args, ack) -> socket.emit("message-back", args.toArray()));
        namespace.on("message-with-ack", (socket, args, ack) -> ack.send(args.toArray()));
    }

    /** The plain Engine.IO echo of the engine.io suite. */
    public static EngineListener echo() {
        return new EngineListener() {
            @Override
            public void onMessage(EngineSession session, String text) {
                session.send(EnginePacket.message(text));
            }

            @Override
            public void onBinary(EngineSession session, byte[] data) {
                session.send(EnginePacket.binary(data));
            }

            @Override
            public void onClose(EngineSession session, CloseReason reason) {
                // nothing kept per session
            }
        };
    }
}
