package io.chat.history;

import java.util.concurrent.CompletableFuture;

/**
 * Everything durable of one tenant: its messages, users, sessions, rooms and read positions, opened by {@link TenantStores} and closed
 * with the tenant. {@link H2TenantStore} keeps them in an H2 database in the tenant's folder; the cluster keeps every
 * tenant's in one shared PostgreSQL database ({@link PostgresDatabase#forTenant}).
 *
 * <p>Errors: a failure of the store completes a future with a {@link StoreException}: {@link ReadsBusyException}
 * when the tenant has too many reads waiting, the others when the store is closed, overloaded or failing.
 */
public interface TenantStore
        extends MessageStore,
                AccountStore,
                SessionStore,
                RoomStore,
                ReadPositionStore,
                ConversationStore,
                AutoCloseable {
    /**
     * Whether the store can serve its tenant now, without waiting on the tenant's reads. The future may stay
     * incomplete while the database hangs: callers bound their wait.
     */
    CompletableFuture<Boolean> checkHealth();

    /**
     * Whether other nodes write this store too (the cluster's shared database): then what it holds may change without
     * this node knowing, and nothing read from it may be cached (a session revoked through another node).
     */
    default boolean sharedAcrossNodes() {
        return false;
    }

    /** Reads cancelled by their callers before they reached the database, since the store opened. */
    long readsSkipped();

    /**
     * Commits the writes accepted so far (their futures complete), refuses new ones, and releases the store. Waits
     * for that, ignoring interrupts. Idempotent.
     */
    @Override
    void close();
}
