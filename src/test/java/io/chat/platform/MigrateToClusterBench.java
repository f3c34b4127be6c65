package io.chat.platform;

import io.chat.Main;
import io.chat.PostgresLogin;
import io.chat.history.CommitObserver;
import io.chat.history.H2TenantStore;
import io.chat.testing.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * How fast {@code scripts/migrate-to-cluster} moves a big history (a measurement, not a test): one tenant made by a
 * real single node, then {@code messages} messages over {@code rooms} rooms appended to its H2 store directly (group
 * commit, 1,000 in flight), then the migration into a new database of the tests' PostgreSQL. Run with a small heap
 * ({@code -Xmx256m}) to see that memory stays bounded.
 *
 * <p>{@code java -Xmx256m -cp target/classes:target/test-classes:<deps> io.chat.platform.MigrateToClusterBench 1000000 20}
 */
public final class MigrateToClusterBench {
    private MigrateToClusterBench() {}

    public static void main(String[] args) throws Exception {
        int messages = Integer.parseInt(args[0]);
        int rooms = Integer.parseInt(args[1]);
        Path tenants = Files.createTempDirectory("migrate-bench");
        String tenant = "bench-tenant";
        try (PlatformServer single = PlatformServer.start(tenants)) {
            TestTenants.passwordTenant(single, tenant, null, "alice");
        }
        ExecutorService reads = Executors.newFixedThreadPool(2);
        long filling = System.nanoTime();
        H2TenantStore store = H2TenantStore.open(tenants.resolve(tenant), tenant, reads, CommitObserver.NONE);
        try {
            List<CompletableFuture<?>> inFlight = new ArrayList<>();
            for (int i = 0; i < messages; i++) {
                inFlight.add(store.append(
                        "room-" + (i % rooms),
                        "alice",
                        "message number " + i + " with some text ✓",
                        i % 2 == 0 ? Optional.of("client-" + i) : Optional.empty()));
                if (inFlight.size() == 1_000) {
                    CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new))
                            .join();
                    inFlight.clear();
                }
            }
            CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
        } finally {
            store.close();
            reads.shutdown();
        }
        System.err.printf("filled %d messages in %.1f s%n", messages, (System.nanoTime() - filling) / 1e9);
        PostgresServer postgres = PostgresServer.shared();
        String database = "migrate_bench_" + ProcessHandle.current().pid();
        postgres.createDatabase(database);
        long started = System.nanoTime();
        int status = Main.migrateToCluster(
                tenants,
                new PostgresLogin(postgres.jdbcUrl(database), postgres.ownerUser(), postgres.ownerPassword()),
                false,
                System.out,
                System.err);
        System.err.printf(
                "migration exited %d after %.1f s, max heap %d MB, used now %d MB%n",
                status,
                (System.nanoTime() - started) / 1e9,
                Runtime.getRuntime().maxMemory() >> 20,
                (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
        postgres.close();
        System.exit(status);
    }
}
