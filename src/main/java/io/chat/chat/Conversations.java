package io.chat.chat;

import static io.chat.chat.Acks.ErrorCode.BAD_REQUEST;
import static io.chat.chat.Acks.ErrorCode.FORBIDDEN;
import static io.chat.chat.Acks.ErrorCode.NOT_FOUND;
import static io.chat.chat.Acks.ErrorCode.RATE_LIMITED;
import static io.chat.chat.Acks.ErrorCode.TOO_LARGE;
import static io.chat.chat.Acks.ErrorCode.UNAVAILABLE;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chat.history.AccountStore.UserPage;
import io.chat.history.ConversationStore;
import io.chat.history.UserRecord;
import io.chat.socketio.Ack;
import io.chat.socketio.Socket;
import io.chat.tenant.Names;
import io.chat.tenant.Tenant;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * Direct messages and group DMs: rooms named {@code @} + 26 characters (see {@link #id}) whose readers are a stored
 * member list ({@link ConversationStore}), never whoever names them. {@code dm:open} stores a new one and puts its
 * members' following sockets in it ({@link Memberships#opened}), or brings one that exists back for its opener only
 * (a member hides one with {@code room:leave}, and no one else may push it back); a new one takes a token of the
 * opener's bucket of new conversations, so no one fills others' rooms faster than it allows. Every event that takes a
 * room lets members only in (the chat's {@code whenMember}); {@code users:list} pages the tenant's users for the
 * client's picker.
 */
final class Conversations {
    /** What a non-member is told about a conversation, whether it exists or not. */
    static final String NOT_A_MEMBER = "not a member";

    /** The other users one {@code dm:open} names, at most (the opener makes {@link ConversationStore#MAX_MEMBERS}). */
    static final int MAX_OTHERS = ConversationStore.MAX_MEMBERS - 1;

    /** Entries of the {@code users} array looked at, at most: duplicates are ignored, not read without end. */
    private static final int MAX_LISTED = 32;

    static final int USERS_PAGE = 50;
    static final int USERS_PAGE_MAX = 100;
    /** The longest {@code name} a {@code users:list} looks for: a display name's. */
    static final int MAX_SOUGHT = 100;

    private static final String BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
    private static final int ID_CHARS = 26;

    private final Tenant tenant;
    private final Clock clock;
    private final Memberships memberships;
    private final Memberships.Rooms rooms;
    /** Takes a token from the user's bucket of new conversations; false when there is none. */
    private final Predicate<String> newConversation;

    Conversations(
            Tenant tenant,
            Clock clock,
            Memberships memberships,
            Memberships.Rooms rooms,
            Predicate<String> newConversation) {
        this.newConversation = newConversation;
        this.tenant = tenant;
        this.clock = clock;
        this.memberships = memberships;
        this.rooms = rooms;
    }

    /**
     * The conversation of these members: {@code @} and the first 130 bits of the SHA-256 of their sorted names (one a
     * line) in lowercase base32. The same members always make the same id; a room name never has an {@code @}.
     */
    static String id(Collection<String> members) {
        String joined = String.join("\n", new TreeSet<>(members));
        byte[] hash;
        try {
            hash = MessageDigest.getInstance("SHA-256").digest(joined.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
        StringBuilder id = new StringBuilder("@");
        for (int i = 0; i < ID_CHARS; i++) {
            int bit = i * 5;
            int window = ((hash[bit / 8] & 0xff) << 8) | (hash[bit / 8 + 1] & 0xff);
            id.append(BASE32.charAt((window >> (11 - bit % 8)) & 31));
        }
        return id.toString();
    }

    /** {@code dm:open} {@code {"users":[...]}}: acks {@code {"ok":true,"room","members"}} once stored for everyone. */
    void open(Socket socket, List<JsonNode> args, Ack ack) {
        String self = user(socket).username();
        List<String> others = others(Payloads.object(args), self);
        List<String> members = new ArrayList<>(others);
        members.add(self);
        List<String> sorted = members.stream().sorted().toList();
        String room = id(sorted);
        CompletableFuture<List<String>> stored =
                SocketWork.of(socket).read(tenant.store().conversationMembers(room));
        SocketWork.of(socket)
                .read(existing(others))
                .thenCombine(stored, (exist, storedMembers) -> {
                    if (!exist) {
                        throw new Acks.Refusal(NOT_FOUND, "no such user");
                    }
                    // only a new conversation takes a token (one opened meanwhile by another is reopened, token spent)
                    if (storedMembers.isEmpty() && !newConversation.test(self)) {
                        throw new Acks.Refusal(RATE_LIMITED, "too many new conversations");
                    }
                    return storedMembers;
                })
                // one of the socket's writes: refused once its credential is revoked, and waited for by the revocation
                .thenCompose(storedMembers -> SocketWork.of(socket).write(() -> tenant.store()
                        .openConversation(
                                room,
                                sorted,
                                self,
                                clock.instant(),
                                tenant.limits().roomsPerSocket(),
                                // checked again in the write: a user deleted since the read is no member
                                tenant.definition().auth().storesUsers())))
                .whenCompleteAsync((opened, error) -> {
                    if (error != null) {
                        Throwable cause = error.getCause() != null ? error.getCause() : error;
                        if (cause instanceof Acks.Refusal refusal) {
                            Acks.fail(ack, refusal.code(), refusal.getMessage());
                        } else {
                            Acks.fail(ack, UNAVAILABLE, "conversation not stored");
                        }
                        return;
                    }
                    switch (opened) {
                        case FULL -> Acks.fail(ack, TOO_LARGE, "too many rooms");
                        case CLOSED -> Acks.fail(ack, FORBIDDEN, "conversation closed");
                        case NO_SUCH_USER -> Acks.fail(ack, NOT_FOUND, "no such user");
                        case OPENED -> {
                            rooms.enter(socket, room); // a socket in too many rooms gets it on its next connect
                            memberships.opened(socket, room, sorted);
                            ack.send(answer(room, sorted));
                        }
                        case REOPENED -> {
                            rooms.enter(socket, room);
                            memberships.remembered(socket, room); // the opener's sockets only
                            ack.send(answer(room, sorted));
                        }
                    }
                });
    }

    private static ObjectNode answer(String room, List<String> members) {
        ObjectNode body = Acks.ok().put("room", room);
        members.forEach(body.putArray("members")::add);
        return body;
    }

    /**
     * The other members: 1 to {@link #MAX_OTHERS} distinct valid user names ({@link Tenant#isUserName}: on a JWT
     * tenant, any name its tokens may carry) once duplicates and the caller are left out (both are ignored, not
     * refused).
     */
    private List<String> others(JsonNode payload, String self) {
        JsonNode users = payload.get("users");
        if (users == null || !users.isArray() || users.isEmpty()) {
            throw new Acks.Refusal(BAD_REQUEST, "invalid users");
        }
        if (users.size() > MAX_LISTED) {
            throw new Acks.Refusal(TOO_LARGE, "at most " + MAX_OTHERS + " other users");
        }
        TreeSet<String> others = new TreeSet<>();
        for (JsonNode user : users) {
            if (!user.isTextual() || !tenant.isUserName(user.asText())) {
                throw new Acks.Refusal(BAD_REQUEST, "invalid users");
            }
            if (!user.asText().equals(self)) {
                others.add(user.asText());
            }
        }
        if (others.isEmpty()) {
            throw new Acks.Refusal(BAD_REQUEST, "invalid users");
        }
        if (others.size() > MAX_OTHERS) {
            throw new Acks.Refusal(TOO_LARGE, "at most " + MAX_OTHERS + " other users");
        }
        return List.copyOf(others);
    }

    /**
     * Whether every one of them is a user of the tenant: its stored users on a password tenant; on a JWT tenant the
     * identity provider owns the users, so any valid name is one (as any valid token's subject may connect).
     */
    private CompletableFuture<Boolean> existing(List<String> others) {
        if (!tenant.definition().auth().storesUsers()) {
            return CompletableFuture.completedFuture(true);
        }
        List<CompletableFuture<Optional<UserRecord>>> found =
                others.stream().map(name -> tenant.store().user(name)).toList();
        return CompletableFuture.allOf(found.toArray(CompletableFuture[]::new))
                .thenApply(done -> found.stream().allMatch(user -> user.join().isPresent()));
    }

    /**
     * {@code users:list} {@code {"after"?,"q"?,"name"?,"limit"?}}: the tenant's stored users by name, for the picker;
     * {@code name} finds them by user name or a word of their display name, as people are looked for.
     */
    void users(Socket socket, List<JsonNode> args, Ack ack) {
        JsonNode payload = RoomPayloads.optionalObject(args);
        String after = name(payload, "after");
        String prefix = name(payload, "q");
        String sought = sought(payload);
        int limit = payload.isObject() ? Payloads.limit(payload, USERS_PAGE, USERS_PAGE_MAX) : USERS_PAGE;
        SocketWork.of(socket)
                .read(tenant.store().users(after, prefix, sought, limit))
                .whenComplete((page, error) -> {
                    if (error != null) {
                        Acks.fail(ack, UNAVAILABLE, "users unavailable");
                        return;
                    }
                    ack.send(answer(page));
                });
    }

    /**
     * {@code users:get} {@code {"users":[...]}}: the display names of up to {@link #USERS_PAGE_MAX} named users, for
     * showing who wrote, reacted or is online; names of no stored user are left out of the answer.
     */
    void named(Socket socket, List<JsonNode> args, Ack ack) {
        JsonNode users = Payloads.object(args).get("users");
        if (users == null || !users.isArray() || users.isEmpty()) {
            throw new Acks.Refusal(BAD_REQUEST, "invalid users");
        }
        if (users.size() > USERS_PAGE_MAX) {
            throw new Acks.Refusal(TOO_LARGE, "at most " + USERS_PAGE_MAX + " users");
        }
        List<String> names = new ArrayList<>(users.size());
        for (JsonNode user : users) {
            if (!user.isTextual() || !tenant.isUserName(user.asText())) {
                throw new Acks.Refusal(BAD_REQUEST, "invalid users");
            }
            names.add(user.asText());
        }
        SocketWork.of(socket).read(tenant.store().namedUsers(names)).whenComplete((found, error) -> {
            if (error != null) {
                Acks.fail(ack, UNAVAILABLE, "users unavailable");
                return;
            }
            ObjectNode body = Acks.ok();
            listUsers(body, found);
            ack.send(body);
        });
    }

    private static ObjectNode answer(UserPage page) {
        ObjectNode body = Acks.ok();
        listUsers(body, page.users());
        body.put("hasMore", page.hasMore());
        return body;
    }

    /** {@code "users":[{"username","displayName"?}]}, as {@code users:list} and {@code users:get} answer them. */
    private static void listUsers(ObjectNode body, List<UserRecord> users) {
        ArrayNode list = body.putArray("users");
        for (UserRecord user : users) {
            ObjectNode entry = list.addObject().put("username", user.username());
            user.displayName().ifPresent(name -> entry.put("displayName", name));
        }
    }

    /** What a person is looked for by: printable, at most {@link #MAX_SOUGHT} characters, or empty when absent. */
    private static String sought(JsonNode payload) {
        JsonNode value = payload.get("name");
        if (value == null
                || value.isNull()
                || (value.isTextual() && value.asText().isEmpty())) {
            return "";
        }
        if (!value.isTextual() || !Names.isDisplayName(value.asText(), MAX_SOUGHT)) {
            throw new Acks.Refusal(BAD_REQUEST, "invalid name");
        }
        return value.asText().strip();
    }

    /** A user name or a prefix of one (which is one too), or empty when absent. */
    private static String name(JsonNode payload, String field) {
        JsonNode value = payload.get(field);
        if (value == null
                || value.isNull()
                || (value.isTextual() && value.asText().isEmpty())) {
            return "";
        }
        if (!value.isTextual() || !Names.isUsername(value.asText())) {
            throw new Acks.Refusal(BAD_REQUEST, "invalid " + field);
        }
        return value.asText();
    }

    private static ChatUser user(Socket socket) {
        return (ChatUser) socket.data().get(ChatUser.KEY);
    }
}
