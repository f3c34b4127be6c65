package io.chat.tenant;

/**
 * A tenant's limits; a definition may override each field.
 *
 * @param messagesPerSecond      token-bucket refill per user, all sockets together
 * @param messageBurst           token-bucket size per user
 * @param roomsPerSocket         rooms one socket may be in
 * @param socketsPerTenant       connected sockets of the tenant
 * @param loginFailuresPerMinute failed logins per user and minute before 429
 * @param tenantMessagesPerSecond token-bucket refill for the whole tenant, every user together: one tenant
 *                                cannot take the whole server however many users it logs in
 * @param tenantMessageBurst      token-bucket size for the whole tenant
 */
public record Limits(int messagesPerSecond, int messageBurst, int roomsPerSocket, int socketsPerTenant,
                     int loginFailuresPerMinute, int tenantMessagesPerSecond, int tenantMessageBurst) {
    public static final int MAX_TEXT_LENGTH = 4000;

    /** Text length as users count it: in characters (code points), so an emoji counts once. */
    public static int textLength(String text) {
        return text.codePointCount(0, text.length());
    }

    public static final Limits DEFAULTS = new Limits(20, 100, 100, 10_000, 10, 2000, 4000);

    public Limits {
        if (messagesPerSecond < 1 || messageBurst < 1 || roomsPerSocket < 1 || socketsPerTenant < 1
                || loginFailuresPerMinute < 1 || tenantMessagesPerSecond < 1 || tenantMessageBurst < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }
}
