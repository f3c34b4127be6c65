package io.chat.history;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Which logged changes decide their target's state after a replay. */
final class LoggedChanges {
    private LoggedChanges() {}

    /** What a change decides: an edit the target's text, a deletion all of it, a reaction one user's emoji. */
    private record Key(String room, long target, EntryKind kind, String from, String emoji) {
        static Key of(StoredMessage change) {
            return switch (change.kind()) {
                case EDIT -> new Key(change.room(), change.target(), EntryKind.EDIT, "", "");
                case DELETE -> new Key(change.room(), change.target(), EntryKind.DELETE, "", "");
                case REACTION ->
                    new Key(change.room(), change.target(), EntryKind.REACTION, change.from(), change.text());
                case MESSAGE -> throw new IllegalArgumentException("a message is no change");
            };
        }
    }

    /**
     * The last edit of each target, its deletion, and the last toggle of each user's emoji on it, in log order: a
     * deletion, the last change a target can get, comes after the others and so wins.
     */
    static List<LoggedMessage> lastEffects(List<LoggedMessage> logged) {
        Map<Key, Integer> lastAt = new LinkedHashMap<>();
        for (int i = 0; i < logged.size(); i++) {
            StoredMessage entry = logged.get(i).message();
            if (entry.kind() != EntryKind.MESSAGE) {
                lastAt.put(Key.of(entry), i);
            }
        }
        List<LoggedMessage> effects = new ArrayList<>(lastAt.size());
        lastAt.values().stream().sorted().forEach(i -> effects.add(logged.get(i)));
        return effects;
    }
}
