package io.chat.socketio;

/** The client's acknowledgement callback for one event; answering more than once sends nothing more. */
public interface Ack {
    /** Whether the client asked for an acknowledgement. */
    boolean requested();

    /** Sends the acknowledgement with these arguments (converted to JSON; {@code byte[]} travels as binary). */
    void send(Object... args);
}
