package io.chat.history;

import java.util.List;

/**
 * The tenants' definitions kept in a database every node shares, as documents the tenant package writes and reads:
 * the cluster's catalog of tenants (one node keeps them in files instead).
 */
public interface TenantRecords {
    /** One tenant's definition document. */
    record Entry(String id, byte[] document) {}

    /** Every tenant's definition. */
    List<Entry> all();

    /** Stores a new tenant's definition; false when the id is taken. */
    boolean insert(String id, byte[] document);

    /** Replaces a tenant's definition; false when there is no such tenant. */
    boolean update(String id, byte[] document);

    /** Deletes a tenant's definition and everything stored for it (messages, users, sessions), in one transaction. */
    void delete(String id);
}
