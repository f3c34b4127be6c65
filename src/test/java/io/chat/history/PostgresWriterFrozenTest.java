package io.chat.history;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL frozen (every one of its processes stopped with SIGSTOP, as a host that stops answering) while the node's
 * writer has a batch under way: the writes behind it fail at once instead of waiting out the socket's timeout (10 s),
 * and the batch's own outcome is the truth. Cut before its COMMIT, it fails and nothing is stored; in its COMMIT, it
 * is not cut (the COMMIT sits in the frozen server's buffer and may commit: a review found it acked failed, then
 * stored) and is acked once the database answers. A trigger's {@code pg_sleep} holds the batch where it is frozen.
 */
class PostgresWriterFrozenTest {
    private static final long FROZEN_MS = 5_000;

    private PostgresFixture postgres;
    private PostgresFixture.Node node;
    private TenantStore store;
    private final List<Long> frozen = new ArrayList<>();

    @BeforeEach
    void open() throws Exception {
        postgres = PostgresFixture.start("writer_frozen");
        node = postgres.node();
        store = node.open("acme", CommitObserver.NONE);
        store.append("general", "alice", "warm", Optional.of("warm")).get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() throws Exception {
        signal("-CONT", frozen);
        node.close();
    }

    @Test
    void aBatchFrozenInItsCommitIsAckedAsTheDatabaseDecidesAndTheWritesBehindItFailAtOnce() throws Exception {
        slowTrigger("CREATE CONSTRAINT TRIGGER slow AFTER INSERT ON messages DEFERRABLE INITIALLY DEFERRED"
                + " FOR EACH ROW EXECUTE FUNCTION slow()");
        CompletableFuture<AppendResult> committing = store.append("general", "alice", "in commit", Optional.of("c1"));
        long freeze = freezeWhen("query = 'COMMIT'");

        CompletableFuture<AppendResult> behind = store.append("general", "alice", "behind", Optional.of("c2"));
        assertInstanceOf(StoreException.class, failure(behind));
        long failedAfter = millisSince(freeze);
        assertTrue(failedAfter < FROZEN_MS, "the write behind failed " + failedAfter + " ms after the freeze");
        assertFalse(committing.isDone(), "the batch in its COMMIT waits for the database's answer");
        thawAfter(freeze);

        AppendResult committed = committing.get(10, TimeUnit.SECONDS);
        assertFalse(committed.duplicate());
        System.out.println("frozen in COMMIT: the write behind failed " + failedAfter + " ms after the freeze, the"
                + " batch acked stored (seq " + committed.message().seq() + ") after the thaw");
        dropTrigger();
        assertFalse(resend("behind", "c2").duplicate(), "the write that failed was not stored");
    }

    @Test
    void aBatchFrozenInItsStatementsIsCutAndFailsWithNothingStored() throws Exception {
        slowTrigger("CREATE TRIGGER slow BEFORE INSERT ON messages FOR EACH ROW EXECUTE FUNCTION slow()");
        CompletableFuture<AppendResult> inserting = store.append("general", "alice", "in insert", Optional.of("c3"));
        long freeze = freezeWhen("query LIKE '%chat_append_grouped%'");

        assertInstanceOf(StoreException.class, failure(inserting));
        long failedAfter = millisSince(freeze);
        assertTrue(failedAfter < FROZEN_MS, "the batch failed " + failedAfter + " ms after the freeze");
        System.out.println(
                "frozen in its statements: the batch cut and failed " + failedAfter + " ms after the freeze");
        thawAfter(freeze);
        dropTrigger();
        assertFalse(resend("in insert", "c3").duplicate(), "the batch that failed was not stored");
    }

    /** A trigger function that sleeps a second, and {@code trigger} on it (as the tables' owner). */
    private void slowTrigger(String trigger) throws SQLException {
        owner(statement -> {
            statement.execute("CREATE FUNCTION slow() RETURNS trigger LANGUAGE plpgsql AS"
                    + " $$ BEGIN PERFORM pg_sleep(1); RETURN NEW; END $$");
            statement.execute(trigger);
        });
    }

    private void dropTrigger() throws SQLException {
        owner(statement -> statement.execute("DROP FUNCTION slow() CASCADE"));
    }

    /** Stops every PostgreSQL process once a backend sleeps in the trigger under {@code where}; when it did. */
    private long freezeWhen(String where) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long[] backend = {0};
        while (backend[0] == 0) {
            assertTrue(System.nanoTime() < deadline, "no backend sleeps in the trigger");
            owner(statement -> {
                try (ResultSet rows = statement.executeQuery(
                        "SELECT pid FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND " + where)) {
                    if (rows.next()) {
                        backend[0] = rows.getLong(1);
                    }
                }
            });
        }
        ProcessHandle postmaster =
                ProcessHandle.of(backend[0]).orElseThrow().parent().orElseThrow();
        frozen.add(postmaster.pid());
        signal("-STOP", frozen); // forks no more: its children, listed until no new one shows, are all there are
        List<Long> more;
        do {
            more = postmaster
                    .children()
                    .map(ProcessHandle::pid)
                    .filter(pid -> !frozen.contains(pid))
                    .toList();
            frozen.addAll(more);
            signal("-STOP", more); // a backend forked just before the postmaster stopped answered the store's probe
        } while (!more.isEmpty());
        return System.nanoTime();
    }

    private void thawAfter(long freeze) throws Exception {
        long left = FROZEN_MS - millisSince(freeze);
        if (left > 0) {
            Thread.sleep(left);
        }
        signal("-CONT", frozen);
        frozen.clear();
    }

    /** The same message again, once writes succeed (the writer's probe found the database answering). */
    private AppendResult resend(String text, String clientId) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                return store.append("general", "alice", text, Optional.of(clientId))
                        .get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                assertTrue(System.nanoTime() < deadline, "writes never succeeded again: " + e.getCause());
                Thread.sleep(100);
            }
        }
    }

    private interface Work {
        void run(Statement statement) throws SQLException;
    }

    private void owner(Work work) throws SQLException {
        try (Connection owner = DriverManager.getConnection(
                        postgres.url, postgres.server.ownerUser(), postgres.server.ownerPassword());
                Statement statement = owner.createStatement()) {
            work.run(statement);
        }
    }

    private static Throwable failure(CompletableFuture<AppendResult> result) {
        return assertThrows(ExecutionException.class, () -> result.get(15, TimeUnit.SECONDS))
                .getCause();
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    private static void signal(String signal, List<Long> pids) throws Exception {
        if (pids.isEmpty()) {
            return;
        }
        List<String> command = new ArrayList<>(List.of("kill", signal));
        pids.forEach(pid -> command.add(String.valueOf(pid)));
        new ProcessBuilder(command).inheritIO().start().waitFor();
    }
}
