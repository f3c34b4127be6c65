package io.chat.history;

import java.util.Locale;

/** When an acknowledged write is safe: what a store waits for before it acknowledges. */
public enum Durability {
    /** Once the operating system has it: it survives the process's crash or kill -9, not a power loss. */
    PROCESS,
    /** Once it is on the disk (fsync): it survives a power loss too, for one fsync per group commit. */
    FSYNC;

    /** {@code process} or {@code fsync}, as the settings spell it. */
    public static Durability parse(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "process" -> PROCESS;
            case "fsync" -> FSYNC;
            default -> throw new IllegalArgumentException("chat.durability must be 'process' or 'fsync'");
        };
    }
}
