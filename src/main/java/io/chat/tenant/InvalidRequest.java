package io.chat.tenant;

/** Input that breaks a rule; the message is short, fixed and safe to show to the caller. */
public final class InvalidRequest extends RuntimeException {
    public InvalidRequest(String message) {
        super(message, null, false, false);
    }
}
