package io.chat.tenant;

import io.chat.history.OwnerOnly;
import io.chat.history.TenantStore;
import io.chat.history.TenantStores;
import io.chat.tenant.auth.PasswordHasher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live tenants: loaded from the tenants folder at start, provisioned, suspended, resumed and deleted while
 * running. Each tenant lives in {@code <root>/<id>/}: {@code tenant.json} and its store (opened by {@code stores}).
 * Changes are serialized (one admin action at a time); lookups are lock-free.
 */
public final class TenantRegistry implements AutoCloseable {
    static final String DEFINITION_FILE = "tenant.json";
    private static final System.Logger LOGGER = System.getLogger(TenantRegistry.class.getName());

    private final Path root;
    private final TenantStores stores;
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

        /** A user lost access: their sockets must go. */
        void userDeleted(Tenant tenant, String username);

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
                public void userDeleted(Tenant tenant, String username) {
                    each.forEach(l -> l.userDeleted(tenant, username));
                }

                @Override
                public void tokenRevoked(Tenant tenant, String tokenKey) {
                    each.forEach(l -> l.tokenRevoked(tenant, tokenKey));
                }
            };
        }
    }

    public TenantRegistry(Path root, TenantStores stores, PasswordHasher hasher, Clock clock, TenantListener listener) {
        this.root = root.toAbsolutePath().normalize();
        this.stores = stores;
        this.hasher = hasher;
        this.clock = clock;
        this.listener = listener;
    }

    public Path root() {
        return root;
    }

    /** Opens every tenant found in the folder; a folder that cannot be read is logged and skipped. */
    public void loadAll() {
        try {
            OwnerOnly.ensureFolder(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the tenants folder " + root, e);
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path dir : entries) {
                Optional<TenantId> id = TenantId.parse(dir.getFileName().toString());
                Path file = dir.resolve(DEFINITION_FILE);
                if (id.isEmpty() || !Files.isRegularFile(file)) {
                    continue;
                }
                TenantDefinition definition;
                try {
                    definition = TenantJson.fromFile(Files.readAllBytes(file));
                } catch (IOException | InvalidRequest e) {
                    LOGGER.log(
                            System.Logger.Level.WARNING,
                            "tenant=" + id.get() + " event=load outcome=skipped" + " reason=unreadable-definition");
                    continue;
                }
                if (!definition.id().equals(id.get())) {
                    LOGGER.log(
                            System.Logger.Level.WARNING,
                            "tenant=" + id.get() + " event=load outcome=skipped" + " reason=id-mismatch");
                    continue;
                }
                open(definition);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the tenants folder " + root, e);
        }
    }

    public Optional<Tenant> find(TenantId id) {
        return Optional.ofNullable(tenants.get(id));
    }

    /** Looks a tenant up by an id from a request; an invalid id finds nothing. */
    public Optional<Tenant> find(String rawId) {
        return TenantId.parse(rawId).flatMap(this::find);
    }

    public Collection<Tenant> all() {
        return List.copyOf(tenants.values());
    }

    public boolean isEmpty() {
        return tenants.isEmpty();
    }

    /**
     * Creates a tenant: folder, definition, database; its namespace is live when this returns. A folder that holds
     * no definition and nothing but unfinished definition files is a provisioning that was interrupted before it wrote
     * the definition (the database comes after it): it is taken over rather than blocking the id for good.
     */
    public Tenant provision(TenantDefinition definition) {
        synchronized (changes) {
            Path dir = directoryOf(definition.id());
            boolean leftOver = !tenants.containsKey(definition.id()) && interruptedProvisioning(dir);
            if (tenants.containsKey(definition.id()) || (Files.exists(dir) && !leftOver)) {
                throw new TenantExists();
            }
            try {
                if (leftOver) {
                    deleteRecursively(dir);
                    LOGGER.log(
                            System.Logger.Level.INFO,
                            "tenant=" + definition.id()
                                    + " event=provision reason=interrupted-provisioning-taken-over");
                }
                OwnerOnly.createFolder(dir);
                writeDefinition(dir, definition);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create tenant folder", e);
            }
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
            try {
                writeDefinition(tenant.directory(), updated);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write tenant definition", e);
            }
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

    /** Deletes a tenant: sockets disconnected, namespace gone, store closed, folder removed. */
    public void delete(TenantId id) {
        synchronized (changes) {
            Tenant tenant = tenants.remove(id);
            if (tenant == null) {
                throw new UnknownTenant();
            }
            listener.deleting(tenant);
            tenant.store().close();
            deleteRecursively(tenant.directory());
            LOGGER.log(System.Logger.Level.INFO, "tenant=" + id + " event=delete outcome=ok");
        }
    }

    /** Deletes a user of a tenant; their sockets are disconnected. */
    public boolean deleteUser(Tenant tenant, String username) {
        boolean deleted = tenant.deleteUser(username);
        if (deleted) {
            listener.userDeleted(tenant, username);
        }
        return deleted;
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

    private Tenant open(TenantDefinition definition) {
        Path dir = directoryOf(definition.id());
        TenantStore store = stores.open(dir, definition.id().value());
        Tenant tenant = new Tenant(definition, dir, store, hasher, clock);
        tenants.put(definition.id(), tenant);
        listener.opened(tenant);
        return tenant;
    }

    /** A folder with no definition and nothing but the temporary files {@link #writeDefinition} writes first. */
    private static boolean interruptedProvisioning(Path dir) {
        if (!Files.isDirectory(dir) || Files.exists(dir.resolve(DEFINITION_FILE))) {
            return false;
        }
        try (var entries = Files.list(dir)) {
            return entries.allMatch(entry ->
                    Files.isRegularFile(entry) && entry.getFileName().toString().matches("\\.tenant[0-9]*\\.tmp"));
        } catch (IOException e) {
            return false;
        }
    }

    private Path directoryOf(TenantId id) {
        Path dir = root.resolve(id.value()).normalize();
        if (!dir.getParent().equals(root)) {
            throw new IllegalStateException("tenant folder outside the tenants folder");
        }
        return dir;
    }

    private static void writeDefinition(Path dir, TenantDefinition definition) throws IOException {
        Path temp = Files.createTempFile(dir, ".tenant", ".tmp");
        try {
            OwnerOnly.restrictFile(temp);
            Files.write(temp, TenantJson.toFile(definition));
            try {
                Files.move(
                        temp,
                        dir.resolve(DEFINITION_FILE),
                        StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, dir.resolve(DEFINITION_FILE), StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private void deleteRecursively(Path dir) {
        if (!dir.normalize().startsWith(root) || dir.equals(root)) {
            throw new IllegalStateException("refusing to delete outside the tenants folder");
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove tenant folder", e);
        }
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
