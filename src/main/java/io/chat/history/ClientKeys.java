package io.chat.history;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.Optional;

/**
 * The H2 store's clientId index: one BIGINT per entry sent with a clientId, the first 8 bytes of SHA-256 over its
 * (sender, room, clientId), in a non-unique index ({@code messages_client_key}). A lookup compares the three columns
 * too, so two keys with one hash stay two entries; the writer thread, H2's only writer of messages, looks before it
 * inserts, which keeps a clientId to one entry as the unique index on the three strings did.
 *
 * <p>Why not that index: its keys are up to 290 characters in random order, and every insert dirtied a page of it that
 * H2 then rewrote at its next store. Measured (600,000 inserts in batches of 50, 500 rooms, random UUID clientIds,
 * one core, CPU per insert on every thread): 55-63 us with it, 26-30 us with this one, 10 us with neither. SHA-256 and
 * not a faster hash: a sender choosing clientIds cannot pile up entries on one key and make every lookup of it long.
 */
final class ClientKeys {
    static final String COLUMN = "client_key";
    static final String INDEX = "messages_client_key";
    /** The entry with a clientId, by its key's index first: (key, sender, room, clientId) are its parameters. */
    static final String MATCH = COLUMN + " = ? AND sender = ? AND room = ? AND client_id = ?";
    /** The unique index on (sender, room, client_id) of stores made before the key: dropped once every key is set. */
    private static final String EARLIER_INDEX = "MESSAGES_CLIENT";

    private static final System.Logger LOGGER = System.getLogger(ClientKeys.class.getName());
    private static final int BACKFILL_BATCH = 10_000;
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

    private ClientKeys() {}

    static long of(String sender, String room, String clientId) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        // each part behind its length: ("a", "bc") and ("ab", "c") are different keys
        for (String part : new String[] {sender, room, clientId}) {
            byte[] bytes = part.getBytes(UTF_8);
            sha256.update(
                    ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
            sha256.update(bytes);
        }
        return ByteBuffer.wrap(sha256.digest()).getLong();
    }

    /** Sets the key of an entry's clientId, or NULL for an entry sent without one. */
    static void set(PreparedStatement statement, int index, String sender, String room, Optional<String> clientId)
            throws SQLException {
        set(statement, index, of(sender, room, clientId));
    }

    /** The key of an entry's clientId, when it has one. */
    static Optional<Long> of(String sender, String room, Optional<String> clientId) {
        return clientId.map(id -> of(sender, room, id));
    }

    /** Sets a key computed already, or NULL for an entry without a clientId. */
    static void set(PreparedStatement statement, int index, Optional<Long> key) throws SQLException {
        if (key.isPresent()) {
            statement.setLong(index, key.get());
        } else {
            statement.setNull(index, Types.BIGINT);
        }
    }

    /**
     * A store made before the key gets it: every entry with a clientId is given its key, then the unique index on the
     * three strings goes. Run as the admin at open, before the writer starts; walks the primary key room by room, a
     * batch of entries per transaction, saying how far it got every {@link #PROGRESS_EVERY}; a start stopped half way
     * finds the earlier index still there and goes on (keyed entries are skipped). Returns how many entries got their
     * key. Measured (ClientKeyUpgradeBench, 1,000,000 entries in 200 rooms): 41 s, once; keying them in SQL (H2's
     * HASH) took as long: the row updates cost, not the hash.
     */
    static int upgrade(Connection admin, Path directory) throws SQLException {
        if (!hasEarlierIndex(admin)) {
            return 0;
        }
        try (Statement statement = admin.createStatement()) {
            // made again once every entry is keyed: one build costs less than keeping it up to date meanwhile (61 s)
            statement.execute("DROP INDEX IF EXISTS " + INDEX);
        }
        boolean autoCommit = admin.getAutoCommit();
        admin.setAutoCommit(false);
        Progress progress = new Progress(directory);
        try (PreparedStatement nextRoom =
                        admin.prepareStatement("SELECT room FROM messages WHERE room > ? ORDER BY room, seq LIMIT 1");
                PreparedStatement page = admin.prepareStatement("SELECT seq, sender, client_id FROM messages"
                        + " WHERE room = ? AND seq > ? AND client_id IS NOT NULL AND " + COLUMN + " IS NULL"
                        + " ORDER BY room, seq LIMIT " + BACKFILL_BATCH);
                PreparedStatement update =
                        admin.prepareStatement("UPDATE messages SET " + COLUMN + " = ? WHERE room = ? AND seq = ?")) {
            Optional<String> room = next(nextRoom, "");
            while (room.isPresent()) {
                long after = 0;
                int batch;
                do {
                    batch = 0;
                    page.setString(1, room.get());
                    page.setLong(2, after);
                    try (ResultSet rows = page.executeQuery()) {
                        while (rows.next()) {
                            after = rows.getLong(1);
                            update.setLong(1, of(rows.getString(2), room.get(), rows.getString(3)));
                            update.setString(2, room.get());
                            update.setLong(3, after);
                            update.addBatch();
                            batch++;
                        }
                    }
                    update.executeBatch();
                    admin.commit();
                    progress.keyed(batch);
                } while (batch == BACKFILL_BATCH);
                room = next(nextRoom, room.get());
            }
            try (Statement statement = admin.createStatement()) {
                statement.execute("CREATE INDEX IF NOT EXISTS " + INDEX + " ON messages (" + COLUMN + ")");
                statement.execute("DROP INDEX IF EXISTS " + EARLIER_INDEX);
            }
            admin.commit();
        } catch (SQLException | RuntimeException e) {
            admin.rollback();
            throw e;
        } finally {
            admin.setAutoCommit(autoCommit);
        }
        return progress.keyed;
    }

    /** How many entries are keyed so far, said every {@link #PROGRESS_EVERY}. */
    private static final class Progress {
        private final Path directory;
        private int keyed;
        private long lastReport = System.nanoTime();

        Progress(Path directory) {
            this.directory = directory;
        }

        void keyed(int more) {
            keyed += more;
            if (System.nanoTime() - lastReport > PROGRESS_EVERY.toNanos()) {
                lastReport = System.nanoTime();
                LOGGER.log(
                        System.Logger.Level.INFO,
                        "tenant store in " + directory + ": keying clientIds (once, for a store made before the key), "
                                + keyed + " so far");
            }
        }
    }

    private static Optional<String> next(PreparedStatement nextRoom, String after) throws SQLException {
        nextRoom.setString(1, after);
        try (ResultSet rows = nextRoom.executeQuery()) {
            return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
        }
    }

    private static boolean hasEarlierIndex(Connection admin) throws SQLException {
        try (PreparedStatement select = admin.prepareStatement(
                "SELECT 1 FROM INFORMATION_SCHEMA.INDEXES WHERE TABLE_NAME = 'MESSAGES' AND INDEX_NAME = ?")) {
            select.setString(1, EARLIER_INDEX);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        }
    }
}
