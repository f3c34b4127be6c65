/**
 * The store: one H2 database per tenant holding its messages, users and sessions, with group commit, a durable
 * append-only message log, per-tenant read queues on a shared read executor, and owner-only files.
 *
 * <p>The only package that touches JDBC ({@code java.sql}) or H2. It depends on nothing else of ours; callers see
 * records ({@code StoredMessage}, {@code UserRecord}, {@code SessionRecord}, ...) and {@code StoreException}s, never
 * SQL. Depended on by {@code tenant}, {@code chat}, {@code api}, {@code admin} and {@code io.chat}.
 */
package io.chat.history;
