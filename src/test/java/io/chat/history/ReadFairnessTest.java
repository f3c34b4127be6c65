package io.chat.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every tenant's reads share one read executor: one tenant's flood of reads must not hold up another tenant's reads
 * or anyone's health check, must not grow without bound, and reads cancelled before they ran never run.
 */
class ReadFairnessTest {
    private static final CommitObserver NOTHING = (size, nanos) -> {};

    @TempDir
    Path tenants;

    /** As in Main: four platform threads for every tenant's reads. */
    private final ExecutorService reads = Executors.newFixedThreadPool(4);

    private final List<H2TenantStore> opened = new ArrayList<>();
    private final CompletableFuture<Void> release = new CompletableFuture<>();

    @AfterEach
    void tearDown() throws InterruptedException {
        release.complete(null);
        opened.forEach(H2TenantStore::close);
        reads.shutdown();
        assertTrue(reads.awaitTermination(10, TimeUnit.SECONDS));
    }

    private H2TenantStore open(String tenant) {
        H2TenantStore store = H2TenantStore.open(tenants.resolve(tenant), tenant, reads, NOTHING);
        opened.add(store);
        // The search index catches up at open with a read of its own through the same bounded queue: done before the
        // floods below count their places (a search waits for that catch-up).
        store.search(new SearchQuery(Set.of("r"), "x", Optional.empty(), Optional.empty(), 1, Optional.empty()))
                .join();
        return store;
    }

    /** A read that holds its thread (and its connection) until the test releases it. */
    private SqlWork<Integer> stuck(AtomicInteger started) {
        return connection -> {
            started.incrementAndGet();
            release.join();
            return 1;
        };
    }

    private List<CompletableFuture<Integer>> flood(H2TenantStore store, int reads, AtomicInteger started) {
        List<CompletableFuture<Integer>> all = new ArrayList<>();
        for (int i = 0; i < reads; i++) {
            all.add(store.read(stuck(started)));
        }
        return all;
    }

    @Test
    void aTenantFloodingReadsHoldsUpNeitherAnotherTenantsReadsNorHealth() throws Exception {
        H2TenantStore flooder = open("flooder");
        H2TenantStore quiet = open("quiet");
        quiet.append("general", "bob", "hello", Optional.empty()).join();
        AtomicInteger started = new AtomicInteger();
        List<CompletableFuture<Integer>> flood = flood(flooder, 200, started);
        awaitAtLeast(started, 1);

        long t0 = System.nanoTime();
        MessagePage page = quiet.before("general", OptionalLong.empty(), 50).get(5, TimeUnit.SECONDS);
        long readMillis = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(1, page.messages().size());
        assertTrue(readMillis < 1_000, "the quiet tenant's read took " + readMillis + " ms behind the flood");
        assertTrue(started.get() < 4, "the flooding tenant holds " + started.get() + " of the 4 read threads");

        t0 = System.nanoTime();
        assertTrue(flooder.healthy(), "the flooding tenant's database answers");
        assertTrue(quiet.healthy());
        long healthMillis = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(healthMillis < 1_000, "health took " + healthMillis + " ms behind the flood");

        release.complete(null);
        for (CompletableFuture<Integer> read : flood) {
            assertEquals(1, read.get(10, TimeUnit.SECONDS), "a queued read within the bounds runs");
        }
    }

    @Test
    void readsPastTheTenantsQueueFailAtOnce() throws Exception {
        H2TenantStore flooder = open("flooder");
        AtomicInteger started = new AtomicInteger();
        // the running reads first: until a thread takes a read it waits in the queue too, and on a busy machine the
        // last admitted reads found the queue full of reads not yet taken (CI, under a parallel build)
        List<CompletableFuture<Integer>> within = new ArrayList<>(flood(flooder, Writer.READ_CONNECTIONS, started));
        awaitAtLeast(started, Writer.READ_CONNECTIONS);
        within.addAll(flood(flooder, H2TenantStore.MAX_WAITING_READS, started));
        long t0 = System.nanoTime();
        CompletableFuture<Integer> over = flooder.read(stuck(started));
        Throwable refused = StoreContract.failure(over);
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1), "refused at once");
        assertInstanceOf(ReadsBusyException.class, refused);
        assertTrue(within.stream().noneMatch(CompletableFuture::isDone), "the admitted reads still wait");
    }

    @Test
    void aReadCancelledWhileQueuedNeverRuns() throws Exception {
        H2TenantStore store = open("acme");
        AtomicInteger started = new AtomicInteger();
        List<CompletableFuture<Integer>> running = flood(store, Writer.READ_CONNECTIONS, started);
        awaitAtLeast(started, Writer.READ_CONNECTIONS);
        AtomicInteger ran = new AtomicInteger();
        List<CompletableFuture<Integer>> queued = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            queued.add(store.read(connection -> ran.incrementAndGet()));
        }
        queued.forEach(read -> read.cancel(false));
        release.complete(null);
        for (CompletableFuture<Integer> read : running) {
            assertEquals(1, read.get(10, TimeUnit.SECONDS));
        }
        assertEquals(1, store.read(connection -> 1).get(10, TimeUnit.SECONDS), "the store reads on");
        assertEquals(0, ran.get(), "cancelled reads touched the database");
        assertEquals(50, store.readsSkipped());
    }

    private static void awaitAtLeast(AtomicInteger counter, int value) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (counter.get() < value) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + counter.get() + " reads started");
            }
            Thread.sleep(5);
        }
    }
}
