package io.chat.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.history.ConversationStore.Opened;
import io.chat.history.RoomStore.Remembered;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code dm:open} locks its members' rows in name order "so that two opens lock alike"
 * ({@code SqlConversations.allStored}), but a node's writer runs every queued write in one transaction (group
 * commit, {@code PostgresWriter}): the rows an earlier write of the batch locked stay locked while a later one locks
 * its own, so the batch as a whole locks in the order its writes were queued. Two nodes whose batches each open two
 * conversations deadlock: node 1 holds bob (its first open) and waits for alice (its second), node 2 holds alice and
 * waits for bob. PostgreSQL breaks the cycle after deadlock_timeout by failing one statement: one open (here, the one
 * that waited first) fails under its savepoint and, before 7e98e33, its user got an error. Opens and logins now lock
 * so that they no longer meet in a cycle; a deletion still can, and its writer then runs it again once its batch has
 * committed. The other node's batch is a connection of its own, as in {@code PostgresMemberDeletionRaceTest}.
 */
class PostgresGroupCommitLockOrderTest {
    private static final Instant T0 = Instant.parse("2026-12-05T08:00:00Z");
    private static final String TENANT = "acme";
    private static PostgresFixture postgres;

    private final PostgresFixture.Node node = postgres.node();

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = PostgresFixture.start("chat_group_commit_locks");
    }

    @AfterEach
    void close() throws InterruptedException {
        node.close();
    }

    @Test
    void twoNodesEachOpeningTwoConversationsInOneBatchDoNotFailEachOther() throws Exception {
        PostgresTenantStore store = storeWith("alice", "bob", "carol", "dave", "erin", "frank");
        try (Connection otherNode = postgres.otherNode(node.tenantId(TENANT))) {
            SqlConversations otherWriter = onlyOn(otherNode);
            openAliceAndCarol(otherWriter);

            // this node's batch: dm:open(bob, dave), then dm:open(alice, erin), queued while the writer is busy
            List<CompletableFuture<Opened>> batch = inOneBatch(
                    store,
                    () -> store.openConversation("@bob,dave", List.of("bob", "dave"), "bob", T0, 100, true),
                    () -> store.openConversation("@alice,erin", List.of("alice", "erin"), "erin", T0, 100, true));
            // the batch: bob and dave locked, waiting for alice

            // the other node's batch, second write: dm:open(bob, frank) wants bob
            assertEquals(
                    List.of("OPENED", "OPENED", "OPENED"),
                    outcomes(otherNode, () -> openBobAndFrank(otherWriter), batch),
                    "every open of both nodes' batches succeeds (one of them was the deadlock's victim)");
        }
    }

    /**
     * The same with a login instead of a first open: the other node's batch saved bob's session, whose foreign key
     * holds bob's row FOR KEY SHARE until it commits, which FOR UPDATE waits for (an open or remember for bob, or
     * bob's deletion); then its dm:open(alice, carol) waits for this node's dm:open(alice, erin).
     */
    @Test
    void aLoginOnOneNodeAndTwoOpensOnAnotherDoNotFailEachOther() throws Exception {
        PostgresTenantStore store = storeWith("alice", "bob", "carol", "dave", "erin");
        try (Connection otherNode = postgres.otherNode(node.tenantId(TENANT))) {
            SqlConversations otherWriter = onlyOn(otherNode);
            // the other node's batch, first write: bob signs in
            AccountSql.saveSession(
                    otherNode,
                    new SessionRecord("token-of-bob", "bob", T0.plusSeconds(86_400)),
                    "hash",
                    AccountSql.POSTGRES_SESSION_LOCK);

            List<CompletableFuture<Opened>> batch = inOneBatch(
                    store,
                    () -> store.openConversation("@alice,erin", List.of("alice", "erin"), "erin", T0, 100, true),
                    () -> store.openConversation("@bob,dave", List.of("bob", "dave"), "dave", T0, 100, true));
            // the batch: alice and erin locked, waiting for bob (the login's key share)

            assertEquals(
                    List.of("OPENED", "OPENED", "OPENED"),
                    outcomes(
                            otherNode,
                            () -> otherWriter
                                    .openConversation("@alice,carol", List.of("alice", "carol"), "carol", T0, 100, true)
                                    .join(),
                            batch),
                    "a login and the opens of both nodes succeed");
        }
    }

    /**
     * A deletion still locks its user FOR UPDATE, so a cycle with another node remains possible: this node's batch
     * deletes bob (locked), then carol, whom the other node's open holds FOR KEY SHARE; the other node's next open
     * wants bob. The deletion of carol waited first, so PostgreSQL makes it the victim: it is undone under its
     * savepoint, the writes before it commit, and the writer runs it again in its next transaction, where it waits
     * for the other node's commit and succeeds. Its caller sees a slower success, not an error.
     */
    @Test
    void aDeletionThatADeadlockUndoesIsRunAgainOnceItsBatchHasCommitted() throws Exception {
        PostgresTenantStore store = storeWith("alice", "bob", "carol", "frank");
        try (Connection otherNode = postgres.otherNode(node.tenantId(TENANT))) {
            SqlConversations otherWriter = onlyOn(otherNode);
            openAliceAndCarol(otherWriter);

            List<CompletableFuture<Boolean>> batch =
                    inOneBatch(store, () -> store.deleteUser("bob"), () -> store.deleteUser("carol"));
            // the batch: bob locked, waiting for carol

            assertEquals(
                    List.of("NO_SUCH_USER", "true", "true"),
                    outcomes(otherNode, () -> openBobAndFrank(otherWriter), batch),
                    "the other node's open finds bob deleted; both deletions succeed, the victim on its second run");
            assertEquals(List.of(), stillStored(store, "bob", "carol"));
        }
    }

    /**
     * A write that lost a race runs again before the writes queued after it, never after them: this node's batch is
     * alice's join of Y, her join of X, then her leave of X (a client's join, whose ack it does not wait for, then its
     * leave). The other node made room X first and made Y after this node: a cycle on the two new rooms' rows, whose
     * victim is the join of X. The leave must still come after the join: alice ends in Y only.
     */
    @Test
    void aWriteThatLostARaceRunsAgainBeforeTheWritesQueuedAfterIt() throws Exception {
        PostgresTenantStore store = storeWith("alice", "bob");
        try (Connection otherNode = postgres.otherNode(node.tenantId(TENANT))) {
            SqlRooms otherWriter = new SqlRooms(runnerOn(otherNode), runnerOn(otherNode), SqlRooms.Dialect.POSTGRES);
            assertEquals(
                    Remembered.ADDED, otherWriter.remember("bob", "x", T0, 100).join());

            List<CompletableFuture<Object>> batch = inOneBatch(
                    store,
                    () -> store.remember("alice", "y", T0, 100, true).thenApply(Object.class::cast),
                    () -> store.remember("alice", "x", T0, 100, true).thenApply(Object.class::cast),
                    () -> store.forget("alice", "x").thenApply(Object.class::cast));
            // the batch: room y made, waiting for the other node's room x

            assertEquals(
                    List.of("ADDED", "ADDED", "ADDED", "true"),
                    outcomes(
                            otherNode,
                            () -> otherWriter.remember("bob", "y", T0, 100).join(),
                            batch),
                    "every write succeeds, the join of x on its second run, before the leave");
            assertEquals(
                    List.of("y"),
                    store.roomsOf("alice").join().stream().map(RoomTopic::room).toList());
        }
    }

    private PostgresTenantStore storeWith(String... users) {
        PostgresTenantStore store = (PostgresTenantStore) node.open(TENANT, CommitObserver.NONE);
        for (String user : users) {
            store.createUser(new UserRecord(user, Optional.empty(), "hash", T0)).join();
        }
        return store;
    }

    /** The other node's second write in two tests: dm:open(bob, frank), which wants bob. */
    private static Opened openBobAndFrank(SqlConversations otherWriter) {
        return otherWriter
                .openConversation("@bob,frank", List.of("bob", "frank"), "frank", T0, 100, true)
                .join();
    }

    /** The other node's first write: dm:open(alice, carol), done but not committed (alice and carol locked). */
    private static void openAliceAndCarol(SqlConversations otherWriter) {
        assertEquals(
                Opened.OPENED,
                otherWriter
                        .openConversation("@alice,carol", List.of("alice", "carol"), "alice", T0, 100, true)
                        .join());
    }

    private static List<String> stillStored(PostgresTenantStore store, String... names) {
        List<String> found = new ArrayList<>();
        for (String name : names) {
            store.user(name).join().ifPresent(user -> found.add(user.username()));
        }
        return found;
    }

    /**
     * Queues {@code writes} on {@code store}'s writer while it is held busy, so that its next transaction takes them
     * all; returns once that batch has had time to take its first locks.
     */
    @SafeVarargs
    private static <T> List<CompletableFuture<T>> inOneBatch(
            PostgresTenantStore store, Supplier<CompletableFuture<T>>... writes) throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch busy = new CountDownLatch(1);
        CompletableFuture<Object> hold = store.write(connection -> {
            holding.countDown();
            try {
                busy.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
        // queued only once the hold runs: the writer has taken its batch, so they cannot join the hold's
        assertTrue(holding.await(10, TimeUnit.SECONDS), "the writer runs the hold");
        List<CompletableFuture<T>> queued = new ArrayList<>();
        for (Supplier<CompletableFuture<T>> write : writes) {
            queued.add(write.get());
        }
        busy.countDown();
        hold.get(10, TimeUnit.SECONDS);
        Thread.sleep(300);
        return queued;
    }

    /**
     * Runs the other node's second write on a thread of its own (it blocks on this node's locks, as no common-pool task
     * should), then commits the other node's transaction (rolled back if PostgreSQL made it a deadlock's victim);
     * returns that write's outcome, then those of this node's {@code batch}.
     */
    private static List<String> outcomes(
            Connection otherNode, Supplier<?> secondWrite, List<? extends CompletableFuture<?>> batch)
            throws InterruptedException, SQLException {
        List<String> outcomes = new ArrayList<>();
        outcomes.add(outcome(CompletableFuture.supplyAsync(
                secondWrite, task -> Thread.ofPlatform().daemon().start(task))));
        try {
            otherNode.commit();
        } catch (SQLException aborted) {
            otherNode.rollback();
        }
        for (CompletableFuture<?> write : batch) {
            outcomes.add(outcome(write));
        }
        return outcomes;
    }

    private static String outcome(CompletableFuture<?> future) throws InterruptedException {
        try {
            Object value = future.get(30, TimeUnit.SECONDS);
            return value == null ? "done" : value.toString();
        } catch (ExecutionException e) {
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof SQLException sql) {
                    return "failed: SQLState " + sql.getSQLState() + " " + sql.getMessage();
                }
            }
            return "failed: " + e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            return "still waiting";
        }
    }

    /** The other node's writer: its writes run in one transaction on {@code connection}, uncommitted until it is. */
    private static SqlConversations onlyOn(Connection connection) {
        SqlRooms.Runner runner = runnerOn(connection);
        return new SqlConversations(runner, runner, SqlRooms.Dialect.POSTGRES);
    }

    private static SqlRooms.Runner runnerOn(Connection connection) {
        return new SqlRooms.Runner() {
            @Override
            public <T> CompletableFuture<T> run(SqlWork<T> work) {
                try {
                    return CompletableFuture.completedFuture(work.apply(connection));
                } catch (SQLException e) {
                    return CompletableFuture.failedFuture(
                            new IllegalStateException(e.getSQLState() + " " + e.getMessage(), e));
                }
            }
        };
    }
}
