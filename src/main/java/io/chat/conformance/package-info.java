/**
 * The handlers the official socket.io and engine.io protocol suites expect of the server under test, started by
 * {@code Main --conformance}. Not part of the chat platform.
 *
 * <p>May depend on: {@code socketio}, {@code socketio.engine}. Nothing depends on it but {@code io.chat}.
 */
package io.chat.conformance;
