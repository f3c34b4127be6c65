package io.chat.chat;

import java.time.Instant;

/**
 * Who a socket belongs to, set by the tenant's auth middleware at CONNECT.
 *
 * @param username  the authenticated user
 * @param tokenKey  the stored hash of the credential, to find the sockets to drop when it is revoked
 * @param expiresAt when a CONNECT with the credential stops being accepted (a JWT's {@code exp} plus the clock
 *                  leeway): the socket is disconnected then
 * @param noticesSeen the count of {@link RevocationNotices} before the credential was checked
 */
record ChatUser(String username, String tokenKey, Instant expiresAt, long noticesSeen) {
    static final String KEY = "chat.user";
}
