/**
 * The composition root: {@link io.chat.Main} reads the settings ({@link io.chat.Settings}, the command line), creates
 * every long-lived object, wires them and starts Helidon; {@code Running.stop} takes them down in order. Tests start
 * servers through the same methods.
 *
 * <p>Depends on every package below it; no package depends on this one. Only here are the configuration read, the
 * web server built and the services created (io.chat.ArchitectureTest).
 */
package io.chat;
