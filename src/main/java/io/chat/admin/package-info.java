/**
 * The operator's side, served on the admin listener (127.0.0.1) only: the admin REST API under {@code /admin}
 * (tenants, users, announcements), its HTTP Basic authentication and credentials, and {@code GET /metrics} in the
 * Prometheus text format.
 *
 * <p>May depend on: {@code chat}, {@code http}, {@code tenant}, {@code tenant.auth}, {@code history},
 * {@code json}, {@code limits}, and on {@code socketio.engine} for the session counts of the metrics.
 * Nothing depends on it but {@code io.chat}.
 */
package io.chat.admin;
