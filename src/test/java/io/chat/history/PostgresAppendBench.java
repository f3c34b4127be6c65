package io.chat.history;

import io.chat.testing.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * Acknowledged appends per second from one node to a local PostgreSQL (fsync on), and the ack latency, with many
 * concurrent senders each waiting for its ack before its next message (a chat client's rhythm). A measurement, not
 * a test: {@code java -cp ... io.chat.history.PostgresAppendBench [senders] [rooms] [seconds] [tenants]}.
 */
public final class PostgresAppendBench {
    private PostgresAppendBench() {}

    /** The machine's 1-minute load average: other work on the same cores skews the figures. */
    private static double loadAverage() throws java.io.IOException {
        return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    }

    public static void main(String[] args) throws Exception {
        int senders = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int rooms = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int tenants = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        AtomicLong batches = new AtomicLong();
        AtomicLong batchedWrites = new AtomicLong();
        AtomicLong commitNanos = new AtomicLong();
        CommitObserver observer = (size, nanos) -> {
            batches.incrementAndGet();
            batchedWrites.addAndGet(size);
            commitNanos.addAndGet(nanos);
        };
        ExecutorService reads = PostgresFixture.readExecutor();
        try (PostgresServer server = PostgresServer.start()) {
            String url = server.createDatabase("chat_bench");
            try (PostgresDatabase database =
                    PostgresDatabase.open(url, server.ownerUser(), server.ownerPassword(), reads, observer)) {
                List<TenantStore> stores = new ArrayList<>();
                for (int t = 0; t < tenants; t++) {
                    PostgresFixture.register(database, "bench" + t);
                    PostgresFixture.register(database, "bench" + t);
                    stores.add(database.forTenant("bench" + t));
                }
                Recorder latencies = new Recorder(TimeUnit.SECONDS.toNanos(60), 3);
                AtomicBoolean measuring = new AtomicBoolean();
                AtomicBoolean stop = new AtomicBoolean();
                AtomicLong acked = new AtomicLong();
                AtomicLong failed = new AtomicLong();
                List<Thread> threads = new ArrayList<>();
                for (int s = 0; s < senders; s++) {
                    int sender = s;
                    threads.add(Thread.ofVirtual().start(() -> {
                        TenantStore store = stores.get(sender % tenants);
                        String room = "room" + sender % rooms;
                        String text = "message from sender " + sender + " " + "x".repeat(60);
                        for (long i = 0; !stop.get(); i++) {
                            long start = System.nanoTime();
                            try {
                                store.append(room, "user" + sender, text, Optional.of("c" + i))
                                        .join();
                                if (measuring.get()) {
                                    latencies.recordValue(System.nanoTime() - start);
                                    acked.incrementAndGet();
                                }
                            } catch (RuntimeException e) {
                                failed.incrementAndGet();
                            }
                        }
                    }));
                }
                Thread.sleep(3_000); // warm-up: JIT, pool, counters
                latencies.reset();
                batches.set(0);
                batchedWrites.set(0);
                commitNanos.set(0);
                double loadBefore = loadAverage();
                Duration cpuBefore = server.cpuTime();
                measuring.set(true);
                long started = System.nanoTime();
                Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
                measuring.set(false);
                // backends that ended meanwhile are not counted: the pool keeps its connections
                Duration postgresCpu = server.cpuTime().minus(cpuBefore);
                double elapsed = (System.nanoTime() - started) / 1e9;
                var histogram = latencies.getIntervalHistogram();
                stop.set(true);
                for (Thread thread : threads) {
                    thread.join();
                }
                stores.forEach(TenantStore::close);
                System.out.printf(
                        "senders=%d rooms=%d tenants=%d seconds=%.1f acked=%d (%.0f/s) failed=%d%n"
                                + "ack latency ms: p50=%.2f p90=%.2f p99=%.2f p99.9=%.2f max=%.2f%n"
                                + "commits=%d (%.0f/s), mean batch=%.1f writes, mean transaction=%.2f ms%n"
                                + "postgres cpu=%.0f ms per 1000 acked (%.0f%% of one core), load average %.1f -> %.1f%n",
                        senders,
                        rooms,
                        tenants,
                        elapsed,
                        acked.get(),
                        acked.get() / elapsed,
                        failed.get(),
                        histogram.getValueAtPercentile(50) / 1e6,
                        histogram.getValueAtPercentile(90) / 1e6,
                        histogram.getValueAtPercentile(99) / 1e6,
                        histogram.getValueAtPercentile(99.9) / 1e6,
                        histogram.getMaxValue() / 1e6,
                        batches.get(),
                        batches.get() / elapsed,
                        batchedWrites.get() / (double) Math.max(1, batches.get()),
                        commitNanos.get() / 1e6 / Math.max(1, batches.get()),
                        postgresCpu.toNanos() / 1e6 / Math.max(1, acked.get()) * 1000,
                        postgresCpu.toNanos() / 1e7 / elapsed,
                        loadBefore,
                        loadAverage());
            }
        } finally {
            PostgresFixture.shutDown(reads);
        }
    }
}
