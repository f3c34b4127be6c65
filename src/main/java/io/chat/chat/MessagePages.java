package io.chat.chat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chat.history.MessagePage;
import io.chat.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Every answer that carries stored entries is cut by bytes as well as by count: {@code room:join}'s messages (with
 * {@code since} or without), {@code history:fetch}, REST history (the {@code api} package's) and {@code search}'s
 * results. A page's count alone bounds nothing: a text of 4000 control characters is 24,000 bytes of JSON (each
 * is escaped as a backslash, {@code u} and four hex digits), reactions add up to 20 emojis × 50 names, so 500 entries of a catch-up were 12 MB, past the
 * engine's 4 MiB outbound queue, which closes the connection: one member's 200 such messages made every other
 * member's catch-up (sent at each reconnection) close its own connection, each time.
 *
 * <p>The entries of one answer are at most {@link #MAX_BYTES} of JSON as the client receives it (UTF-8, the commas
 * between them counted), measured exactly by writing each entry with the application's mapper, which writes as the
 * wire's does; at least one entry is always kept, whatever its size (none is near the bound). The entries kept are
 * the ones the page's order puts first, so that the client's next page continues where this one stopped, and the
 * answer says there is more ({@code hasMore}, a search's {@code next}).
 */
public final class MessagePages {
    /**
     * The entries' JSON in one answer: a quarter of the engine's 4 MiB outbound queue, so a page leaves room for what
     * is queued beside it (live messages, another room's page); at least 42 of the largest entries without reactions.
     */
    public static final int MAX_BYTES = 1 << 20;

    private MessagePages() {}

    /**
     * A page read forward from a seq ({@code room:join} with {@code since}): its oldest entries that fit, oldest first,
     * as {@code "messages"}, at most {@code budget} bytes of them, and {@code "hasMore"}, true when the store had more
     * or the page was cut (the client asks again with {@code since} = the last seq it got).
     */
    public static ObjectNode putOldest(ObjectNode body, MessagePage page, long budget) {
        Fit fit = first(page.messages(), MessageJson::of, budget);
        body.putArray("messages").addAll(fit.json());
        return body.put("hasMore", page.hasMore() || fit.cut());
    }

    /**
     * A page of the newest messages before a seq ({@code history:fetch}, REST history, a plain {@code room:join}): its
     * newest messages that fit in {@code budget} bytes, oldest first, as {@code "messages"}, and {@code "hasMore"}, true
     * when older ones exist
     * (those the store did not read, or those cut here: the client asks again with {@code before} = the oldest seq it
     * got).
     */
    public static ObjectNode putNewest(ObjectNode body, MessagePage page, long budget) {
        Fit fit = first(page.messages().reversed(), MessageJson::of, budget);
        body.putArray("messages").addAll(fit.json().reversed());
        return body.put("hasMore", page.hasMore() || fit.cut());
    }

    /**
     * The bytes of a page for a socket with {@code outboundRoom} bytes left before its connection's queue is full:
     * {@link #MAX_BYTES}, or half the room when that is less. A client that asks for many pages at once (the web client
     * catches up its rooms together when it reconnects) gets smaller ones rather than a connection closed for a full
     * queue, each page taking half of what the ones before left (one entry always goes, however small the room).
     */
    public static long budget(long outboundRoom) {
        return Math.min(MAX_BYTES, outboundRoom / 2);
    }

    /** The JSON of the first items, in their order, and whether some were left out. */
    record Fit(List<ObjectNode> json, boolean cut) {}

    /**
     * The JSON of the first {@code items} whose JSON together (as array elements: commas counted, brackets not) is at
     * most {@code budget} bytes; at least the first item's. Only the items kept, and one more, are written.
     */
    static <T> Fit first(List<T> items, Function<? super T, ObjectNode> json, long budget) {
        List<ObjectNode> kept = new ArrayList<>(Math.min(items.size(), 100));
        Counter counter = new Counter();
        try (JsonGenerator generator = Json.mapper().createGenerator(counter)) {
            generator.writeStartArray();
            generator.flush();
            long start = counter.bytes;
            for (T item : items) {
                ObjectNode node = json.apply(item);
                generator.writeTree(node);
                generator.flush();
                if (counter.bytes - start > budget && !kept.isEmpty()) {
                    return new Fit(kept, true);
                }
                kept.add(node);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a counter never fails; the mapper writes any tree
        }
        return new Fit(kept, false);
    }

    /** Counts what is written to it, keeps nothing. */
    private static final class Counter extends OutputStream {
        long bytes;

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }
    }
}
