package io.chat.history;

/** A tenant store could not do what was asked: it is closed, overloaded, or its database failed. */
public class StoreException extends RuntimeException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
