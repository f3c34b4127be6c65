package io.chat.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.chat.history.ConversationStore.Opened;
import io.chat.history.RoomStore.Remembered;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A user deleted through one node while another node makes them a member of a conversation (opens it with them, or
 * remembers it for them): the two take turns on the user's row, so the member is never stored after the deletion
 * (a user made again with the name would inherit the conversation). The deletion here is held open on a connection
 * of its own, as another node's would be.
 */
class PostgresMemberDeletionRaceTest {
    private static final Instant T0 = Instant.parse("2026-12-05T08:00:00Z");
    private static final String ROOM = "@alice,bob";
    private static final String TENANT = "acme";
    private static PostgresFixture postgres;

    private final PostgresFixture.Node node = postgres.node();

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = PostgresFixture.start("chat_member_race");
    }

    @AfterEach
    void close() throws InterruptedException {
        node.close();
    }

    private TenantStore tenant(String name) {
        TenantStore store = node.open(name, CommitObserver.NONE);
        store.createUser(new UserRecord("alice", Optional.empty(), "hash", T0)).join();
        store.createUser(new UserRecord("bob", Optional.empty(), "hash", T0)).join();
        return store;
    }

    /** Another node's deletion of {@code user}, under way: its transaction holds what it deleted until committed. */
    private Connection deletionUnderWay(String tenant, String user) throws SQLException {
        Connection other = postgres.otherNode(node.tenantId(tenant));
        AccountSql.deleteUser(other, user);
        return other;
    }

    @Test
    void aConversationOpenedWithAUserBeingDeletedWaitsAndIsRefused() throws Exception {
        TenantStore store = tenant(TENANT);
        try (Connection deletion = deletionUnderWay(TENANT, "bob")) {
            CompletableFuture<Opened> open =
                    store.openConversation(ROOM, List.of("alice", "bob"), "alice", T0, 100, true);
            assertThrows(TimeoutException.class, () -> open.get(500, TimeUnit.MILLISECONDS), "waits for the deletion");
            deletion.commit();
            assertEquals(Opened.NO_SUCH_USER, open.get(10, TimeUnit.SECONDS));
        }
        assertEquals(List.of(), store.conversationMembers(ROOM).join());
    }

    @Test
    void aConversationRememberedForAUserBeingDeletedWaitsAndIsRefused() throws Exception {
        TenantStore store = tenant(TENANT);
        assertEquals(
                Opened.OPENED,
                store.openConversation(ROOM, List.of("alice", "bob"), "alice", T0, 100, true)
                        .join());
        store.forget("bob", ROOM).join();
        try (Connection deletion = deletionUnderWay(TENANT, "bob")) {
            CompletableFuture<Remembered> remembered = store.remember("bob", ROOM, T0, 100);
            assertThrows(
                    TimeoutException.class, () -> remembered.get(500, TimeUnit.MILLISECONDS), "waits for the deletion");
            deletion.commit();
            assertEquals(Remembered.NOT_MEMBER, remembered.get(10, TimeUnit.SECONDS));
        }
        assertFalse(store.roomsOf("bob").join().stream().anyMatch(r -> r.room().equals(ROOM)));
        assertEquals(List.of("alice"), store.conversationMembers(ROOM).join());
    }
}
