package io.chat.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Collections;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The search contract, on a real PostgreSQL: one database for every tenant, row security between them. */
class PostgresSearchStoreTest extends SearchStoreContract {
    private static PostgresFixture postgres;

    private final PostgresFixture.Node node = postgres.node();

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = PostgresFixture.start("chat_search");
    }

    @Override
    protected TenantStore openStore(String tenant, CommitObserver observer) {
        return node.open(tenant, observer);
    }

    @Test
    void aSearchPastItsTimeLimitFailsAsTimedOut() {
        PostgresTenantStore store = (PostgresTenantStore) open("acme");
        String text = String.join(" b ", Collections.nCopies(20, "a ".repeat(98).strip()));
        for (int i = 0; i < 2_000; i++) {
            store.append("general", "alice", text, Optional.empty());
        }
        send(store, "general", "alice", "last b");
        store.searchTimeLimit(Duration.ofMillis(1)); // reading 2,000 long rows takes longer
        CompletionException failed =
                assertThrows(CompletionException.class, () -> store.search(query(Set.of("general"), "b"))
                        .join());
        assertInstanceOf(SearchTimeoutException.class, failed.getCause());
        store.searchTimeLimit(SearchQuery.TIME_LIMIT);
        assertEquals(
                20, await(store.search(query(Set.of("general"), "b"))).hits().size());
    }

    @Override
    protected void storesClosed() throws InterruptedException {
        node.close();
    }
}
