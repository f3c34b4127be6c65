package io.chat.history;

/**
 * Told about every committed write transaction, for metrics. Called on the store's writer thread:
 * it must be quick and must not call the store.
 */
@FunctionalInterface
public interface CommitObserver {
    CommitObserver NONE = (batchSize, nanos) -> {};

    /**
     * @param batchSize how many writes (appends, user and session changes) the transaction held
     * @param nanos     from the start of the transaction to the end of its commit
     */
    void committed(int batchSize, long nanos);
}
