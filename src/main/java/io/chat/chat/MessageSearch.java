package io.chat.chat;

import static io.chat.chat.Acks.ErrorCode.BAD_REQUEST;
import static io.chat.chat.Acks.ErrorCode.RATE_LIMITED;
import static io.chat.chat.Acks.ErrorCode.TOO_LARGE;
import static io.chat.chat.Acks.ErrorCode.UNAVAILABLE;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chat.history.MessageStore;
import io.chat.history.RoomTopic;
import io.chat.history.SearchCursor;
import io.chat.history.SearchHit;
import io.chat.history.SearchPage;
import io.chat.history.SearchQuery;
import io.chat.history.SearchTerms;
import io.chat.history.SearchTimeoutException;
import io.chat.history.StoredMessage;
import io.chat.socketio.Ack;
import io.chat.socketio.Socket;
import io.chat.tenant.Names;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The {@code search} event: the messages of the rooms the user may read (the rooms the server remembers for them,
 * and those the socket is in), found by words, optionally in one room and from one user, newest first, a page at a
 * time. The store does the searching, on its read pool; this validates, bounds and answers.
 *
 * <p>Bounds, so that a hostile member's searches cannot starve the tenant's history and logins: the query's shape
 * ({@link SearchTerms}), one search in flight per user (a second is refused {@code rate_limited}), one search of the
 * tenant at a time on its read connections ({@link SearchLine}), each given up by the store after
 * {@link SearchQuery#TIME_LIMIT}; a search is one of the socket's reads, dropped if it disconnects while it waits.
 */
final class MessageSearch {
    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = SearchQuery.MAX_LIMIT;

    private final Supplier<MessageStore> store;
    /** The rooms the server remembers for a user: read with the socket's tracked reads. */
    private final Function<Socket, CompletableFuture<List<RoomTopic>>> remembered;
    /** The socket's reads, cancelled when it disconnects. */
    private final Function<Socket, SocketWork> work;
    /** The user a socket is. */
    private final Function<Socket, String> user;
    /** Whether a name is one a user of the tenant may have: {@code from}'s check. */
    private final Predicate<String> userName;

    private final SearchLine line = new SearchLine();
    /** Users with a search in flight on this node. */
    private final Set<String> searching = ConcurrentHashMap.newKeySet();

    MessageSearch(
            Supplier<MessageStore> store,
            Function<Socket, CompletableFuture<List<RoomTopic>>> remembered,
            Function<Socket, SocketWork> work,
            Function<Socket, String> user,
            Predicate<String> userName) {
        this.store = store;
        this.remembered = remembered;
        this.work = work;
        this.user = user;
        this.userName = userName;
    }

    void search(Socket socket, List<JsonNode> args, Ack ack) {
        JsonNode payload = Payloads.object(args);
        String text = query(payload);
        Optional<String> room = optional(payload, "room", Payloads::namesRoom);
        Optional<String> from = optional(payload, "from", userName);
        Optional<SearchCursor> before = cursor(payload.get("before"));
        int limit = Payloads.limit(payload, DEFAULT_LIMIT, MAX_LIMIT);
        room.ifPresent(Payloads::refuseSocketId);
        String searcher = user.apply(socket);
        if (!searching.add(searcher)) {
            throw new Acks.Refusal(RATE_LIMITED, "slow down");
        }
        // from here every failure, even one thrown at once, ends in the answer below, which frees the user's search
        CompletableFuture<SearchPage> search = CompletableFuture.completedFuture(socket)
                .thenCompose(remembered)
                .thenCompose(mine -> {
                    Set<String> rooms = new HashSet<>();
                    mine.forEach(kept -> rooms.add(kept.room()));
                    socket.rooms().stream()
                            .filter(name -> !name.equals(socket.id())) // its own, for its private events
                            .limit(SearchQuery.MAX_ROOMS)
                            .forEach(rooms::add);
                    SearchQuery query = new SearchQuery(
                            rooms.stream().limit(SearchQuery.MAX_ROOMS).collect(Collectors.toSet()),
                            text,
                            from,
                            room,
                            limit,
                            before);
                    return work.apply(socket).read(line.submit(() -> store.get().search(query)));
                });
        search.whenComplete((page, error) -> {
            searching.remove(searcher);
            if (error == null) {
                ack.send(answer(page));
            } else if (cause(error) instanceof SearchTimeoutException) {
                Acks.fail(ack, UNAVAILABLE, "search timed out");
            } else {
                Acks.fail(ack, UNAVAILABLE, "search unavailable");
            }
        });
    }

    private static Throwable cause(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String query(JsonNode payload) {
        JsonNode q = payload.get("q");
        if (q == null || !q.isTextual()) {
            throw new Acks.Refusal(BAD_REQUEST, "invalid q");
        }
        String text = q.asText();
        if (text.length() > SearchQuery.MAX_TEXT) {
            throw new Acks.Refusal(TOO_LARGE, "q over " + SearchQuery.MAX_TEXT + " characters");
        }
        try {
            SearchTerms.parse(text);
        } catch (SearchTerms.Refused e) {
            throw new Acks.Refusal(BAD_REQUEST, e.getMessage()); // one of its fixed texts
        }
        return text;
    }

    private static Optional<String> optional(JsonNode payload, String field, Predicate<String> valid) {
        JsonNode value = payload.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual() || !valid.test(value.asText())) {
            throw new Acks.Refusal(BAD_REQUEST, "invalid " + field);
        }
        return Optional.of(value.asText());
    }

    /**
     * The page's results that fit in {@link MessagePages#MAX_BYTES} (a result and its context together), newest first;
     * when some were cut, {@code next} starts after the last one kept.
     */
    private static ObjectNode answer(SearchPage page) {
        ObjectNode body = Acks.ok();
        List<SearchHit> hits = page.hits();
        MessagePages.Fit fit = MessagePages.first(hits, MessageSearch::result, MessagePages.MAX_BYTES);
        body.putArray("results").addAll(fit.json());
        Optional<SearchCursor> next = page.next();
        if (fit.cut()) {
            StoredMessage last = hits.get(fit.json().size() - 1).message();
            next = Optional.of(new SearchCursor(last.ts(), last.room(), last.seq())); // as the stores make theirs
        }
        next.ifPresent(cursor -> body.put("next", cursorText(cursor)));
        return body;
    }

    private static ObjectNode result(SearchHit hit) {
        ObjectNode result = MessageJson.of(hit.message());
        hit.previous().ifPresent(previous -> result.set("context", MessageJson.of(previous)));
        return result;
    }

    /** The opaque cursor a client hands back as {@code before}: base64url of "ts-millis:seq:room". */
    static String cursorText(SearchCursor cursor) {
        String plain = cursor.ts().toEpochMilli() + ":" + cursor.seq() + ":" + cursor.room();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    private static Optional<SearchCursor> cursor(JsonNode value) {
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        Acks.Refusal invalid = new Acks.Refusal(BAD_REQUEST, "invalid before");
        if (!value.isTextual() || value.asText().length() > 400) {
            throw invalid;
        }
        try {
            String plain = new String(Base64.getUrlDecoder().decode(value.asText()), StandardCharsets.UTF_8);
            String[] parts = plain.split(":", 3);
            if (parts.length != 3 || !Names.isRoomOrConversation(parts[2])) {
                throw invalid;
            }
            return Optional.of(new SearchCursor(
                    Instant.ofEpochMilli(Long.parseLong(parts[0])), parts[2], Long.parseLong(parts[1])));
        } catch (IllegalArgumentException | DateTimeException e) {
            throw invalid;
        }
    }
}
