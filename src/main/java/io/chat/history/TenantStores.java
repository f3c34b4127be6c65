package io.chat.history;

import java.nio.file.Path;

/** Opens tenants' stores: how the registry gets a store without knowing which kind. */
@FunctionalInterface
public interface TenantStores {
    /**
     * Opens (creating if needed) the store of tenant {@code tenantId}, whose folder {@code directory} the caller has
     * built from the validated id.
     *
     * @throws StoreLockedException if the store is open already
     * @throws StoreException       if it cannot be opened
     */
    TenantStore open(Path directory, String tenantId);
}
