/**
 * The application's JSON mapper, shared by every feature package (tenant, http, api, admin, chat).
 *
 * <p>May depend on: none of our packages (Jackson only). Anything of ours may depend on it except
 * {@code socketio}, which is a library with its own mapper for the wire.
 */
package io.chat.json;
