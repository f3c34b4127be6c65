package io.chat.cluster;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Shares a cluster-wide fetch among the callers that ask for the same key while one is under way: at most one fetch
 * per key runs at a time, and the callers that come meanwhile share the next, which starts when it ends. So every
 * answer was asked for after its caller called (what a caller did before calling, e.g. its socket entering the room,
 * is in it), and a burst of callers costs two fetches where it cost one each: a reconnect storm into one room of a
 * thousand, each join asking every node for the room's sockets, made the whole cluster serialize a million snapshots.
 * A caller may wait for the fetch under way and then its own: twice the requests timeout at worst.
 */
final class SharedFetches<K, V> {
    private final Function<K, CompletableFuture<V>> fetch;
    /** The keys with a fetch under way, each to the answer its next callers share (null: none has come yet). */
    private final Map<K, CompletableFuture<V>> underWay = new HashMap<>();

    SharedFetches(Function<K, CompletableFuture<V>> fetch) {
        this.fetch = fetch;
    }

    /** The answer of a fetch of {@code key} started no earlier than this call. */
    CompletableFuture<V> get(K key) {
        CompletableFuture<V> answer;
        synchronized (underWay) {
            if (underWay.containsKey(key)) {
                return underWay.computeIfAbsent(key, k -> new CompletableFuture<>());
            }
            answer = new CompletableFuture<>();
            underWay.put(key, null);
        }
        start(key, answer);
        return answer;
    }

    /** The keys with a fetch under way (for tests: none once every fetch ended). */
    int underWay() {
        synchronized (underWay) {
            return underWay.size();
        }
    }

    private void start(K key, CompletableFuture<V> answer) {
        CompletableFuture<V> fetched;
        try {
            fetched = fetch.apply(key);
        } catch (RuntimeException e) {
            fetched = CompletableFuture.failedFuture(e);
        }
        fetched.whenComplete((value, error) -> {
            CompletableFuture<V> next;
            synchronized (underWay) {
                next = underWay.remove(key);
                if (next != null) {
                    underWay.put(key, null); // the next fetch is under way from here, and its callers wait for one more
                }
            }
            if (error == null) {
                answer.complete(value);
            } else {
                answer.completeExceptionally(error);
            }
            if (next != null) {
                start(key, next);
            }
        });
    }
}
