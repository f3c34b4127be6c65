package io.chat.tenant;

import io.chat.tenant.auth.ShownNames;
import java.util.regex.Pattern;

/** The contract's rules for user names, passwords and room names. */
public final class Names {
    public static final int MAX_USERNAME_LENGTH = 32;
    private static final Pattern USERNAME = Pattern.compile("^[a-z0-9._-]{1," + MAX_USERNAME_LENGTH + "}$");
    private static final Pattern ROOM = Pattern.compile("^[A-Za-z0-9._-]{1,64}$");
    /**
     * A conversation's room (a direct message or group DM): {@code @} and 26 characters of lowercase base32. No room
     * name has an {@code @}, so no one can join one by naming it as a room.
     */
    private static final Pattern CONVERSATION = Pattern.compile("^@[a-z2-7]{26}$");
    /** Longer passwords are refused: each costs a slow hash, so an unbounded one is a cheap attack. */
    public static final int MAX_PASSWORD_LENGTH = 1024;

    public static final int MIN_PASSWORD_LENGTH = 8;

    private Names() {}

    public static boolean isUsername(String candidate) {
        // the length first: the pattern would scan a huge string to the end
        return candidate != null
                && candidate.length() <= MAX_USERNAME_LENGTH
                && USERNAME.matcher(candidate).matches();
    }

    /**
     * A user name a JWT tenant's identity provider may give (its tokens' user claim): up to 128 characters, none
     * that hides or rearranges text; an email address, say.
     */
    public static boolean isJwtUsername(String candidate) {
        return ShownNames.isShown(candidate, ShownNames.MAX_JWT_USERNAME_LENGTH);
    }

    /** A name shown to people: 1 to {@code max} characters, none that hides or rearranges text ({@link ShownNames}). */
    public static boolean isDisplayName(String candidate, int max) {
        return ShownNames.isShown(candidate, max);
    }

    public static boolean isPassword(String candidate) {
        return candidate != null
                && candidate.length() >= MIN_PASSWORD_LENGTH
                && candidate.length() <= MAX_PASSWORD_LENGTH;
    }

    public static boolean isRoom(String candidate) {
        return candidate != null && ROOM.matcher(candidate).matches();
    }

    public static boolean isConversation(String candidate) {
        return candidate != null && CONVERSATION.matcher(candidate).matches();
    }

    /** A room or a conversation: what the events that take a room accept (a conversation for its members only). */
    public static boolean isRoomOrConversation(String candidate) {
        return isRoom(candidate) || isConversation(candidate);
    }
}
