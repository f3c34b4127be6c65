package io.chat.history;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The tenants' definitions in PostgreSQL's {@code tenants} table. Admin actions, rare and synchronous: each call takes
 * a pooled connection on the caller's thread.
 */
final class PostgresTenantRecords implements TenantRecords {
    /** PostgreSQL's SQLSTATE for a unique violation. */
    private static final String UNIQUE_VIOLATION = "23505";
    /** A tenant's delete may remove millions of rows: longer than the pool's per-statement bound. */
    private static final String DELETE_TIMEOUT = "10min";
    /**
     * The transaction-scoped advisory lock that serializes the nodes' inserts of tenants ("chattent"): each reads
     * every definition once it holds it, and the next one's read sees what it inserted (read committed).
     */
    private static final long INSERT_LOCK = 0x6368_6174_7465_6e74L;
    /**
     * The tenant's tables, children first (sessions reference users); the room counters before the messages: deleting
     * a counter waits for an append in flight that holds it, so its messages are committed, and deleted, next; any
     * later append must insert its counter again, which the counters' key to {@code tenants} refuses (V8).
     */
    private static final List<String> TENANT_TABLES = List.of(
            "sessions",
            "users",
            "room_counters",
            "messages",
            "reactions",
            "memberships",
            "rooms",
            "read_positions",
            "conversation_members");

    private final HikariDataSource pool;

    PostgresTenantRecords(HikariDataSource pool) {
        this.pool = pool;
    }

    @Override
    public List<Entry> all() {
        return inTransaction(PostgresTenantRecords::entries);
    }

    /**
     * Every definition, read once this transaction holds {@link #INSERT_LOCK}: until it ends, no other insert of a
     * tenant (a node's provisioning, a migration) can slip in between this read and the caller's own insert.
     */
    static List<Entry> lockedEntries(Connection connection) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            lock.setLong(1, INSERT_LOCK);
            lock.execute();
        }
        return entries(connection);
    }

    static List<Entry> entries(Connection connection) throws SQLException {
        List<Entry> entries = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT id, definition FROM tenants");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                entries.add(new Entry(rows.getString(1), rows.getBytes(2)));
            }
        }
        return entries;
    }

    @Override
    public boolean insert(String id, byte[] document, Consumer<List<Entry>> check) {
        try {
            return inTransaction(connection -> {
                List<Entry> stored = lockedEntries(connection);
                if (stored.stream().anyMatch(entry -> entry.id().equals(id))) {
                    return false;
                }
                check.accept(stored); // throws to refuse: the transaction is rolled back
                try (PreparedStatement insert =
                        connection.prepareStatement("INSERT INTO tenants (id, definition) VALUES (?, ?)")) {
                    insert.setString(1, id);
                    insert.setBytes(2, document);
                    insert.executeUpdate();
                }
                // a new tenant has no message stored before the mentions table: nothing for MentionBackfill to walk
                PostgresWriter.setTenant(connection, id);
                try (PreparedStatement backfilled =
                        connection.prepareStatement("INSERT INTO mention_backfills DEFAULT VALUES")) {
                    backfilled.executeUpdate();
                }
                return true;
            });
        } catch (StoreException e) {
            if (e.getCause() instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public boolean update(String id, byte[] document) {
        return inTransaction(connection -> {
            try (PreparedStatement update =
                    connection.prepareStatement("UPDATE tenants SET definition = ?, changed_at = now() WHERE id = ?")) {
                update.setBytes(1, document);
                update.setString(2, id);
                return update.executeUpdate() == 1;
            }
        });
    }

    @Override
    public void delete(String id) {
        inTransaction(connection -> {
            try (Statement timeout = connection.createStatement()) {
                timeout.execute("SET LOCAL statement_timeout = '" + DELETE_TIMEOUT + "'");
            }
            // row security scopes each DELETE to the tenant set for this transaction
            PostgresWriter.setTenant(connection, id);
            for (String table : TENANT_TABLES) {
                try (Statement delete = connection.createStatement()) {
                    delete.executeUpdate("DELETE FROM " + table);
                }
            }
            // its sessions just deleted were recorded as ended: no node has a socket of a deleted tenant to drop
            for (String table : List.of("tenants WHERE id = ?", "revocations WHERE tenant_id = ?")) {
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table)) {
                    delete.setString(1, id);
                    delete.executeUpdate();
                }
            }
            return null;
        });
    }

    @Override
    public List<Revocation> revokedWithin(Duration window, int limit) {
        return inTransaction(connection -> {
            try (PreparedStatement select =
                    connection.prepareStatement("SELECT id, tenant_id, token_hash FROM revocations"
                            + " WHERE revoked_at >= clock_timestamp() - ? * interval '1 millisecond'"
                            + " ORDER BY id LIMIT ?")) {
                select.setLong(1, window.toMillis());
                select.setInt(2, limit);
                try (ResultSet rows = select.executeQuery()) {
                    List<Revocation> revocations = new ArrayList<>();
                    while (rows.next()) {
                        revocations.add(new Revocation(rows.getLong(1), rows.getString(2), rows.getString(3)));
                    }
                    return revocations;
                }
            }
        });
    }

    @Override
    public void forgetRevocationsOlderThan(Duration age) {
        inTransaction(connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM revocations WHERE revoked_at < clock_timestamp() - ? * interval '1 millisecond'")) {
                delete.setLong(1, age.toMillis());
                return delete.executeUpdate();
            }
        });
    }

    private <T> T inTransaction(SqlWork<T> work) {
        return PostgresDatabase.inTransaction(pool, "tenant catalog", work);
    }
}
