package io.chat.history;

import static io.chat.history.StoreContract.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A power loss on a disk that drops whatever was not synced ({@link PowerLossDisk}), at a random point while
 * several threads append and another creates users (each a checkpoint that empties the log), many times over: the
 * machine starts again from what the disk held, the store opens on it, and the acknowledged writes are checked.
 * The first round starts from an empty folder (a new tenant: the names of its files must be durable too), each
 * later one from what the power loss before it left. No timing is asserted: the cut falls after a random number
 * of acknowledgements.
 */
class PowerLossTest {
    private static final int ROUNDS = Integer.getInteger("powerloss.rounds", 12);
    private static final int APPENDERS = 4;
    private static final List<String> ROOMS = List.of("room0", "room1", "room2");

    @TempDir
    Path temp;

    private final ExecutorService reads = Executors.newFixedThreadPool(2);
    private PowerLossDisk disk;

    @AfterEach
    void tearDown() {
        if (disk != null) {
            disk.detach();
        }
        reads.shutdown();
    }

    /** An acknowledged write: a message (room, seq, id) or a user (room null). */
    private record Ack(String room, long seq, String id, String user) {}

    /** Under fsync every acknowledged message and user survives every power loss. */
    @Test
    void fsyncKeepsEveryAcknowledgedWrite() throws Exception {
        long seed = Long.getLong("powerloss.seed", System.nanoTime());
        Totals totals = run(Durability.FSYNC, new Random(seed));
        System.out.println("power loss, fsync (seed " + seed + "): " + totals);
        assertEquals(0, totals.lost, "acknowledged writes lost under fsync (seed " + seed + ")");
        assertTrue(totals.checked > ROUNDS, "too few acknowledged writes checked: " + totals.checked);
    }

    /**
     * Under process (the default), as documented, a power loss may lose acknowledged writes: those since the last
     * time something synced the disk (here every one: nothing syncs while it runs). What survives is still a
     * consistent store: it opens, each room is a gapless prefix of what was acknowledged, no acknowledged message
     * is replaced by another, and seq goes on from the last one kept.
     */
    @Test
    void processMayLoseAcknowledgedWritesButStaysConsistent() throws Exception {
        long seed = Long.getLong("powerloss.seed", System.nanoTime());
        Totals totals = run(Durability.PROCESS, new Random(seed));
        System.out.println("power loss, process (seed " + seed + "): " + totals);
        assertTrue(totals.lost > 0, "the simulated power loss lost nothing: it tests nothing (seed " + seed + ")");
    }

    private static final class Totals {
        long checked;
        long lost;
        long fileSyncs;
        long folderSyncs;

        @Override
        public String toString() {
            return checked + " acknowledged writes checked, " + lost + " lost; " + fileSyncs + " file syncs, "
                    + folderSyncs + " folder syncs";
        }
    }

    private Totals run(Durability durability, Random random) throws Exception {
        Totals totals = new Totals();
        Map<String, byte[]> left = Map.of(); // round 0: a new tenant
        List<Ack> before = List.of();
        for (int round = 0; round <= ROUNDS; round++) {
            Path folder = temp.resolve(durability + "-" + round).resolve("tenant");
            PowerLossDisk.restore(left, folder);
            disk = PowerLossDisk.over(folder);
            H2TenantStore store = H2TenantStore.open(folder, "t", reads, CommitObserver.NONE, durability, disk);
            try {
                checkRecovered(store, before, durability, totals);
                if (round == ROUNDS) {
                    return totals;
                }
                Crash crash = load(store, 1 + random.nextInt(1_500), random.nextInt(3) == 0);
                left = crash.disk;
                before = crash.acked;
                totals.fileSyncs += disk.fileSyncs();
                totals.folderSyncs += disk.folderSyncs();
            } finally {
                store.close(); // after a cut: nothing of it reaches the disk
                disk.detach();
            }
        }
        throw new AssertionError("unreachable");
    }

    private record Crash(Map<String, byte[]> disk, List<Ack> acked) {}

    /**
     * Appends from several threads (and, when {@code users}, creates users, each a checkpoint) until
     * {@code acks} writes are acknowledged, then cuts the power. Returns what the disk held and the writes
     * acknowledged before the cut.
     */
    private Crash load(H2TenantStore store, int acks, boolean users) throws Exception {
        List<Ack> acked = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> threads = new ArrayList<>();
        String run = Long.toString(System.nanoTime(), 36);
        for (int t = 0; t < APPENDERS; t++) {
            int id = t;
            threads.add(Thread.ofPlatform().start(() -> {
                for (long i = 0; running.get(); i++) {
                    String room = ROOMS.get((int) ((id + i) % ROOMS.size()));
                    try {
                        StoredMessage m = store.append(
                                        room, "user" + id, "m " + i, Optional.of(run + "-" + id + "-" + i))
                                .join()
                                .message();
                        acked.add(new Ack(m.room(), m.seq(), m.id(), null));
                    } catch (RuntimeException closing) {
                        return; // the store closes after the cut
                    }
                }
            }));
        }
        if (users) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (long i = 0; running.get(); i++) {
                    String name = "u-" + run + "-" + i;
                    try {
                        store.createUser(new UserRecord(name, Optional.empty(), "hash", Instant.now()))
                                .join();
                        acked.add(new Ack(null, 0, null, name));
                        Thread.sleep(5);
                    } catch (RuntimeException | InterruptedException closing) {
                        return;
                    }
                }
            }));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (acked.size() < acks && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        // only writes acknowledged before the cut began: their syncs happened before it
        int known = acked.size();
        Map<String, byte[]> left = disk.cut();
        List<Ack> before;
        synchronized (acked) {
            before = List.copyOf(acked.subList(0, known));
        }
        running.set(false);
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(60));
        }
        return new Crash(left, before);
    }

    private static void checkRecovered(H2TenantStore store, List<Ack> acked, Durability durability, Totals totals) {
        Map<String, List<StoredMessage>> rooms = new HashMap<>();
        for (String room : ROOMS) {
            List<StoredMessage> stored = everyMessage(store, room);
            for (int i = 0; i < stored.size(); i++) {
                assertEquals(i + 1, stored.get(i).seq(), "gap in " + room);
            }
            rooms.put(room, stored);
        }
        for (Ack ack : acked) {
            totals.checked++;
            boolean kept;
            if (ack.room() == null) {
                kept = await(store.user(ack.user())).isPresent();
            } else {
                List<StoredMessage> stored = rooms.get(ack.room());
                kept = ack.seq() <= stored.size();
                if (kept) {
                    assertEquals(ack.id(), stored.get((int) ack.seq() - 1).id(), "acknowledged message replaced");
                }
            }
            if (!kept) {
                totals.lost++;
                assertEquals(Durability.PROCESS, durability, "acknowledged write lost under fsync: " + ack);
            }
        }
        assertEquals(rooms.values().stream().mapToLong(List::size).sum(), store.messageCount());
        for (String room : ROOMS) {
            long next = await(store.append(room, "after", "after", Optional.empty()))
                    .message()
                    .seq();
            assertEquals(rooms.get(room).size() + 1, next, "seq does not go on from the last message kept");
        }
    }

    private static List<StoredMessage> everyMessage(H2TenantStore store, String room) {
        List<StoredMessage> all = new ArrayList<>();
        while (true) {
            List<StoredMessage> page =
                    await(store.since(room, all.size(), H2TenantStore.MAX_PAGE)).messages();
            if (page.isEmpty()) {
                return all;
            }
            all.addAll(page);
        }
    }
}
