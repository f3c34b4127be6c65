/**
 * Authentication of a tenant's users on Helidon Security: opaque session tokens (password tenants) and JWTs
 * (JWT tenants) as bearer credentials with one expiry check on the tenant's clock, and slow password hashes.
 *
 * <p>Depends on nothing else of ours (a session is looked up through a function its caller gives). Depended on by
 * {@code tenant}, {@code chat}, {@code admin} and {@code io.chat}.
 */
package io.chat.tenant.auth;
