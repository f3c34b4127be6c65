package io.chat.history;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;

/** The read position contract, on H2. */
class H2ReadPositionTest extends ReadPositionContract {
    @TempDir
    Path tenants;

    private final ExecutorService reads = Executors.newFixedThreadPool(4);

    @Override
    protected TenantStore openStore(String tenant, CommitObserver observer) {
        return H2TenantStore.open(tenants.resolve(tenant), tenant, reads, observer);
    }

    @Override
    protected void storesClosed() throws InterruptedException {
        reads.shutdown();
        assertTrue(reads.awaitTermination(10, TimeUnit.SECONDS));
    }
}
