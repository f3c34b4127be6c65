package io.chat.history;

import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.BeforeAll;

/** The account store contract, on a real PostgreSQL: one database for every tenant, row security between them. */
class PostgresAccountStoreTest extends AccountStoreContract {
    private static PostgresFixture postgres;

    private final ExecutorService reads = PostgresFixture.readExecutor();
    private final String prefix = PostgresFixture.freshTenantPrefix();
    private PostgresDatabase database;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = PostgresFixture.start("chat_contract");
    }

    @Override
    protected TenantStore openStore(String tenant, CommitObserver observer) {
        if (database == null) {
            database = postgres.openDatabase(reads, observer);
        }
        return database.forTenant(prefix + tenant);
    }

    @Override
    protected void storesClosed() throws InterruptedException {
        if (database != null) {
            database.close();
        }
        PostgresFixture.shutDown(reads);
    }
}
