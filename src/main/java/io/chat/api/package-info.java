/**
 * The public REST API under {@code /api} (login, logout, room history), the limits on logins in progress per client
 * address, and {@code GET /health}.
 *
 * <p>May depend on: {@code chat}, {@code http}, {@code tenant}, {@code tenant.auth} (the authenticated user),
 * {@code history} and {@code json}. Nothing depends on it but {@code io.chat}.
 */
package io.chat.api;
