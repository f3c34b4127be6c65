package io.chat.tenant;

import io.chat.history.TenantRecords;
import io.chat.history.TenantStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The cluster's tenants: definitions in a database every node shares, stores opened by tenant id. Every change it
 * makes is told to {@code changed} once stored, so that the other nodes {@linkplain TenantRegistry#sync sync}.
 */
public final class SharedTenantCatalog implements TenantCatalog {
    private static final System.Logger LOGGER = System.getLogger(SharedTenantCatalog.class.getName());

    private final TenantRecords records;
    private final Function<String, TenantStore> stores;
    private final Runnable changed;

    public SharedTenantCatalog(TenantRecords records, Function<String, TenantStore> stores, Runnable changed) {
        this.records = records;
        this.stores = stores;
        this.changed = changed;
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public List<TenantDefinition> load() {
        return definitions(records.all());
    }

    private static List<TenantDefinition> definitions(List<TenantRecords.Entry> entries) {
        List<TenantDefinition> definitions = new ArrayList<>();
        for (TenantRecords.Entry entry : entries) {
            Optional<TenantId> id = TenantId.parse(entry.id());
            if (id.isEmpty()) {
                LOGGER.log(System.Logger.Level.WARNING, "event=load outcome=skipped reason=invalid-tenant-id");
                continue;
            }
            try {
                TenantDefinition definition = TenantJson.fromFile(entry.document());
                if (definition.id().equals(id.get())) {
                    definitions.add(definition);
                } else {
                    LOGGER.log(
                            System.Logger.Level.WARNING,
                            "tenant=" + id.get() + " event=load outcome=skipped reason=id-mismatch");
                }
            } catch (InvalidRequest e) {
                LOGGER.log(
                        System.Logger.Level.WARNING,
                        "tenant=" + id.get() + " event=load outcome=skipped reason=unreadable-definition");
            }
        }
        return definitions;
    }

    /**
     * Also refuses ({@link InvalidRequest}) a JWT tenant that would accept the tokens of a tenant stored by any node
     * ({@link SharedJwtKeys}): checked in the insert's transaction, while the other nodes' inserts wait, so two nodes
     * provisioning such tenants at once store one of them.
     */
    @Override
    public void create(TenantDefinition definition) {
        if (!records.insert(
                definition.id().value(), document(definition), stored -> checkJwtKeys(definition, stored))) {
            throw new TenantRegistry.TenantExists();
        }
        changed.run();
    }

    /**
     * Refuses ({@link InvalidRequest}, {@link SharedJwtKeys#REFUSED}) {@code candidate} when a tenant of {@code stored}
     * would accept its tokens.
     */
    public static void checkJwtKeys(TenantDefinition candidate, List<TenantRecords.Entry> stored) {
        SharedJwtKeys.check(candidate, definitions(stored));
    }

    /**
     * The tenants that would accept each other's tokens ({@link SharedJwtKeys}) if {@code candidates} joined
     * {@code stored}: pairs of candidates, and each candidate with the first stored tenant that accepts its tokens.
     */
    public static List<List<TenantId>> sharedJwtKeys(
            Collection<TenantDefinition> candidates, List<TenantRecords.Entry> stored) {
        List<List<TenantId>> pairs = new ArrayList<>(SharedJwtKeys.pairs(candidates));
        List<TenantDefinition> storedDefinitions = definitions(stored);
        for (TenantDefinition candidate : candidates) {
            SharedJwtKeys.acceptedBy(candidate, storedDefinitions)
                    .ifPresent(other -> pairs.add(List.of(candidate.id(), other)));
        }
        return pairs;
    }

    @Override
    public void update(TenantDefinition definition) {
        if (!records.update(definition.id().value(), document(definition))) {
            throw new TenantRegistry.UnknownTenant();
        }
        changed.run();
    }

    @Override
    public TenantStore openStore(TenantId id) {
        return stores.apply(id.value());
    }

    @Override
    public void remove(TenantId id) {
        records.delete(id.value());
        changed.run();
    }

    @Override
    public List<TenantRecords.Revocation> revokedWithin(Duration window, int limit) {
        return records.revokedWithin(window, limit);
    }

    @Override
    public void forgetRevocationsOlderThan(Duration age) {
        records.forgetRevocationsOlderThan(age);
    }

    private static byte[] document(TenantDefinition definition) {
        return TenantJson.toFile(definition);
    }
}
