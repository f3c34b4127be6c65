package io.chat.tenant;

import io.chat.history.TenantRecords;
import io.chat.history.TenantStore;
import java.time.Duration;
import java.util.List;

/**
 * Where the tenants' definitions and stores live: a folder per tenant on one node ({@link FolderTenantCatalog}), a
 * shared database in a cluster. The registry serializes the changes it asks for; a catalog only stores them.
 */
public interface TenantCatalog {
    /** Every readable definition; one that cannot be read is logged and skipped. */
    List<TenantDefinition> load();

    /**
     * Stores a new tenant's definition, durable when this returns.
     *
     * @throws TenantRegistry.TenantExists if the id is taken
     * @throws InvalidRequest if a catalog other nodes share holds a JWT tenant that would accept the new tenant's
     *     tokens ({@link SharedJwtKeys}; the registry has checked its own live tenants already)
     */
    void create(TenantDefinition definition);

    /** Replaces a tenant's definition (suspended or not), durable when this returns. */
    void update(TenantDefinition definition);

    /** Opens (creating if needed) the tenant's store. */
    TenantStore openStore(TenantId id);

    /** Removes the tenant's definition and everything stored for it; its store is closed already. */
    void remove(TenantId id);

    /**
     * The sessions ended lately before their expiry, when other nodes share the catalog ({@link
     * TenantRecords#revokedWithin}); none on one node, where every revocation is seen by the only node there is.
     */
    default List<TenantRecords.Revocation> revokedWithin(Duration window, int limit) {
        return List.of();
    }

    /** True when other nodes change it too: a tenant missing here may have been created elsewhere a moment ago. */
    default boolean shared() {
        return false;
    }

    /** Forgets the revocations older than {@code age} ({@link TenantRecords#forgetRevocationsOlderThan}). */
    default void forgetRevocationsOlderThan(Duration age) {}
}
