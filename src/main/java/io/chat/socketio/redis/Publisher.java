package io.chat.socketio.redis;

import io.lettuce.core.api.async.RedisAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;

/**
 * PUBLISH without waiting: the command is handed to Lettuce's connection and its answer counted when it comes. At most
 * {@code maxPending} publishes are in flight; past that a new one is dropped (never queued, never waited for) and
 * counted, so that a slow or lost Redis costs neither the callers' threads nor unbounded memory. A publish while Redis
 * is down fails at once (the connection rejects commands while it reconnects) and is counted as failed: broadcasts are
 * at-most-once across servers, as with the official adapter.
 */
final class Publisher {
    private final RedisAsyncCommands<byte[], byte[]> commands;
    private final Semaphore pending;
    private final LongAdder published = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder failed = new LongAdder();

    Publisher(RedisAsyncCommands<byte[], byte[]> commands, int maxPending) {
        this.commands = commands;
        this.pending = new Semaphore(maxPending);
    }

    void publish(String channel, byte[] message) {
        if (!pending.tryAcquire()) {
            dropped.increment();
            return;
        }
        try {
            commands.publish(channel.getBytes(StandardCharsets.UTF_8), message).whenComplete((receivers, error) -> {
                pending.release();
                (error == null ? published : failed).increment();
            });
        } catch (RuntimeException e) {
            pending.release();
            failed.increment();
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
}
