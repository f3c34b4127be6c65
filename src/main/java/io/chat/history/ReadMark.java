package io.chat.history;

/** What {@link ReadPositionStore#markRead} left stored: the position, and whether this mark (or one coalesced with it) moved it. */
public record ReadMark(long seq, boolean moved) {}
