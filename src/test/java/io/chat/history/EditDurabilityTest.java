package io.chat.history;

import static io.chat.history.StoreContract.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a process editing and reacting to its messages as fast as it can loses no acknowledged edit or reaction:
 * the edit's entry is at its seq, its message shows its text and the reaction, all put back from the message log on
 * the next open.
 */
class EditDurabilityTest {
    private static final int ACKS_BEFORE_KILL = Integer.getInteger("kill.acks", 2_000);

    @TempDir
    Path tenants;

    @Test
    void everyAcknowledgedEditSurvivesKillMinus9() throws Exception {
        Path directory = tenants.resolve("crash");
        List<String> acked = KilledChild.acknowledged(
                EditingChild.class,
                List.of(directory.toString(), "6"),
                ACKS_BEFORE_KILL,
                Duration.ofMillis(Long.getLong("kill.ms", 15_000)));
        assertTrue(acked.size() > 50, "too few acknowledged edits: " + acked.size());

        ExecutorService reads = Executors.newFixedThreadPool(2);
        try (H2TenantStore store = H2TenantStore.open(directory, "crash", reads, CommitObserver.NONE)) {
            for (String line : acked) {
                String[] f = line.split(" ");
                String room = f[0];
                long target = Long.parseLong(f[1]);
                long entrySeq = Long.parseLong(f[2]);
                StoredMessage message = await(store.before(room, OptionalLong.of(target + 1), 1))
                        .messages()
                        .getFirst();
                assertEquals(target, message.seq(), "acknowledged message lost: " + line);
                assertEquals(f[3], message.text(), "acknowledged edit lost: " + line);
                assertTrue(message.editedTs().isPresent(), line);
                StoredMessage reaction = await(store.since(room, Long.parseLong(f[5]) - 1, 1))
                        .messages()
                        .getFirst();
                assertEquals(Long.parseLong(f[5]), reaction.seq(), "acknowledged reaction's entry lost: " + line);
                assertEquals(EntryKind.REACTION, reaction.kind(), line);
                assertEquals(
                        List.of(new StoredMessage.Reaction("👍", List.of(f[4]))),
                        message.reactions(),
                        "acknowledged reaction lost (its entry is there): " + line);
                StoredMessage entry =
                        await(store.since(room, entrySeq - 1, 1)).messages().getFirst();
                assertEquals(entrySeq, entry.seq(), line);
                assertEquals(EntryKind.EDIT, entry.kind(), line);
                assertEquals(target, entry.target(), line);
            }
            for (String room : List.of("room0", "room1")) {
                List<StoredMessage> all =
                        await(store.since(room, 0, MessageStore.MAX_PAGE)).messages();
                for (int i = 0; i < all.size(); i++) {
                    assertEquals(i + 1, all.get(i).seq(), "gap in " + room);
                }
            }
        } finally {
            reads.shutdown();
        }
        System.out.println("edits: " + acked.size() + " acknowledged edits checked after kill -9");
    }
}
