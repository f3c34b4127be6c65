/**
 * The store: each tenant's messages, users and sessions, with group commit and gap-free seqs per room. A room's
 * sequence also numbers the changes to its messages (edits, deletions, reactions: {@code Change}, written by
 * {@code ChangeSql} in either store), so that catching up by seq brings them too. Two kinds:
 * one H2 database per tenant ({@code H2TenantStore}: a durable append-only message log, owner-only files), and the
 * cluster's one PostgreSQL database shared by every tenant and node ({@code PostgresDatabase}, one per node, and its
 * per-tenant views), where row-level security keeps tenants apart. Both share per-tenant read queues on a shared read
 * executor, the writer's queue, the argument checks and the health probe. Search ({@code MessageStore.search}): a
 * Lucene index in each H2 tenant's folder ({@code LuceneSearch}, following the messages table), a generated
 * {@code tsvector} column with a GIN index on PostgreSQL ({@code PostgresSearch}); both build their query from one
 * parse of the text ({@code SearchTerms}: bounded terms, no store's own query syntax), give up after
 * {@code SearchQuery.TIME_LIMIT} and read results back with {@code SearchSql}. Conversations (direct messages, group DMs: {@code ConversationStore}, {@code SqlConversations}) are
 * rooms with a stored member list, written with their members' memberships in one transaction. A user made with a
 * deleted user's name is another person ({@code EarlierAccount}, by the user's {@code created_at}): the earlier
 * account's messages are not the new one's to edit or delete, nor its reactions the new one's.
 *
 * <p>The only package that touches JDBC ({@code java.sql}), H2, the PostgreSQL driver, the pool (HikariCP), the
 * migrations (Flyway) or Lucene. It depends on nothing else of ours; callers see records ({@code StoredMessage},
 * {@code UserRecord}, {@code SessionRecord}, ...) and {@code StoreException}s, never SQL. Depended on by
 * {@code tenant}, {@code chat}, {@code api}, {@code admin} and {@code io.chat}.
 */
package io.chat.history;
