package io.chat.history;

import org.junit.jupiter.api.BeforeAll;

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

    @Override
    protected void storesClosed() throws InterruptedException {
        node.close();
    }
}
