package io.chat.history;

import static io.chat.history.StoreContract.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * kill -9 of a process appending at full speed, and storing its database file many times a second (a user created
 * every few ms), loses no acknowledged message nor user.
 */
class DurabilityTest {
    /** Overridable to make runs that last past a timed checkpoint (-Dkill.acks=1000000 -Dkill.ms=12000). */
    private static final int ACKS_BEFORE_KILL = Integer.getInteger("kill.acks", 5_000);

    @TempDir
    Path tenants;

    @ParameterizedTest
    @EnumSource(Durability.class)
    void everyAcknowledgedAppendSurvivesKillMinus9(Durability durability) throws Exception {
        Path directory = tenants.resolve("crash");
        ExecutorService reads = Executors.newFixedThreadPool(2);
        List<String> acked = KilledChild.acknowledged(
                AppendingChild.class,
                List.of(directory.toString(), "8", durability.name()),
                ACKS_BEFORE_KILL,
                Duration.ofMillis(Long.getLong("kill.ms", 15_000)),
                () -> {
                    // A second server on the same folder is refused while the first one runs.
                    StoreLockedException locked = assertThrows(
                            StoreLockedException.class,
                            () -> H2TenantStore.open(directory, "crash", reads, CommitObserver.NONE));
                    assertTrue(locked.getMessage().contains("another process"), locked.getMessage());
                    // H2 wrote its stack trace there, readable by all (a new user's walkthrough)
                    assertFalse(
                            Files.exists(directory.resolve("chat.trace.db")), "a refused open leaves no H2 trace file");
                });
        assertTrue(acked.size() > 100, "too few acknowledged appends: " + acked.size());

        try (H2TenantStore store = H2TenantStore.open(directory, "crash", reads, CommitObserver.NONE)) {
            Map<String, Long> lastSeq = new HashMap<>();
            Map<String, List<StoredMessage>> rooms = new HashMap<>();
            for (String room : List.of("room0", "room1", "room2")) {
                List<StoredMessage> stored = everyMessage(store, room);
                for (int i = 0; i < stored.size(); i++) {
                    assertEquals(i + 1, stored.get(i).seq(), "gap in " + room);
                }
                rooms.put(room, stored);
                lastSeq.put(room, (long) stored.size());
            }
            int users = 0;
            for (String line : acked) {
                String[] f = line.split(" ");
                if (f[0].equals("USER")) {
                    assertTrue(await(store.user(f[1])).isPresent(), "acknowledged user lost: " + f[1]);
                    users++;
                    continue;
                }
                List<StoredMessage> stored = rooms.get(f[0]);
                long seq = Long.parseLong(f[1]);
                assertTrue(seq <= stored.size(), "acknowledged message lost: " + line);
                assertEquals(f[2], stored.get((int) seq - 1).id(), "acknowledged message changed: " + line);
            }
            assertEquals(rooms.values().stream().mapToLong(List::size).sum(), store.messageCount());
            // The search index caught up with the table after the kill: each room's last message is found.
            for (List<StoredMessage> stored : rooms.values()) {
                assertEquals(List.of(stored.getLast().seq()), searchUntilFound(store, stored.getLast()));
            }
            // seq goes on from the last stored one; a resent clientId is still recognised.
            assertEquals(
                    lastSeq.get("room0") + 1,
                    await(store.append("room0", "x", "after", Optional.empty()))
                            .message()
                            .seq());
            assertTrue(users > 0, "no user was created before the kill");
            String[] first = acked.stream()
                    .filter(line -> !line.startsWith("USER "))
                    .findFirst()
                    .orElseThrow()
                    .split(" ");
            AppendResult resent = await(store.append(first[0], first[4], "again", Optional.of(first[3])));
            assertTrue(resent.duplicate());
            assertEquals(first[2], resent.message().id());
        } finally {
            reads.shutdown();
        }
        System.out.println(
                "durability " + durability + ": " + acked.size() + " acknowledged writes checked after kill -9");
    }

    /**
     * The seqs a search for exactly {@code message} finds, asked until it finds some (a search waits for the index
     * a bounded time only; a loaded machine may need more to re-index after the kill).
     */
    private static List<Long> searchUntilFound(H2TenantStore store, StoredMessage message) throws Exception {
        SearchQuery query = new SearchQuery(
                Set.of(message.room()),
                '"' + message.text() + '"',
                Optional.of(message.from()),
                Optional.empty(),
                10,
                Optional.empty());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            List<Long> found = await(store.search(query)).hits().stream()
                    .map(hit -> hit.message().seq())
                    .toList();
            if (!found.isEmpty() || System.nanoTime() > deadline) {
                return found;
            }
            Thread.sleep(100);
        }
    }

    /** Page by page: a room may hold more than one page after a long run. */
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
