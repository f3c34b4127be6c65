package io.chat.history;

/** One remembered room of a user: the highest seq they have read there (0: none) and the messages after it, capped. */
public record ReadPosition(String room, long lastRead, int unread) {}
