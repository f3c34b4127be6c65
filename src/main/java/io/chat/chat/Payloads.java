package io.chat.chat;

import static io.chat.chat.Acks.ErrorCode.BAD_REQUEST;
import static io.chat.chat.Acks.ErrorCode.FORBIDDEN;
import static io.chat.chat.Acks.ErrorCode.TOO_LARGE;

import com.fasterxml.jackson.databind.JsonNode;
import io.chat.socketio.SocketIds;
import io.chat.tenant.Limits;
import io.chat.tenant.Names;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Reads and validates event payloads; every failure is a short fixed {@link Acks.Refusal}. */
final class Payloads {
    static final String ROOM_NOT_ALLOWED = "room not allowed";
    private static final int MAX_CLIENT_ID = 128;

    private Payloads() {}

    static JsonNode object(List<JsonNode> args) {
        if (args.isEmpty() || !args.getFirst().isObject()) {
            throw new Acks.Refusal(BAD_REQUEST, "payload must be an object");
        }
        return args.getFirst();
    }

    /**
     * A room's or conversation's name, or a name shaped as a socket's id: no room, but refused {@code forbidden} by the
     * event once its whole payload is validated ({@link #refuseSocketId}; validation comes before permission).
     */
    static String room(JsonNode payload) {
        JsonNode room = payload.get("room");
        if (room == null || !room.isTextual() || !namesRoom(room.asText())) {
            throw new Acks.Refusal(BAD_REQUEST, "invalid room");
        }
        return room.asText();
    }

    /** Whether an event may give {@code name} as a room: a room's or conversation's name, or a socket's id. */
    static boolean namesRoom(String name) {
        return Names.isRoomOrConversation(name) || SocketIds.isShaped(name);
    }

    /**
     * A socket's id is no room name: every socket is in a room named by its id, where its own events go (Socket.IO's
     * {@code io.to(socketId)}), so joining one would receive another socket's private events. This server's ids have a
     * form no room name has ({@link SocketIds}): refused by their form, whether such a socket is here, on another node,
     * or nowhere, with no node to ask (a review: a node cut off from Redis long enough to leave the cluster's set kept
     * its sockets, and a join of one's id passed the cluster's check). Called once the payload is validated.
     */
    static void refuseSocketId(String room) {
        if (SocketIds.isShaped(room)) {
            throw new Acks.Refusal(FORBIDDEN, ROOM_NOT_ALLOWED);
        }
    }

    static String text(JsonNode payload) {
        JsonNode text = payload.get("text");
        if (text == null || !text.isTextual() || text.asText().isEmpty()) {
            throw new Acks.Refusal(BAD_REQUEST, "invalid text");
        }
        String value = text.asText();
        if (Limits.textLength(value) > Limits.MAX_TEXT_LENGTH) {
            throw new Acks.Refusal(TOO_LARGE, "text over 4000 characters");
        }
        if (hasLoneSurrogate(value)) {
            throw new Acks.Refusal(BAD_REQUEST, "invalid text");
        }
        return value;
    }

    /**
     * Whether {@code value} holds half a surrogate pair (JSON's {@code "\ud800"} escape allows one): it has no UTF-8
     * form, and the JSON writer would merge it with the character after it, so people would be shown another text than
     * the one stored, searched and scanned for mentions.
     */
    static boolean hasLoneSurrogate(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c)
                    && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    static Optional<String> clientId(JsonNode payload) {
        JsonNode id = payload.get("clientId");
        if (id == null || id.isNull()) {
            return Optional.empty();
        }
        if (!id.isTextual()
                || id.asText().isEmpty()
                || id.asText().length() > MAX_CLIENT_ID
                || hasLoneSurrogate(id.asText())) {
            throw new Acks.Refusal(BAD_REQUEST, "invalid clientId");
        }
        return Optional.of(id.asText());
    }

    /** A non-negative sequence number, when present. */
    static OptionalLong seq(JsonNode payload, String field) {
        JsonNode value = payload.get(field);
        if (value == null || value.isNull()) {
            return OptionalLong.empty();
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 0) {
            throw new Acks.Refusal(BAD_REQUEST, "invalid " + field);
        }
        return OptionalLong.of(value.asLong());
    }

    /** The seq of the message an edit, deletion or reaction is about: required, from 1. */
    static long target(JsonNode payload) {
        JsonNode value = payload.get("seq");
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 1) {
            throw new Acks.Refusal(BAD_REQUEST, "invalid seq");
        }
        return value.asLong();
    }

    /** The longest reaction emoji, in code points (a family with joiners, a tag-sequence flag). */
    static final int MAX_EMOJI_CODE_POINTS = 10;

    static final int MAX_EMOJI_CHARS = 32;

    /**
     * A reaction: one emoji as people type them, 1-10 code points (at most 32 UTF-16 units) of symbols (at least one
     * "other symbol", So, which every emoji has), their modifiers (skin tones), variation selectors, keycap marks,
     * joiners and flag tags; no letters, digits, spaces or punctuation, so it is no text in disguise, and no other
     * mark or format character (direction overrides, invisible spaces).
     */
    static String emoji(JsonNode payload) {
        JsonNode value = payload.get("emoji");
        if (value == null || !value.isTextual() || !isEmoji(value.asText())) {
            throw new Acks.Refusal(BAD_REQUEST, "invalid emoji");
        }
        return value.asText();
    }

    static boolean isEmoji(String text) {
        if (text.isEmpty()
                || text.length() > MAX_EMOJI_CHARS
                || text.codePointCount(0, text.length()) > MAX_EMOJI_CODE_POINTS) {
            return false;
        }
        int[] cps = text.codePoints().toArray();
        boolean symbol = false;
        for (int i = 0; i < cps.length; i++) {
            int cp = cps[i];
            int before = i > 0 ? cps[i - 1] : -1;
            switch (Character.getType(cp)) {
                case Character.OTHER_SYMBOL -> symbol = true;
                case Character.MODIFIER_SYMBOL, Character.ENCLOSING_MARK -> {
                    if (cp < 0x80) {
                        return false; // ASCII ^ and ` are modifier symbols
                    }
                }
                // only the marks and format characters emojis are made of, each where emojis have it: others are
                // invisible (a reaction that looks like another but counts apart), stack accents, or turn the text
                // after them around
                case Character.NON_SPACING_MARK -> {
                    // a variation selector right after what it selects the look of
                    if (!isVariationSelector(cp)
                            || before < 0
                            || isVariationSelector(before)
                            || isJoinerOrTag(before)) {
                        return false;
                    }
                }
                case Character.FORMAT -> {
                    if (cp == ZERO_WIDTH_JOINER) {
                        // between two emojis: not first, not last, not beside another joiner
                        if (before < 0
                                || before == ZERO_WIDTH_JOINER
                                || i + 1 >= cps.length
                                || Character.getType(cps[i + 1]) != Character.OTHER_SYMBOL) {
                            return false;
                        }
                    } else if (!isTag(cp) || !inFlagTagSequence(cps, i)) {
                        return false;
                    }
                }
                default -> {
                    return false;
                }
            }
        }
        return symbol;
    }

    /**
     * Whether the tag at {@code i} is in a subdivision flag's sequence as it is written: the black flag, then tag
     * letters and digits, then the cancel tag as the last code point (a tag elsewhere hides ASCII text in the emoji).
     */
    private static boolean inFlagTagSequence(int[] cps, int i) {
        int start = i;
        while (start > 0 && isTag(cps[start - 1])) {
            start--;
        }
        if (start == 0 || cps[start - 1] != BLACK_FLAG || cps[cps.length - 1] != CANCEL_TAG) {
            return false;
        }
        for (int j = start; j < cps.length - 1; j++) {
            if (!isTag(cps[j]) || cps[j] == CANCEL_TAG) {
                return false;
            }
        }
        return cps.length - 1 > start; // at least one tag before the cancel tag
    }

    private static boolean isJoinerOrTag(int cp) {
        return cp == ZERO_WIDTH_JOINER || isTag(cp);
    }

    private static final int BLACK_FLAG = 0x1F3F4;
    private static final int CANCEL_TAG = 0xE007F;
    private static final int ZERO_WIDTH_JOINER = 0x200D;

    private static boolean isVariationSelector(int cp) {
        return cp >= 0xFE00 && cp <= 0xFE0F;
    }

    /** The tag characters of a subdivision flag (🏴 then tags spelling "gbsct", then the cancel tag). */
    private static boolean isTag(int cp) {
        return cp >= 0xE0020 && cp <= 0xE007F;
    }

    static int limit(JsonNode payload, int fallback, int max) {
        JsonNode value = payload.get("limit");
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < 1 || value.asInt() > max) {
            throw new Acks.Refusal(BAD_REQUEST, "invalid limit");
        }
        return value.asInt();
    }
}
