package io.chat.history;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Opens one tenant's H2 database. The schema is created as an admin user, which is then logged out;
 * all runtime work goes through a second user with only SELECT, INSERT, UPDATE and DELETE on the
 * tables, so that no SQL reaching a runtime connection can use FILE_READ, CSVREAD, LINK_SCHEMA,
 * CREATE ALIAS, SCRIPT, RUNSCRIPT or SHUTDOWN (all need admin rights in H2).
 *
 * <p>Must run on a thread that nobody interrupts: an interrupt inside H2's file I/O closes the database.
 */
final class Database {
    private static final System.Logger LOGGER = System.getLogger(Database.class.getName());
    static final String FILE_NAME = "chat";
    static final String ADMIN_USER = "CHAT_ADMIN";
    static final String APP_USER = "CHAT_APP";

    /** H2's error code for a database locked by another process (DATABASE_ALREADY_OPEN_1). */
    private static final int ALREADY_OPEN = 90020;

    private static final int WRONG_LOGIN = 28000;
    /** H2's own default: how stale its file may be, at most, behind the log. */
    static final int WRITE_DELAY_MS = 500;

    /** Column sizes: the longest values the store interfaces accept. */
    static final int MAX_ROOM = MessageStore.MAX_ROOM;

    static final int MAX_USER = AccountStore.MAX_USER;
    static final int MAX_TEXT = MessageStore.MAX_TEXT;
    static final int MAX_CLIENT_ID = MessageStore.MAX_CLIENT_ID;
    static final int MAX_DISPLAY_NAME = AccountStore.MAX_DISPLAY_NAME;
    static final int MAX_PASSWORD_HASH = AccountStore.MAX_PASSWORD_HASH;
    static final int MAX_TOKEN_HASH = SessionStore.MAX_TOKEN_HASH;
    static final int MAX_TOPIC = RoomStore.MAX_TOPIC;

    private static final List<String> SCHEMA = List.of(
            // Primary key (room, seq): seq is unique per room, and paging walks this index both ways.
            """
            CREATE TABLE IF NOT EXISTS messages (
                room VARCHAR(%d) NOT NULL,
                seq BIGINT NOT NULL,
                id VARCHAR(36) NOT NULL,
                sender VARCHAR(%d) NOT NULL,
                text VARCHAR(%d) NOT NULL,
                ts BIGINT NOT NULL,
                client_id VARCHAR(%d),
                PRIMARY KEY (room, seq)
            )""".formatted(MAX_ROOM, MAX_USER, MAX_TEXT, MAX_CLIENT_ID),
            // Edits and deletions (ChangeSql): kind 0 is a message, 1 an edit and 2 a deletion of the message at seq
            // target; a message row holds its latest text, when it was last edited, and whether it was deleted.
            // Added to databases made before them as well.
            "ALTER TABLE messages ADD COLUMN IF NOT EXISTS kind SMALLINT DEFAULT 0 NOT NULL",
            "ALTER TABLE messages ADD COLUMN IF NOT EXISTS target BIGINT",
            "ALTER TABLE messages ADD COLUMN IF NOT EXISTS edited_ts BIGINT",
            "ALTER TABLE messages ADD COLUMN IF NOT EXISTS deleted BOOLEAN DEFAULT FALSE NOT NULL",
            // Reactions (ReactionSql): one row per (message, emoji, user); toggled by entries of kind 3.
            """
            CREATE TABLE IF NOT EXISTS reactions (
                room VARCHAR(%d) NOT NULL,
                seq BIGINT NOT NULL,
                emoji VARCHAR(%d) NOT NULL,
                username VARCHAR(%d) NOT NULL,
                ts BIGINT NOT NULL,
                entry_seq BIGINT NOT NULL,
                PRIMARY KEY (room, seq, emoji, username)
            )""".formatted(MAX_ROOM, MessageStore.MAX_EMOJI, MAX_USER),
            "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE reactions TO " + APP_USER,
            // clientId idempotency: a hash of (sender, room, client_id), looked up by the writer before it inserts
            // (ClientKeys); stores made before it lose their unique index on the three strings once keyed
            "ALTER TABLE messages ADD COLUMN IF NOT EXISTS " + ClientKeys.COLUMN + " BIGINT",
            "CREATE INDEX IF NOT EXISTS " + ClientKeys.INDEX + " ON messages (" + ClientKeys.COLUMN + ")",
            """
            CREATE TABLE IF NOT EXISTS users (
                username VARCHAR(%d) PRIMARY KEY,
                display_name VARCHAR(%d),
                password_hash VARCHAR(%d) NOT NULL,
                created_at BIGINT NOT NULL
            )""".formatted(MAX_USER, MAX_DISPLAY_NAME, MAX_PASSWORD_HASH),
            // The foreign key makes deleting a user delete its sessions, and refuses a session for a
            // user deleted while it logged in.
            """
            CREATE TABLE IF NOT EXISTS sessions (
                token_hash VARCHAR(%d) PRIMARY KEY,
                username VARCHAR(%d) NOT NULL REFERENCES users (username) ON DELETE CASCADE,
                expires_at BIGINT NOT NULL
            )""".formatted(MAX_TOKEN_HASH, MAX_USER),
            "CREATE INDEX IF NOT EXISTS sessions_expiry ON sessions (expires_at)",
            // Added with the room directory: IF NOT EXISTS makes it for databases made before it, at their next open.
            // No foreign key to users: a JWT tenant's users are in no table.
            """
            CREATE TABLE IF NOT EXISTS memberships (
                username VARCHAR(%d) NOT NULL,
                room VARCHAR(%d) NOT NULL,
                joined_at BIGINT NOT NULL,
                PRIMARY KEY (username, room)
            )""".formatted(MAX_USER, MAX_ROOM),
            "CREATE INDEX IF NOT EXISTS memberships_room ON memberships (room)",
            """
            CREATE TABLE IF NOT EXISTS rooms (
                room VARCHAR(%d) PRIMARY KEY,
                topic VARCHAR(%d),
                topic_by VARCHAR(%d),
                topic_at BIGINT,
                created_at BIGINT NOT NULL
            )""".formatted(MAX_ROOM, MAX_TOPIC, MAX_USER),
            "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE messages, users, sessions, memberships, rooms TO "
                    + APP_USER,
            // Read positions (SqlReadPositions): the highest seq each user has read in each room.
            """
            CREATE TABLE IF NOT EXISTS read_positions (
                username VARCHAR(%d) NOT NULL,
                room VARCHAR(%d) NOT NULL,
                seq BIGINT NOT NULL,
                PRIMARY KEY (username, room)
            )""".formatted(MAX_USER, MAX_ROOM),
            "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE read_positions TO " + APP_USER,
            // Conversations (SqlConversations): the members of each direct message or group DM, by room.
            """
            CREATE TABLE IF NOT EXISTS conversation_members (
                room VARCHAR(%d) NOT NULL,
                username VARCHAR(%d) NOT NULL,
                PRIMARY KEY (room, username)
            )""".formatted(MAX_ROOM, MAX_USER),
            "CREATE INDEX IF NOT EXISTS conversation_members_user ON conversation_members (username)",
            "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE conversation_members TO " + APP_USER,
            // Mentions (MentionSql): a row per name each message's latest text mentions, which unread mentions are
            // counted by; the second index finds a message's rows when it is edited or deleted. Messages stored
            // before the table get theirs from MentionBackfill, which marks the store done in mention_backfills.
            """
            CREATE TABLE IF NOT EXISTS mentions (
                room VARCHAR(%d) NOT NULL,
                name VARCHAR(%d) NOT NULL,
                seq BIGINT NOT NULL,
                sender VARCHAR(%d) NOT NULL,
                PRIMARY KEY (room, name, seq)
            )""".formatted(MAX_ROOM, MAX_USER, MAX_USER),
            "CREATE INDEX IF NOT EXISTS mentions_message ON mentions (room, seq)",
            "CREATE TABLE IF NOT EXISTS mention_backfills (done BOOLEAN PRIMARY KEY)",
            // a store without messages (a new one) has none to walk
            """
            INSERT INTO mention_backfills SELECT TRUE WHERE NOT EXISTS (SELECT 1 FROM messages)
            AND NOT EXISTS (SELECT 1 FROM mention_backfills)""",
            "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE mentions, mention_backfills TO " + APP_USER);

    private Database() {}

    /**
     * The open connections: one for the writer, a few for reads, one for health checks alone (so that a check never
     * waits behind reads), and the admin login, which the writer keeps for CHECKPOINT alone (H2 allows it to admins
     * only); no request data ever reaches it.
     */
    record Connections(Connection writer, List<Connection> readers, Connection health, Connection checkpointer) {}

    /** The database file the H2 URL names, without H2's extension. */
    static Path base(Path directory) {
        return directory.resolve(FILE_NAME);
    }

    /**
     * The admin URL opens the database and sets how it is written. H2 stores committed changes on its own
     * thread every WRITE_DELAY ms; acknowledged messages are made durable before that by {@link MessageLog},
     * and everything else by a CHECKPOINT after its commit (see Writer). DB_CLOSE_ON_EXIT=FALSE: the
     * application closes stores itself, in order, when it stops. TRACE_LEVEL_FILE=0: H2 writes no
     * {@code chat.trace.db} of its own (errors reach the caller, who logs them without a client's data); a second
     * server refused the folder's lock left one, readable by all, with H2's stack trace in the tenant's folder. Built
     * from the directory only, never from request data.
     */
    static String adminUrl(Path directory, StoreFiles files) {
        return "jdbc:h2:" + files.h2Scheme() + ":" + base(directory) + ";WRITE_DELAY=" + WRITE_DELAY_MS
                + ";DB_CLOSE_ON_EXIT=FALSE;TRACE_LEVEL_FILE=0";
    }

    /**
     * Runtime logins join the database the admin login opened. They cannot name WRITE_DELAY (setting it
     * needs admin rights); the database keeps the value it was opened with. IFEXISTS: a runtime login
     * never creates a database.
     */
    static String runtimeUrl(Path directory, StoreFiles files) {
        return "jdbc:h2:" + files.h2Scheme() + ":" + base(directory) + ";DB_CLOSE_ON_EXIT=FALSE;IFEXISTS=TRUE";
    }

    static Connections open(Path directory, int readers, StoreFiles files) {
        if (base(directory).toString().contains(";")) {
            // A ';' would let the path add H2 URL settings.
            throw new StoreException("refusing a store path containing ';': " + directory);
        }
        // the folder holds password and token hashes and messages: its owner's alone, files made before included
        OwnerOnly.restrictFolder(directory);
        boolean exists = Files.exists(directory.resolve(FILE_NAME + ".mv.db"));
        Credentials credentials = Credentials.loadOrCreate(directory, exists, files);
        List<Connection> opened = new ArrayList<>();
        try {
            Connection admin = connect(directory, adminUrl(directory, files), ADMIN_USER, credentials.adminPassword());
            opened.add(admin);
            createSchema(admin, credentials.appPassword());
            int keyed = ClientKeys.upgrade(admin, directory);
            if (keyed > 0) {
                LOGGER.log(
                        System.Logger.Level.INFO,
                        "tenant store in " + directory + ": the clientIds of " + keyed
                                + " entries keyed (once, for a store made before the key)");
            }
            Connection writer = connect(directory, runtimeUrl(directory, files), APP_USER, credentials.appPassword());
            opened.add(writer);
            writer.setAutoCommit(false);
            List<Connection> readConnections = new ArrayList<>();
            for (int i = 0; i < readers + 1; i++) {
                Connection reader =
                        connect(directory, runtimeUrl(directory, files), APP_USER, credentials.appPassword());
                opened.add(reader);
                reader.setReadOnly(true);
                readConnections.add(reader);
            }
            Connection health = readConnections.removeLast();
            OwnerOnly.restrictFolder(directory); // the files H2 just created, under the process's umask
            return new Connections(writer, List.copyOf(readConnections), health, admin);
        } catch (SQLException | RuntimeException e) {
            opened.forEach(Database::closeQuietly);
            if (e instanceof StoreException se) {
                throw se;
            }
            throw new StoreException("cannot open tenant store in " + directory + ": " + e.getMessage(), e);
        }
    }

    private static Connection connect(Path directory, String url, String user, String password) throws SQLException {
        Properties login = new Properties();
        login.setProperty("user", user);
        login.setProperty("password", password);
        try {
            return DriverManager.getConnection(url, login);
        } catch (SQLException e) {
            if (e.getErrorCode() == ALREADY_OPEN) {
                throw new StoreLockedException(
                        "tenant store in " + directory
                                + " is locked by another process (is another server running on the same folder?)",
                        e);
            }
            if (e.getErrorCode() == WRONG_LOGIN) {
                throw new StoreException(
                        "tenant store in " + directory + " does not accept the logins in " + Credentials.FILE_NAME, e);
            }
            throw e;
        }
    }

    private static void createSchema(Connection admin, String appPassword) throws SQLException {
        // One statement prepared at a time: H2 resolves the user when ALTER USER is prepared.
        try (PreparedStatement create =
                admin.prepareStatement("CREATE USER IF NOT EXISTS " + APP_USER + " PASSWORD ?")) {
            create.setString(1, appPassword);
            create.execute();
        }
        try (PreparedStatement password = admin.prepareStatement("ALTER USER " + APP_USER + " SET PASSWORD ?")) {
            password.setString(1, appPassword);
            password.execute();
        }
        try (Statement statement = admin.createStatement()) {
            statement.execute("ALTER USER " + APP_USER + " ADMIN FALSE");
            for (String sql : SCHEMA) {
                statement.execute(sql);
            }
        }
    }

    /**
     * Stores everything committed so far in the database file before it returns (with the admin login); with
     * {@code sync}, on the disk too.
     *
     * <p>CHECKPOINT alone is not enough: H2's background writer hands each chunk to executor threads and does not
     * wait, and a CHECKPOINT that finds nothing unsaved returns at once, while that chunk may not be written yet
     * (MVStore.store() skips when nothing is unsaved; FileStore.submitOrRun). Setting the write delay to 0 stops the
     * background writer and waits for its executors to finish; the delay is set back after.
     */
    static void checkpoint(Connection admin, boolean sync) throws SQLException {
        try (Statement statement = admin.createStatement()) {
            statement.execute("SET WRITE_DELAY 0");
            try {
                statement.execute(sync ? "CHECKPOINT SYNC" : "CHECKPOINT");
            } finally {
                statement.execute("SET WRITE_DELAY " + WRITE_DELAY_MS);
            }
        }
    }

    static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing on an error path or at shutdown: nothing better to do
        }
    }
}
