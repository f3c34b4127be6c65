package io.chat.history;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * The tenants' definitions kept in a database every node shares, as documents the tenant package writes and reads:
 * the cluster's catalog of tenants (one node keeps them in files instead).
 */
public interface TenantRecords {
    /** One tenant's definition document. */
    record Entry(String id, byte[] document) {}

    /** Every tenant's definition. */
    List<Entry> all();

    /**
     * Stores a new tenant's definition; false when the id is taken. Before it does, in the same transaction and while
     * every other node's insert waits, {@code check} is given every definition stored: it throws to refuse the new one
     * (nothing is stored, and its exception reaches the caller), so that a rule across tenants holds with two nodes
     * provisioning at once.
     */
    boolean insert(String id, byte[] document, Consumer<List<Entry>> check);

    /** Replaces a tenant's definition; false when there is no such tenant. */
    boolean update(String id, byte[] document);

    /** Deletes a tenant's definition and everything stored for it (messages, users, sessions), in one transaction. */
    void delete(String id);

    /** A session that ended before its expiry (a logout, or its user deleted), as the database recorded it. */
    record Revocation(long id, String tenantId, String tokenHash) {}

    /**
     * The sessions that ended in the last {@code window} before the database's clock, oldest first, at most
     * {@code limit}. A caller that reads every few seconds with a window much longer than that sees every revocation
     * (also one whose transaction committed late), some more than once: the ids tell them apart.
     */
    List<Revocation> revokedWithin(Duration window, int limit);

    /** Forgets the revocations older than {@code age}: their sessions' sockets are gone from every node. */
    void forgetRevocationsOlderThan(Duration age);
}
