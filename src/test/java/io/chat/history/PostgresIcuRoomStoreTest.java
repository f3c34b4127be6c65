package io.chat.history;

import org.junit.jupiter.api.BeforeAll;

/**
 * The room store contract on a database whose collation is ICU's, not the C of scripts/cluster's: an operator's own
 * PostgreSQL often sorts text by language, where '_', '.' and '-' fall elsewhere than in Java's order.
 */
class PostgresIcuRoomStoreTest extends RoomStoreContract {
    private static PostgresFixture postgres;

    private final PostgresFixture.Node node = postgres.node();

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = PostgresFixture.start("chat_rooms_icu", "TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'und'");
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
