/**
 * A Socket.IO v5 server, as a library: namespaces, middleware, sockets, rooms, broadcasts, acknowledgements and the
 * packet codec, modelled on socket.io's own server classes. It knows no tenant, user, store or HTTP API: the chat is
 * built on it from outside ({@code io.chat.chat}).
 *
 * <p>Depends on {@code socketio.engine} only, of ours. Its JSON mapper ({@code Json}) also serves {@code tenant},
 * {@code http}, {@code api} and {@code admin} (a mapper awaiting a neutral home); the rest of it is used by
 * {@code chat}, {@code conformance} and {@code io.chat}.
 */
package io.chat.socketio;
