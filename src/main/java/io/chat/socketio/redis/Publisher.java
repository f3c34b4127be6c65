package io.chat.socketio.redis;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The publishing connection's only user: callers put a PUBLISH (or a query) in a bounded queue and go on; one thread
 * encodes what is queued and hands it to Lettuce (whose I/O thread writes it). A caller's cost is one queue offer.
 *
 * <p>Backpressure policy: the queue holds at most {@code maxPending} commands and at most {@code maxPending} are sent
 * and not yet answered; when the queue is full a new publish is <b>dropped</b> and counted, never waited for (a caller
 * of {@code broadcast} is a client's connection thread). A publish while Redis is down fails at once (the connection
 * rejects commands while it reconnects) and is counted as failed: broadcasts between servers are at-most-once, as with
 * the official adapter. A hung Redis is bounded by the commands' timeout.
 */
final class Publisher implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(Publisher.class.getName());
    private static final int BATCH = 256;

    @FunctionalInterface
    private interface Action {
        void run(RedisAsyncCommands<byte[], byte[]> commands) throws InterruptedException;
    }

    private final StatefulRedisConnection<byte[], byte[]> connection;
    private final ArrayBlockingQueue<Action> queue;
    private final Semaphore unanswered;
    private final LongAdder published = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final Thread thread;

    Publisher(StatefulRedisConnection<byte[], byte[]> connection, int maxPending) {
        this.connection = connection;
        this.queue = new ArrayBlockingQueue<>(maxPending);
        this.unanswered = new Semaphore(maxPending);
        this.thread =
                Thread.ofPlatform().name("redis-adapter-publisher").daemon().start(this::run);
    }

    /** Queues a PUBLISH of what {@code message} encodes (on the publisher's thread); never waits. */
    void publish(String channel, Supplier<byte[]> message) {
        if (!queue.offer(commands -> send(commands, channel, message))) {
            dropped.increment();
        }
    }

    /** Queues a query; its future fails at once when the queue is full. */
    <T> CompletableFuture<T> call(Function<RedisAsyncCommands<byte[], byte[]>, RedisFuture<T>> query) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Action action = commands -> query.apply(commands).whenComplete((value, error) -> {
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(value);
            }
        });
        if (!queue.offer(action)) {
            result.completeExceptionally(new RejectedExecutionException("too many Redis commands pending"));
        }
        return result;
    }

    private void send(RedisAsyncCommands<byte[], byte[]> commands, String channel, Supplier<byte[]> message)
            throws InterruptedException {
        byte[] bytes = message.get();
        unanswered.acquire();
        commands.publish(channel.getBytes(StandardCharsets.UTF_8), bytes).whenComplete((receivers, error) -> {
            unanswered.release();
            (error == null ? published : failed).increment();
        });
    }

    private void run() {
        RedisAsyncCommands<byte[], byte[]> commands = connection.async();
        List<Action> batch = new ArrayList<>(BATCH);
        try {
            while (true) {
                batch.add(queue.take());
                queue.drainTo(batch, BATCH - 1);
                for (Action action : batch) {
                    try {
                        action.run(commands);
                    } catch (RuntimeException e) {
                        failed.increment();
                        LOGGER.log(System.Logger.Level.WARNING, "a Redis command could not be sent", e);
                    }
                }
                batch.clear();
            }
        } catch (InterruptedException e) {
            // closing
        }
    }

    long published() {
        return published.sum();
    }

    long dropped() {
        return dropped.sum();
    }

    long failed() {
        return failed.sum();
    }

    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
