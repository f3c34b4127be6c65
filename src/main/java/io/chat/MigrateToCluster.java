package io.chat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chat.history.ClusterMigration;
import io.chat.history.ClusterMigration.Counts;
import io.chat.history.StoreException;
import io.chat.json.Json;
import io.chat.tenant.FolderTenantCatalog;
import io.chat.tenant.SharedTenantCatalog;
import io.chat.tenant.TenantDefinition;
import io.chat.tenant.TenantId;
import io.chat.tenant.TenantJson;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * {@code scripts/migrate-to-cluster}: moves a single node's tenants folder into the cluster's PostgreSQL database,
 * tenant by tenant ({@link ClusterMigration} does each in one transaction). Checks first, writes after: it refuses a
 * folder a server holds, a definition it cannot read, a JWT tenant that would accept another's tokens in the cluster
 * (as provisioning refuses it), and, unless told to skip them, any tenant the cluster has already; then nothing is
 * written. Prints progress on {@code err} and, once all is moved, one JSON object on
 * {@code out}; a failure is one line on {@code err} and a non-zero status.
 */
final class MigrateToCluster {
    /** A progress line per this many messages of a tenant. */
    static final long PROGRESS_EVERY = 100_000;

    private final Path tenantsDir;
    private final Function<Path, FolderTenantCatalog> catalogs;
    private final Supplier<ClusterMigration> cluster;
    private final boolean skipExisting;
    private final Clock clock;
    private final PrintStream out;
    private final PrintStream err;

    /**
     * @param catalogs     the folder's catalog, made once the folder is known to exist (a catalog creates it)
     * @param cluster      connects to the cluster's database, once the folder has passed its checks
     * @param skipExisting migrate the tenants the cluster lacks, rather than refuse when it has some already
     */
    MigrateToCluster(
            Path tenantsDir,
            Function<Path, FolderTenantCatalog> catalogs,
            Supplier<ClusterMigration> cluster,
            boolean skipExisting,
            Clock clock,
            PrintStream out,
            PrintStream err) {
        this.tenantsDir = tenantsDir.toAbsolutePath().normalize();
        this.catalogs = catalogs;
        this.cluster = cluster;
        this.skipExisting = skipExisting;
        this.clock = clock;
        this.out = out;
        this.err = err;
    }

    /** The exit status: 0 when every tenant (less those skipped) is moved. */
    int run() {
        try {
            FolderTenantCatalog catalog = catalog();
            List<TenantDefinition> tenants = readableTenants(catalog);
            refuseWhileHeld(catalog, tenants);
            try (ClusterMigration migration = cluster.get()) {
                Set<String> existing = refuseExisting(migration, tenants);
                refuseSharedJwtKeys(migration, tenants, existing);
                Report report = new Report(existing);
                for (TenantDefinition definition : tenants) {
                    if (existing.contains(definition.id().value())) {
                        err.println("tenant " + definition.id() + ": in the cluster already, skipped");
                    } else {
                        move(migration, catalog, definition, report);
                    }
                }
                out.println(report.json());
                return 0;
            }
        } catch (Refused | StoreException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }

    /** Why the migration stops. */
    private static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private FolderTenantCatalog catalog() {
        if (!Files.isDirectory(tenantsDir)) {
            throw new Refused("no tenants folder " + tenantsDir);
        }
        return catalogs.apply(tenantsDir);
    }

    /** Every tenant of the folder, by id; refuses if a definition cannot be read (it would be left behind). */
    private static List<TenantDefinition> readableTenants(FolderTenantCatalog catalog) {
        FolderTenantCatalog.Contents contents = catalog.contents();
        if (!contents.unreadable().isEmpty()) {
            throw new Refused("cannot use the tenant.json of " + String.join(", ", contents.unreadable())
                    + ": fix it or move the folder away; nothing was migrated");
        }
        List<TenantDefinition> tenants = new ArrayList<>(contents.definitions());
        tenants.sort(Comparator.comparing(definition -> definition.id().value()));
        return tenants;
    }

    private void refuseWhileHeld(FolderTenantCatalog catalog, List<TenantDefinition> tenants) {
        List<String> held = tenants.stream()
                .map(TenantDefinition::id)
                .filter(id -> ClusterMigration.inUse(catalog.folderOf(id)))
                .map(TenantId::value)
                .toList();
        if (!held.isEmpty()) {
            throw new Refused("a server is running on " + tenantsDir + " (it holds " + String.join(", ", held)
                    + "): stop it first; nothing was migrated");
        }
    }

    /** The tenants the cluster has already: refused unless they are to be skipped. */
    private Set<String> refuseExisting(ClusterMigration migration, List<TenantDefinition> tenants) {
        Set<String> existing = migration.existing(
                tenants.stream().map(definition -> definition.id().value()).toList());
        if (!existing.isEmpty() && !skipExisting) {
            throw new Refused("the cluster has tenants " + String.join(", ", existing)
                    + " already: nothing was migrated (--skip-existing migrates the others)");
        }
        return existing;
    }

    /**
     * Refuses a JWT tenant that would accept another's tokens in the cluster (the same issuer and key, not each its own
     * audience), as provisioning does: a single node only warned of such tenants stored before the rule.
     */
    private static void refuseSharedJwtKeys(
            ClusterMigration migration, List<TenantDefinition> tenants, Set<String> existing) {
        List<TenantDefinition> moving = tenants.stream()
                .filter(definition -> !existing.contains(definition.id().value()))
                .toList();
        List<List<TenantId>> pairs = SharedTenantCatalog.sharedJwtKeys(moving, migration.tenants());
        if (!pairs.isEmpty()) {
            throw new Refused("jwt tenants "
                    + pairs.stream()
                            .map(pair -> pair.get(0) + " and " + pair.get(1))
                            .collect(Collectors.joining(", "))
                    + " would accept each other's tokens (the same issuer and key): give each its own audience in"
                    + " its tenant.json; nothing was migrated");
        }
    }

    private void move(
            ClusterMigration migration, FolderTenantCatalog catalog, TenantDefinition definition, Report report) {
        String id = definition.id().value();
        long started = System.nanoTime();
        Counts counts;
        try {
            counts = migration.migrate(
                    id,
                    catalog.folderOf(definition.id()),
                    TenantJson.toFile(definition),
                    clock.instant(),
                    stored -> SharedTenantCatalog.checkJwtKeys(definition, stored),
                    new ProgressLines(id));
        } catch (StoreException e) {
            throw new Refused("tenant " + id + ": " + e.getMessage() + "; nothing of " + id + " was written"
                    + (report.migrated.isEmpty()
                            ? ""
                            : "; migrated before it: " + String.join(", ", report.migrated)
                                    + " (run again with --skip-existing to go on)"));
        }
        double seconds = seconds(started);
        err.printf(
                "tenant %s: migrated %d users, %d sessions, %d rooms, %d messages in %.1f s%n",
                id, counts.users(), counts.sessions(), counts.rooms(), counts.messages(), seconds);
        report.add(id, counts, seconds);
    }

    /** What was moved, for the JSON on {@code out}. */
    private final class Report {
        private final long started = System.nanoTime();
        private final Set<String> skipped;
        private final List<String> migrated = new ArrayList<>();
        private final ArrayNode tenants = Json.mapper().createArrayNode();
        private Counts total = Counts.NONE;

        Report(Set<String> skipped) {
            this.skipped = skipped;
        }

        void add(String id, Counts counts, double seconds) {
            tenants.add(counts(counts).put("id", id).put("seconds", round(seconds)));
            migrated.add(id);
            total = total.plus(counts);
        }

        ObjectNode json() {
            double seconds = seconds(started);
            ObjectNode report = Json.mapper().createObjectNode();
            report.put("tenantsDir", tenantsDir.toString());
            report.set("tenants", tenants);
            skipped.forEach(report.putArray("skipped")::add);
            report.set("total", counts(total).put("tenants", migrated.size()));
            report.put("seconds", round(seconds));
            report.put("messagesPerSecond", seconds > 0 ? Math.round(total.messages() / seconds) : 0);
            report.put(
                    "notMigrated",
                    ".admin.json (this node's admin credentials) and expired sessions; the cluster's nodes take"
                            + " CHAT_ADMIN_USER and CHAT_ADMIN_PASSWORD");
            return report;
        }
    }

    /** A line on {@code err} each time a tenant's copied messages pass a multiple of {@link #PROGRESS_EVERY}. */
    private final class ProgressLines implements ClusterMigration.Progress {
        private final String tenant;
        private long next = PROGRESS_EVERY;

        ProgressLines(String tenant) {
            this.tenant = tenant;
        }

        @Override
        public void messages(long copied, long total) {
            if (copied >= next) {
                err.println("tenant " + tenant + ": " + copied + " of " + total + " messages");
                next = (copied / PROGRESS_EVERY + 1) * PROGRESS_EVERY;
            }
        }
    }

    private static ObjectNode counts(Counts counts) {
        return Json.mapper()
                .createObjectNode()
                .put("users", counts.users())
                .put("sessions", counts.sessions())
                .put("rooms", counts.rooms())
                .put("messages", counts.messages());
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    private static double round(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }
}
