package io.chat.history;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Run in a child JVM by {@link ReadPositionDurabilityTest}: each thread appends a message to its room and marks it
 * read for its user, as fast as it can, and prints "user room seq" once the mark is acknowledged, until it is killed.
 */
public final class ReadingChild {
    private ReadingChild() {}

    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        PrintStream out = KilledChild.progress();
        H2TenantStore store = KilledChild.openStore(directory, Durability.PROCESS);
        for (int t = 0; t < threads; t++) {
            store.remember("reader" + t, "room" + t % 2, Instant.now(), 100).join();
        }
        out.println(KilledChild.OPEN);
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers[t] = Thread.ofPlatform().start(() -> {
                String room = "room" + id % 2;
                String user = "reader" + id;
                for (long i = 0; ; i++) {
                    long seq = store.append(room, "writer", "m-" + id + "-" + i, Optional.empty())
                            .join()
                            .message()
                            .seq();
                    ReadMark mark = store.markRead(user, room, seq).join();
                    synchronized (out) {
                        out.println(user + " " + room + " " + mark.seq());
                    }
                }
            });
        }
        for (Thread worker : workers) {
            worker.join();
        }
    }
}
