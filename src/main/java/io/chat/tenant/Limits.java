package io.chat.tenant;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

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
 * @param eventsPerSecond         token-bucket refill per user, all sockets together, for every event but
 *                                {@code message:send} ({@code room:join}, {@code room:leave}, {@code rooms:list},
 *                                {@code history:fetch}, {@code presence:list}, {@code typing})
 * @param eventBurst              token-bucket size of those events per user
 * @param socketsPerUser          connected sockets of one user: one user cannot take the tenant's socketsPerTenant
 */
public record Limits(
        int messagesPerSecond,
        int messageBurst,
        int roomsPerSocket,
        int socketsPerTenant,
        int loginFailuresPerMinute,
        int tenantMessagesPerSecond,
        int tenantMessageBurst,
        int eventsPerSecond,
        int eventBurst,
        int socketsPerUser) {
    /**
     * The names of the limits as tenant.json and the admin API spell them: the record's components, so the JSON
     * and the Java cannot drift apart.
     */
    public static final List<String> NAMES = Arrays.stream(Limits.class.getRecordComponents())
            .map(RecordComponent::getName)
            .toList();

    /** The limit of that name (one of {@link #NAMES}). */
    public int value(String name) {
        int index = NAMES.indexOf(name);
        if (index < 0) {
            throw new IllegalArgumentException("no limit " + name);
        }
        return values()[index];
    }

    /** These limits with some replaced, by name; throws IllegalArgumentException for a bad name or value. */
    public Limits with(Map<String, Integer> changes) {
        if (!NAMES.containsAll(changes.keySet())) {
            throw new IllegalArgumentException("unknown limit");
        }
        int[] values = values();
        for (int i = 0; i < values.length; i++) {
            Integer changed = changes.get(NAMES.get(i));
            if (changed != null) {
                values[i] = changed;
            }
        }
        return of(values);
    }

    /*
     * The components in their declared order, the order of NAMES, and back; written out rather than reached through
     * reflection, whose first call of each accessor spun method-handle classes while a start read tenant.json (five
     * seen in a cold start's class loads). LimitsByNameTest checks the order against the record's components.
     */
    private int[] values() {
        return new int[] {
            messagesPerSecond,
            messageBurst,
            roomsPerSocket,
            socketsPerTenant,
            loginFailuresPerMinute,
            tenantMessagesPerSecond,
            tenantMessageBurst,
            eventsPerSecond,
            eventBurst,
            socketsPerUser
        };
    }

    private static Limits of(int[] values) {
        return new Limits(
                values[0], values[1], values[2], values[3], values[4], values[5], values[6], values[7], values[8],
                values[9]);
    }

    public static final int MAX_TEXT_LENGTH = 4000;

    /** Text length as users count it: in characters (code points), so an emoji counts once. */
    public static int textLength(String text) {
        return text.codePointCount(0, text.length());
    }

    /**
     * Events: a burst of 200 lets the web client rejoin (and catch up) the 100 rooms a socket may be in at once after
     * a reconnect, with room to spare for its lists; 50 a second is far above what a person does (the web client
     * sends {@code typing} at most every 2 s) and keeps one user's reads to 50 pages of history a second.
     * Sockets per user: 50 browser tabs and devices; past that it is a script.
     */
    public static final Limits DEFAULTS = new Limits(20, 100, 100, 10_000, 10, 2000, 4000, 50, 200, 50);

    public Limits {
        if (messagesPerSecond < 1
                || messageBurst < 1
                || roomsPerSocket < 1
                || socketsPerTenant < 1
                || loginFailuresPerMinute < 1
                || tenantMessagesPerSecond < 1
                || tenantMessageBurst < 1
                || eventsPerSecond < 1
                || eventBurst < 1
                || socketsPerUser < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }
}
