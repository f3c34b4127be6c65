/**
 * An Engine.IO v4 server on Helidon: sessions, heartbeats, the long-polling and WebSocket transports, the upgrade
 * from one to the other, and the caps on sessions and queued output. Modelled on Node's engine.io.
 *
 * <p>Depends on nothing else of ours, not even {@code socketio} above it. Used by {@code socketio},
 * {@code conformance} (a bare echo endpoint), {@code admin} (session counts) and {@code io.chat} (mounting it on
 * Helidon).
 */
package io.chat.socketio.engine;
