package io.chat.tenant;

import io.chat.history.TenantRecords;
import io.chat.history.TenantStore;
import io.chat.tenant.auth.PasswordHasher;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live tenants: loaded from their catalog at start, provisioned, suspended, resumed and deleted while running.
 * Changes are serialized (one admin action at a time); lookups are lock-free.
 */
public final class TenantRegistry implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(TenantRegistry.class.getName());

    private final TenantCatalog catalog;
    private final PasswordHasher hasher;
    private final Clock clock;
    private final TenantListener listener;
    private final ConcurrentHashMap<TenantId, Tenant> tenants = new ConcurrentHashMap<>();
    private final Object changes = new Object();

    /** Told of every change, to bind or unbind the tenant's namespace. */
    public interface TenantListener {
        void opened(Tenant tenant);

        void suspended(Tenant tenant);

        void resumed(Tenant tenant);

        void deleting(Tenant tenant);

        /**
         * Every session of a user ended (the user deleted, their password reset or changed) but the one whose token
         * key is {@code keptTokenKey} (none when empty): the user's other sockets must go.
         */
        void sessionsEnded(Tenant tenant, String username, String keptTokenKey);

        /** A session token was revoked (logout): the sockets that connected with it must go. */
        default void tokenRevoked(Tenant tenant, String tokenKey) {}

        /** Tells each of {@code listeners} in turn. */
        static TenantListener all(TenantListener... listeners) {
            List<TenantListener> each = List.of(listeners);
            return new TenantListener() {
                @Override
                public void opened(Tenant tenant) {
                    each.forEach(l -> l.opened(tenant));
                }

                @Override
                public void suspended(Tenant tenant) {
                    each.forEach(l -> l.suspended(tenant));
                }

                @Override
                public void resumed(Tenant tenant) {
                    each.forEach(l -> l.resumed(tenant));
                }

                @Override
                public void deleting(Tenant tenant) {
                    each.forEach(l -> l.deleting(tenant));
                }

                @Override
                public void sessionsEnded(Tenant tenant, String username, String keptTokenKey) {
                    each.forEach(l -> l.sessionsEnded(tenant, username, keptTokenKey));
                }

                @Override
                public void tokenRevoked(Tenant tenant, String tokenKey) {
                    each.forEach(l -> l.tokenRevoked(tenant, tokenKey));
                }
            };
        }
    }

    public TenantRegistry(TenantCatalog catalog, PasswordHasher hasher, Clock clock, TenantListener listener) {
        this.catalog = catalog;
        this.hasher = hasher;
        this.clock = clock;
        this.listener = listener;
    }

    /**
     * Opens every tenant the catalog holds. JWT tenants that accept each other's tokens (stored before that was
     * refused, see {@link SharedJwtKeys}) are opened all the same, with a warning naming them.
     */
    public void loadAll() {
        synchronized (changes) {
            List<TenantDefinition> definitions = catalog.load();
            definitions.forEach(this::open);
            SharedJwtKeys.warn(definitions, "load");
        }
    }

    /**
     * Brings the live tenants in line with the catalog after another node changed it: opens the tenants it does not
     * have, applies suspensions and resumptions, and closes the tenants the catalog no longer holds (their data is the
     * deleting node's to remove). Returns how many tenants changed.
     */
    public int sync() {
        synchronized (changes) {
            Map<TenantId, TenantDefinition> stored = new HashMap<>();
            catalog.load().forEach(definition -> stored.put(definition.id(), definition));
            int changed = 0;
            List<TenantDefinition> opened = new ArrayList<>();
            for (TenantDefinition definition : stored.values()) {
                Tenant live = tenants.get(definition.id());
                if (live == null) {
                    open(definition);
                    opened.add(definition);
                    LOGGER.log(System.Logger.Level.INFO, "tenant=" + definition.id() + " event=sync-open outcome=ok");
                    changed++;
                } else if (!live.definition().equals(definition)) {
                    boolean wasSuspended = live.suspended();
                    live.definition(definition);
                    if (definition.suspended() != wasSuspended) {
                        if (definition.suspended()) {
                            listener.suspended(live);
                        } else {
                            listener.resumed(live);
                        }
                    }
                    changed++;
                }
            }
            for (TenantId id : List.copyOf(tenants.keySet())) {
                if (!stored.containsKey(id)) {
                    Tenant gone = tenants.remove(id);
                    listener.deleting(gone);
                    gone.store().close();
                    LOGGER.log(System.Logger.Level.INFO, "tenant=" + id + " event=sync-close outcome=ok");
                    changed++;
                }
            }
            for (TenantDefinition definition : opened) {
                SharedJwtKeys.acceptedBy(definition, liveDefinitions())
                        .ifPresent(other -> SharedJwtKeys.warn(definition.id(), other, "sync-open"));
            }
            return changed;
        }
    }

    public Optional<Tenant> find(TenantId id) {
        return Optional.ofNullable(tenants.get(id));
    }

    /** Looks a tenant up by an id from a request; an invalid id finds nothing. */
    public Optional<Tenant> find(String rawId) {
        return TenantId.parse(rawId).flatMap(this::find);
    }

    /**
     * {@link #find(String)}; when the tenant is not live here but other nodes share the catalog, this node first
     * {@linkplain #sync syncs}: a tenant another node created a moment ago is found before its notice arrives (an
     * admin's "create the tenant, then its users" may reach two nodes). It reads the whole catalog: for authenticated
     * callers only. If the catalog cannot be read, what is live here answers.
     */
    public Optional<Tenant> findLatest(String rawId) {
        Optional<TenantId> id = TenantId.parse(rawId);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        Optional<Tenant> live = find(id.get());
        if (live.isPresent() || !catalog.shared()) {
            return live;
        }
        try {
            sync();
        } catch (RuntimeException e) {
            LOGGER.log(System.Logger.Level.WARNING, "tenant=" + id.get() + " event=lookup-sync outcome=failed");
        }
        return find(id.get());
    }

    /** A session of a live tenant that ended lately before its expiry, under the id the catalog recorded it with. */
    public record Revoked(long id, Tenant tenant, String tokenKey) {}

    /**
     * The sessions of live tenants ended in the last {@code window}, oldest first, as the catalog recorded them (see
     * {@link TenantCatalog#revokedWithin}): for a node of a cluster to drop its sockets of a session whose ending it
     * was not told. Empty on one node.
     */
    public List<Revoked> revokedWithin(Duration window, int limit) {
        List<Revoked> revoked = new ArrayList<>();
        for (TenantRecords.Revocation revocation : catalog.revokedWithin(window, limit)) {
            find(revocation.tenantId())
                    .ifPresent(tenant -> revoked.add(new Revoked(revocation.id(), tenant, revocation.tokenHash())));
        }
        return revoked;
    }

    /** Forgets the catalog's record of sessions ended more than {@code age} ago. */
    public void forgetRevocationsOlderThan(Duration age) {
        catalog.forgetRevocationsOlderThan(age);
    }

    public Collection<Tenant> all() {
        return List.copyOf(tenants.values());
    }

    public boolean isEmpty() {
        return tenants.isEmpty();
    }

    /**
     * Creates a tenant: definition and store; its namespace is live when this returns.
     *
     * @throws TenantExists if the id is taken
     * @throws InvalidRequest if it is a JWT tenant that would accept another's tokens, or another's its own
     *     ({@link SharedJwtKeys}): the same issuer and key, and not each its own audience. Checked here against
     *     every live tenant, suspended ones too, under the lock that serializes changes; a shared catalog checks
     *     the other nodes' tenants as it stores it.
     */
    public Tenant provision(TenantDefinition definition) {
        synchronized (changes) {
            if (tenants.containsKey(definition.id())) {
                throw new TenantExists();
            }
            SharedJwtKeys.check(definition, liveDefinitions());
            catalog.create(definition);
            Tenant tenant = open(definition);
            LOGGER.log(System.Logger.Level.INFO, "tenant=" + definition.id() + " event=provision outcome=ok");
            return tenant;
        }
    }

    public Tenant suspend(TenantId id) {
        return setSuspended(id, true);
    }

    public Tenant resume(TenantId id) {
        return setSuspended(id, false);
    }

    private Tenant setSuspended(TenantId id, boolean suspended) {
        synchronized (changes) {
            Tenant tenant = find(id).orElseThrow(UnknownTenant::new);
            TenantDefinition updated = tenant.definition().withSuspended(suspended);
            catalog.update(updated);
            tenant.definition(updated);
            if (suspended) {
                listener.suspended(tenant);
            } else {
                listener.resumed(tenant);
            }
            LOGGER.log(
                    System.Logger.Level.INFO,
                    "tenant=" + id + " event=" + (suspended ? "suspend" : "resume") + " outcome=ok");
            return tenant;
        }
    }

    /** Deletes a tenant: sockets disconnected, namespace gone, store closed, its data removed. */
    public void delete(TenantId id) {
        synchronized (changes) {
            Tenant tenant = tenants.remove(id);
            if (tenant == null) {
                throw new UnknownTenant();
            }
            listener.deleting(tenant);
            tenant.store().close();
            catalog.remove(id);
            LOGGER.log(System.Logger.Level.INFO, "tenant=" + id + " event=delete outcome=ok");
        }
    }

    /** Deletes a user of a tenant; their sockets are disconnected. */
    public boolean deleteUser(Tenant tenant, String username) {
        boolean deleted = tenant.deleteUser(username);
        if (deleted) {
            listener.sessionsEnded(tenant, username, "");
        }
        return deleted;
    }

    /**
     * An administrator's reset of a password user's password: every session of theirs ends and their sockets are
     * disconnected. False when there is no such user.
     */
    public boolean resetPassword(Tenant tenant, String username, String password) {
        boolean changed = tenant.resetPassword(username, password);
        if (changed) {
            listener.sessionsEnded(tenant, username, "");
        }
        return changed;
    }

    /**
     * A signed-in user changes their own password ({@link Tenant#changePassword}); once changed, their sockets of
     * other sessions are disconnected.
     */
    public PasswordChangeResult changePassword(
            Tenant tenant, String username, String token, String current, String next, String network) {
        String tokenKey = Tenant.tokenKey(token);
        PasswordChangeResult result = tenant.changePassword(username, tokenKey, current, next, network);
        if (result instanceof PasswordChangeResult.Changed) {
            listener.sessionsEnded(tenant, username, tokenKey);
        }
        return result;
    }

    /**
     * Revokes a session token of a tenant (logout); the sockets that connected with it are disconnected. False when
     * the token was not a live session. No use of the token succeeds once this returned.
     */
    public boolean logout(Tenant tenant, String token) {
        boolean revoked = tenant.logout(token);
        if (revoked) {
            listener.tokenRevoked(tenant, Tenant.tokenKey(token));
        }
        return revoked;
    }

    @Override
    public void close() {
        synchronized (changes) {
            for (Tenant tenant : tenants.values()) {
                try {
                    tenant.store().close();
                } catch (RuntimeException e) {
                    LOGGER.log(System.Logger.Level.WARNING, "tenant=" + tenant.id() + " event=close outcome=failed");
                }
            }
            tenants.clear();
        }
    }

    private List<TenantDefinition> liveDefinitions() {
        return tenants.values().stream().map(Tenant::definition).toList();
    }

    private Tenant open(TenantDefinition definition) {
        TenantStore store = catalog.openStore(definition.id());
        Tenant tenant = new Tenant(definition, store, hasher, clock);
        tenants.put(definition.id(), tenant);
        listener.opened(tenant);
        return tenant;
    }

    /** The id is taken. */
    public static final class TenantExists extends RuntimeException {
        TenantExists() {
            super("tenant exists", null, false, false);
        }
    }

    /** No live tenant has that id. */
    public static final class UnknownTenant extends RuntimeException {
        UnknownTenant() {
            super("unknown tenant", null, false, false);
        }
    }
}
