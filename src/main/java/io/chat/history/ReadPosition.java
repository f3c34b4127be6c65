package io.chat.history;

/**
 * One remembered room of a user: the highest seq they have read there (0: none), the messages after it, capped, and
 * those of them that mention the user ({@link Mentions}), capped alike.
 */
public record ReadPosition(String room, long lastRead, int unread, int mentions) {}
