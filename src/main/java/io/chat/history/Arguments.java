package io.chat.history;

import java.util.Objects;
import java.util.Optional;

/** The argument checks every store makes before it queues anything: nulls and over-long values throw at once. */
final class Arguments {
    private Arguments() {}

    static void check(String name, String value, int maxLength) {
        Objects.requireNonNull(value, name);
        if (value.length() > maxLength) {
            throw new IllegalArgumentException(name + " longer than " + maxLength + " characters");
        }
    }

    static void checkChange(String room, String from, Change change, Optional<String> clientId) {
        check("room", room, MessageStore.MAX_ROOM);
        check("from", from, AccountStore.MAX_USER);
        Objects.requireNonNull(change, "change");
        if (change.target() < 1) {
            throw new IllegalArgumentException("target must be a seq, from 1");
        }
        if (change instanceof Change.Edit edit) {
            check("text", edit.text(), MessageStore.MAX_TEXT);
        }
        if (change instanceof Change.React react) {
            check("emoji", react.emoji(), MessageStore.MAX_EMOJI);
            if (react.emoji().isEmpty()) {
                throw new IllegalArgumentException("empty emoji");
            }
        }
        Objects.requireNonNull(clientId, "clientId");
        clientId.ifPresent(id -> check("clientId", id, MessageStore.MAX_CLIENT_ID));
    }

    static void checkPasswordChange(PasswordChange change) {
        Objects.requireNonNull(change, "change");
        check("username", change.username(), AccountStore.MAX_USER);
        check("newHash", change.newHash(), AccountStore.MAX_PASSWORD_HASH);
        change.replacing().ifPresent(hash -> check("replacing", hash, AccountStore.MAX_PASSWORD_HASH));
        change.keptSession().ifPresent(hash -> check("keptSession", hash, SessionStore.MAX_TOKEN_HASH));
    }

    static void checkLimit(int limit) {
        if (limit < 1 || limit > MessageStore.MAX_PAGE) {
            throw new IllegalArgumentException("limit must be 1.." + MessageStore.MAX_PAGE + ", not " + limit);
        }
    }
}
