package io.chat.history;

/** The tenant's database is already open, by this process or by another one (a second server on the same folder). */
public final class StoreLockedException extends StoreException {
    public StoreLockedException(String message) {
        super(message);
    }

    public StoreLockedException(String message, Throwable cause) {
        super(message, cause);
    }
}
