package io.chat.socketio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The adapter's two maps (room to sockets, socket to rooms) agree whatever joins and leaves race on several threads,
 * across a room's change from a small immutable set to a concurrent one.
 */
class InMemoryAdapterTest {
    private final InMemoryAdapter adapter = new InMemoryAdapter(null);

    private static Socket socket(String id) {
        return new Socket(id, null, null, null);
    }

    @Test
    void aJoinAndALeaveOfOneSocketRacingLeaveTheMapsAgreeingAndItsDisconnectClean() throws Exception {
        Socket other = socket("other");
        Socket racing = socket("racing");
        adapter.addAll(other, Set.of("r"));
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 2_000; round++) {
                CountDownLatch go = new CountDownLatch(1);
                CompletableFuture<Void> join = CompletableFuture.runAsync(
                        () -> {
                            await(go);
                            adapter.addAll(racing, Set.of("r"));
                        },
                        threads);
                CompletableFuture<Void> leave = CompletableFuture.runAsync(
                        () -> {
                            await(go);
                            adapter.del(racing, "r");
                        },
                        threads);
                go.countDown();
                join.get(10, TimeUnit.SECONDS);
                leave.get(10, TimeUnit.SECONDS);
                assertEquals(
                        adapter.socketRooms(racing).contains("r"),
                        adapter.rooms().get("r").contains(racing),
                        "round " + round + ": both maps say the same");
                adapter.delAll(racing);
                assertEquals(Set.of(other), adapter.rooms().get("r"), "round " + round);
                assertEquals(Set.of(), adapter.socketRooms(racing));
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void manySocketsJoiningAndLeavingOneRoomAtOnceAreCountedExactly() throws Exception {
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            sockets.add(socket("s" + i));
        }
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<CompletableFuture<Void>> joins = new ArrayList<>();
            for (Socket each : sockets) {
                joins.add(CompletableFuture.runAsync(() -> adapter.addAll(each, Set.of("big", each.id())), threads));
            }
            CompletableFuture.allOf(joins.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            assertEquals(new HashSet<>(sockets), new HashSet<>(adapter.rooms().get("big")));
            for (Socket each : sockets) {
                assertEquals(Set.of(each), adapter.rooms().get(each.id()), "its own room");
            }

            List<CompletableFuture<Void>> leaves = new ArrayList<>();
            for (Socket each : sockets.subList(2, 64)) {
                leaves.add(CompletableFuture.runAsync(() -> adapter.del(each, "big"), threads));
            }
            CompletableFuture.allOf(leaves.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            assertEquals(
                    Set.copyOf(sockets.subList(0, 2)),
                    Set.copyOf(adapter.rooms().get("big")));
            assertFalse(adapter.socketRooms(sockets.get(5)).contains("big"));

            sockets.forEach(adapter::delAll);
            assertNull(adapter.rooms().get("big"), "an empty room is gone");
            assertEquals(0, adapter.rooms().size());
        } finally {
            threads.shutdownNow();
        }
    }

    private static void await(CountDownLatch go) {
        try {
            go.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
