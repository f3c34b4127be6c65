package io.chat.history;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The read position contract, on a real PostgreSQL: one database for every tenant, row security between them. */
class PostgresReadPositionTest extends ReadPositionContract {
    private static PostgresFixture postgres;

    private final PostgresFixture.Node node = postgres.node();

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = PostgresFixture.start("chat_reads");
    }

    @Override
    protected TenantStore openStore(String tenant, CommitObserver observer) {
        return node.open(tenant, observer);
    }

    @Override
    protected void storesClosed() throws InterruptedException {
        node.close();
    }

    /**
     * A node of the previous version edits or deletes a message without writing its mentions (it knows no such table):
     * the trigger of V15 drops the old text's rows, so no stale mention is ever counted.
     */
    @Test
    void aTextChangedWithoutItsMentionsLosesTheirRows() {
        TenantStore store = open("acme");
        long edited = send(store, "general", "bob", "@alice look");
        long deleted = send(store, "general", "bob", "@alice again");
        long kept = send(store, "general", "bob", "@alice still");
        write(
                store,
                "UPDATE messages SET text = convert_to('never mind', 'UTF8'), edited_ts = 1 WHERE seq = " + edited);
        write(store, "UPDATE messages SET text = ''::bytea, deleted = TRUE WHERE seq = " + deleted);
        write(store, "UPDATE messages SET edited_ts = 2 WHERE seq = " + kept); // text unchanged: rows stay
        assertEquals(List.of("general alice " + kept), mentionRows(store));
    }
}
