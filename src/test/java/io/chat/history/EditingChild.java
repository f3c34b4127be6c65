package io.chat.history;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Run in a child JVM by {@link EditDurabilityTest}: each thread appends a message, edits it and reacts to it, as fast
 * as it can, and prints "room target editSeq text user reactionSeq" once the edit and the reaction are acknowledged, until it is
 * killed. Meanwhile
 * the main thread creates users, each a checkpoint that empties the log.
 */
public final class EditingChild {
    private static final long CHECKPOINT_PAUSE_MS = 20;

    private EditingChild() {}

    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        PrintStream out = KilledChild.progress();
        H2TenantStore store = KilledChild.openStore(directory, Durability.PROCESS);
        out.println(KilledChild.OPEN);
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread.ofPlatform().start(() -> {
                String room = "room" + id % 2;
                String user = "user" + id;
                for (long i = 0; ; i++) {
                    long target = store.append(room, user, "typo-" + id + "-" + i, Optional.empty())
                            .join()
                            .message()
                            .seq();
                    String text = "edited-" + id + "-" + i;
                    ChangeResult result = store.change(
                                    room, user, new Change.Edit(target, text), Optional.of("e" + id + "-" + i))
                            .join();
                    StoredMessage entry = ((ChangeResult.Changed) result).entry();
                    ChangeResult reacted = store.change(room, user, new Change.React(target, "👍"), Optional.empty())
                            .join();
                    long reactionSeq = ((ChangeResult.Changed) reacted).entry().seq();
                    synchronized (out) {
                        out.println(
                                room + " " + target + " " + entry.seq() + " " + text + " " + user + " " + reactionSeq);
                    }
                }
            });
        }
        // Each user created stores the database file at once (a checkpoint, which also empties the message log), so
        // the kill may land anywhere around one, as in AppendingChild.
        for (long i = 0; ; i++) {
            store.createUser(new UserRecord("user-" + i, Optional.empty(), "hash", Instant.now()))
                    .join();
            Thread.sleep(CHECKPOINT_PAUSE_MS);
        }
    }
}
