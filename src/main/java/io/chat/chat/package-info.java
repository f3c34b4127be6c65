/**
 * The chat itself: each live tenant bound to its own Socket.IO namespace, the contract's events on it (rooms,
 * messages, history, presence, acks), and the per-socket and per-tenant limits (rate, sockets per user). In a
 * cluster, {@link io.chat.chat.Peers} (implemented outside this package, wired by Main) adds what the other nodes
 * hold to this node's presence, socket counts and message rate; on a single node it adds nothing.
 *
 * <p>The one feature package that speaks Socket.IO. May depend on: {@code tenant}, {@code tenant.auth},
 * {@code history}, {@code socketio} (not on the engine below it), {@code json}, {@code limits}. Depended on by {@code api}, {@code admin} and
 * {@code io.chat}.
 */
package io.chat.chat;
