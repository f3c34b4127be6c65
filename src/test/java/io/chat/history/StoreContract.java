package io.chat.history;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;

/**
 * What the store contract suites share: an implementation opens stores ({@link #openStore}); the suite closes them
 * after each test and counts the commits they report.
 */
abstract class StoreContract {
    protected final AtomicInteger batches = new AtomicInteger();
    protected final AtomicLong batchedWrites = new AtomicLong();
    protected final CommitObserver observer = (size, nanos) -> {
        batches.incrementAndGet();
        batchedWrites.addAndGet(size);
    };
    private final List<TenantStore> opened = new ArrayList<>();

    /**
     * Opens the store of {@code tenant}: empty the first time in a test, the same data when opened again after it
     * was closed. Every commit is reported to {@code observer}.
     */
    protected abstract TenantStore openStore(String tenant, CommitObserver observer);

    /** Runs once the test's stores are closed, to release what the implementation holds. */
    protected void storesClosed() throws Exception {}

    protected final TenantStore open(String tenant) {
        TenantStore store = openStore(tenant, observer);
        opened.add(store);
        return store;
    }

    @AfterEach
    final void closeStores() throws Exception {
        opened.forEach(TenantStore::close);
        storesClosed();
    }

    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("future failed", e);
        }
    }

    static Throwable failure(CompletableFuture<?> future) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(30, TimeUnit.SECONDS));
        return e.getCause();
    }

    /** The store's health as {@code /health} asks for it: an answer within 2 s, else unhealthy. */
    static boolean healthy(TenantStore store) {
        return store.checkHealth().completeOnTimeout(false, 2, TimeUnit.SECONDS).join();
    }
}
