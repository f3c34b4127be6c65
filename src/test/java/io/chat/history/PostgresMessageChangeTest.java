package io.chat.history;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;

/** The edit and delete contract, on a real PostgreSQL (migration V9). */
class PostgresMessageChangeTest extends MessageChangeContract {
    private static PostgresFixture postgres;

    private final PostgresFixture.Node node = postgres.node();

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = PostgresFixture.start("chat_changes");
    }

    @Override
    protected TenantStore openStore(String tenant, CommitObserver observer) {
        return node.open(tenant, observer);
    }

    @Override
    List<String> storedTexts(TenantStore store, String room) {
        return texts(((PostgresTenantStore) store)::read, room);
    }

    @Override
    protected void storesClosed() throws InterruptedException {
        node.close();
    }
}
