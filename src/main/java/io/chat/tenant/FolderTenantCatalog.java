package io.chat.tenant;

import io.chat.history.OwnerOnly;
import io.chat.history.TenantStore;
import io.chat.history.TenantStores;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One node's tenants: each in {@code <root>/<id>/}, its {@code tenant.json} beside its store (opened by
 * {@code stores}).
 */
public final class FolderTenantCatalog implements TenantCatalog {
    static final String DEFINITION_FILE = "tenant.json";
    private static final System.Logger LOGGER = System.getLogger(FolderTenantCatalog.class.getName());

    private final Path root;
    private final TenantStores stores;

    private FolderTenantCatalog(Path root, TenantStores stores) {
        this.root = root.toAbsolutePath().normalize();
        this.stores = stores;
    }

    /** The catalog of the tenants folder {@code root}, created (owner only) if missing. */
    public static FolderTenantCatalog create(Path root, TenantStores stores) {
        FolderTenantCatalog catalog = new FolderTenantCatalog(root, stores);
        try {
            OwnerOnly.ensureFolder(catalog.root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the tenants folder " + catalog.root, e);
        }
        return catalog;
    }

    /**
     * The folder's tenants: the definitions that can be read, and the tenant folders whose cannot, each as its id and
     * why, e.g. {@code demo2 (it names tenant demo)}.
     */
    public record Contents(List<TenantDefinition> definitions, List<String> unreadable) {}

    @Override
    public List<TenantDefinition> load() {
        return contents().definitions();
    }

    /** As {@link #load()}, also naming the tenants it skips (which it logs). */
    public Contents contents() {
        List<TenantDefinition> definitions = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
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
                    unreadable.add(id.get().value() + " (not a tenant definition)");
                    continue;
                }
                if (!definition.id().equals(id.get())) {
                    LOGGER.log(
                            System.Logger.Level.WARNING,
                            "tenant=" + id.get() + " event=load outcome=skipped" + " reason=id-mismatch");
                    unreadable.add(id.get().value() + " (it names tenant " + definition.id() + ")");
                    continue;
                }
                definitions.add(definition);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the tenants folder " + root, e);
        }
        return new Contents(List.copyOf(definitions), List.copyOf(unreadable));
    }

    /** The tenant's folder: its definition and its store. */
    public Path folderOf(TenantId id) {
        return directoryOf(id);
    }

    /**
     * A folder that holds no definition and nothing but unfinished definition files is a provisioning that was
     * interrupted before it wrote the definition (the database comes after it): it is taken over rather than
     * blocking the id for good.
     */
    @Override
    public void create(TenantDefinition definition) {
        Path dir = directoryOf(definition.id());
        boolean leftOver = interruptedProvisioning(dir);
        if (Files.exists(dir) && !leftOver) {
            throw new TenantRegistry.TenantExists();
        }
        try {
            if (leftOver) {
                deleteRecursively(dir);
                LOGGER.log(
                        System.Logger.Level.INFO,
                        "tenant=" + definition.id() + " event=provision reason=interrupted-provisioning-taken-over");
            }
            OwnerOnly.createFolder(dir);
            writeDefinition(dir, definition);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create tenant folder", e);
        }
    }

    @Override
    public void update(TenantDefinition definition) {
        try {
            writeDefinition(directoryOf(definition.id()), definition);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write tenant definition", e);
        }
    }

    @Override
    public TenantStore openStore(TenantId id) {
        return stores.open(directoryOf(id), id.value());
    }

    @Override
    public void remove(TenantId id) {
        deleteRecursively(directoryOf(id));
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
}
