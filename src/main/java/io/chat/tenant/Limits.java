package io.chat.tenant;

/**
 * A tenant's limits; a definition may override each field.
 *
 * @param messagesPerSecond      token-bucket refill per user, all sockets together
 * @param messageBurst           token-bucket size per user
 * @param roomsPerSocket         rooms one socket may be in
 * @param socketsPerTenant       connected sockets of the tenant
 * @param loginFailuresPerMinute failed logins per user and minute before 429
 */
public record Limits(int messagesPerSecond, int messageBurst, int roomsPerSocket, int socketsPerTenant,
                     int loginFailuresPerMinute) {
    public static final int MAX_TEXT_LENGTH = 4000;

    /** Text length as users count it: in characters (code points), so an emoji counts once. */
    public static int textLength(String text) {
        return text.codePointCount(0, text.length());
    }

    public static final Limits DEFAULTS = new Limits(20, 100, 100, 10_000, 10);

    public Limits {
        if (messagesPerSecond < 1 || messageBurst < 1 || roomsPerSocket < 1 || socketsPerTenant < 1
                || loginFailuresPerMinute < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }
}
