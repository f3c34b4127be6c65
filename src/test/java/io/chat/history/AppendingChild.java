package io.chat.history;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Run in a child JVM by {@link DurabilityTest}: appends as fast as it can from several threads and
 * prints "room seq id clientId" for each append once it is acknowledged, until it is killed.
 */
public final class AppendingChild {
    private AppendingChild() {}

    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        ExecutorService reads = Executors.newFixedThreadPool(2);
        H2TenantStore store = H2TenantStore.open(directory, "child", reads, CommitObserver.NONE);
        out.println("OPEN");
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
        Thread.sleep(Long.MAX_VALUE);
    }
}
