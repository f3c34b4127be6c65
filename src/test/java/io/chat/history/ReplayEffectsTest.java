package io.chat.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database file H2 wrote in the background mid-batch can hold a change's row without its effect on the target (seen
 * after kill -9 in EditDurabilityTest: a reaction's entry without the reaction). The replay of the message log puts the
 * effects back from the log alone, and running it again changes nothing.
 */
class ReplayEffectsTest {
    @TempDir
    Path directory;

    @Test
    void replayPutsBackEditsAndReactionStatesWhoseRowsAreStored() throws Exception {
        Database.Connections opened = Database.open(directory, 1, StoreFiles.DISK);
        Connection connection = opened.writer();
        try (MessageWriter writer = new MessageWriter(connection)) {
            long target = append(writer, "typo, @bob").message().seq();
            writer.change("room", "ann", new Change.Edit(target, "fixed, @Carol"), Optional.empty());
            writer.change("room", "bob", new Change.React(target, "👍"), Optional.empty());
            writer.change("room", "bob", new Change.React(target, "🎉"), Optional.empty());
            writer.change("room", "bob", new Change.React(target, "🎉"), Optional.empty()); // taken back
            long deleted = append(writer, "secret @room").message().seq();
            writer.change("room", "bob", new Change.React(deleted, "👍"), Optional.empty());
            writer.change("room", "ann", new Change.Delete(deleted), Optional.empty());
            connection.commit();
            List<LoggedMessage> logged = writer.committed();
            assertEquals(
                    List.of(false, false, true, true, false, false, true, false),
                    logged.stream().map(LoggedMessage::reactionAdded).toList());

            // the rows stay; their effects are as a background write might have caught them: half done
            try (Statement statement = connection.createStatement()) {
                statement.executeUpdate("UPDATE messages SET text = 'typo', edited_ts = NULL WHERE seq = " + target);
                statement.executeUpdate("DELETE FROM reactions");
                statement.executeUpdate("INSERT INTO reactions (room, seq, emoji, username, ts, entry_seq) VALUES "
                        + "('room', " + target + ", '🎉', 'bob', 0, 4), ('room', " + deleted + ", '👍', 'bob', 0, 7)");
                statement.executeUpdate("UPDATE messages SET text = 'secret', deleted = FALSE WHERE seq = " + deleted);
                // the message rows without their mentions' (the first's as it was before its edit)
                statement.executeUpdate("DELETE FROM mentions");
                statement.executeUpdate(
                        "INSERT INTO mentions (room, name, seq, sender) VALUES ('room', 'bob', " + target + ", 'ann')");
            }
            connection.commit();

            for (int run = 0; run < 2; run++) {
                assertEquals(0, writer.restore(logged), "every row is there: none inserted");
                connection.commit();
                List<StoredMessage> messages = ReactionSql.attach(
                        connection,
                        "room",
                        MessageQueries.since(connection, "room", 0, 100).messages());
                StoredMessage edited = messages.get(0);
                assertEquals("fixed, @Carol", edited.text());
                assertEquals(
                        List.of("room carol " + target),
                        ReadPositionContract.mentionRows(connection),
                        "the edit's names alone");
                assertTrue(edited.editedTs().isPresent());
                assertEquals(List.of(new StoredMessage.Reaction("👍", List.of("bob"))), edited.reactions());
                StoredMessage gone = messages.get((int) deleted - 1);
                assertTrue(gone.deleted());
                assertEquals("", gone.text());
                assertEquals(List.of(), gone.reactions());
            }
        } finally {
            close(opened);
        }
    }

    @Test
    void aReactionPastTheListedReactorsIsLoggedAsAddedAndSurvivesTheReplay() throws Exception {
        Database.Connections opened = Database.open(directory, 1, StoreFiles.DISK);
        Connection connection = opened.writer();
        try (MessageWriter writer = new MessageWriter(connection)) {
            long target = append(writer, "popular").message().seq();
            int reactors = MessageStore.MAX_LISTED_REACTORS + 1;
            for (int i = 0; i < reactors; i++) {
                writer.change("room", "user-" + i, new Change.React(target, "👍"), Optional.empty());
            }
            connection.commit();
            List<LoggedMessage> logged = writer.committed();
            assertTrue(logged.getLast().reactionAdded(), "the 51st reactor, not listed, added theirs");

            try (Statement statement = connection.createStatement()) {
                statement.executeUpdate("DELETE FROM reactions WHERE username = 'user-" + (reactors - 1) + "'");
            }
            connection.commit();
            assertEquals(0, writer.restore(logged));
            connection.commit();
            StoredMessage message = ReactionSql.attach(
                            connection,
                            "room",
                            MessageQueries.since(connection, "room", 0, 1).messages())
                    .getFirst();
            assertEquals(reactors, message.reactions().getFirst().count(), "the acknowledged reaction is back");
        } finally {
            close(opened);
        }
    }

    @Test
    void theLogKeepsWhetherAReactionWasAddedOrTakenBack() throws Exception {
        StoredMessage added = reaction("id-1", 2);
        StoredMessage removed = reaction("id-2", 3);
        try (MessageLog log = MessageLog.open(directory, StoreFiles.DISK)) {
            log.append(
                    List.of(
                            new LoggedMessage(added, Optional.empty(), true),
                            new LoggedMessage(removed, Optional.of("c1"), false)),
                    false);
            List<LoggedMessage> read = log.read();
            assertEquals(
                    List.of(true, false),
                    read.stream().map(LoggedMessage::reactionAdded).toList());
            assertEquals(Optional.of("c1"), read.get(1).clientId());
        }
    }

    private static void close(Database.Connections opened) {
        Database.closeQuietly(opened.health());
        opened.readers().forEach(Database::closeQuietly);
        Database.closeQuietly(opened.writer());
        Database.closeQuietly(opened.checkpointer());
    }

    private static StoredMessage reaction(String id, long seq) {
        return new StoredMessage(
                id,
                "room",
                seq,
                "bob",
                "👍",
                Instant.ofEpochMilli(seq),
                EntryKind.REACTION,
                1,
                Optional.empty(),
                false);
    }

    /** A message of ann's in "room", with the names it mentions as a store's caller works them out. */
    private static AppendResult append(MessageWriter writer, String text) throws SQLException {
        return writer.append("room", "ann", text, Optional.empty(), Mentions.names(text, AccountStore.MAX_USER));
    }
}
