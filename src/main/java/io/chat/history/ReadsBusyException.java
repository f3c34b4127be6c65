package io.chat.history;

/** A tenant's read queue is full, or the read waited too long in it: the read was not run. Try again later. */
public final class ReadsBusyException extends StoreException {
    ReadsBusyException(String tenantId) {
        super("tenant store " + tenantId + ": too many reads waiting");
    }
}
