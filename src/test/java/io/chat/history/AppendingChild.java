package io.chat.history;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Run in a child JVM by {@link DurabilityTest}: appends as fast as it can from several threads and prints "room seq
 * id clientId user" for each append once it is acknowledged, until it is killed. Meanwhile another thread creates
 * users and prints "USER name" for each once it is acknowledged: each such write stores the database file at once (a
 * checkpoint, which also empties the message log), so the kill may land anywhere around one.
 */
public final class AppendingChild {
    /** Users (and so checkpoints) a second at most: about 50, each taking a chunk of H2's file. */
    private static final long CHECKPOINT_PAUSE_MS = 20;

    private AppendingChild() {}

    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        Durability durability = Durability.parse(args[2]);
        PrintStream out = KilledChild.progress();
        H2TenantStore store = KilledChild.openStore(directory, durability);
        out.println(KilledChild.OPEN);
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread.ofPlatform().start(() -> {
                for (long i = 0; ; i++) {
                    String room = "room" + id % 3;
                    String clientId = "t" + id + "-" + i;
                    AppendResult result = store.append(room, "user" + id, "message " + i, Optional.of(clientId))
                            .join();
                    StoredMessage m = result.message();
                    synchronized (out) {
                        out.println(m.room() + " " + m.seq() + " " + m.id() + " " + clientId + " user" + id);
                    }
                }
            });
        }
        for (long i = 0; ; i++) {
            String name = "user-" + i;
            store.createUser(new UserRecord(name, Optional.empty(), "hash", Instant.now()))
                    .join();
            synchronized (out) {
                out.println("USER " + name);
            }
            Thread.sleep(CHECKPOINT_PAUSE_MS);
        }
    }
}
