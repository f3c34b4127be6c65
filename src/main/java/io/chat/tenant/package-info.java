/**
 * Tenants: their definitions ({@code tenants/<id>/tenant.json}), limits and name rules, the registry that loads,
 * provisions, suspends, resumes and deletes them while running, and each live tenant's store, authentication and
 * accounts. Listeners ({@code TenantRegistry.TenantListener}) hear of every change; the chat is one.
 *
 * <p>May depend on: {@code tenant.auth}, {@code history}, {@code json}, {@code limits}.
 * Depended on by {@code http}, {@code chat}, {@code api}, {@code admin} and {@code io.chat}.
 */
package io.chat.tenant;
