package io.chat.socketio.redis;

import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The broadcasting connection's only user: callers put a PUBLISH in a bounded queue and go on; one thread encodes what
 * is queued and hands it to Lettuce (whose I/O thread writes it). A caller's cost is one queue offer.
 *
 * <p>The connection does not flush each command: what one pass of the thread took from the queue goes to Redis in one
 * write (Lettuce's pipelining, {@code setAutoFlushCommands(false)}), and Redis answers it in one. Flushed per command,
 * every PUBLISH was a write system call on this node and a read and a write on Redis's side (10,000 messages a
 * second, 10,000 of each), on the core they share with the sockets.
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

    private record Outgoing(String channel, Supplier<byte[]> message) {}

    private final StatefulRedisConnection<byte[], byte[]> connection;
    private final ArrayBlockingQueue<Outgoing> queue;
    private final Semaphore unanswered;
    private final LongAdder published = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final Thread thread;
    private final int maxMessageBytes;
    /** When an oversized message was last logged (nanoTime): at most one line a minute. */
    private long oversizedLogged = System.nanoTime() - OVERSIZED_LOG_NANOS;

    private static final long OVERSIZED_LOG_NANOS = 60_000_000_000L;

    /**
     * {@code connection} is the publisher's alone: it stops flushing each command (see above). A message larger than
     * {@code maxMessageBytes} is not published (counted as dropped): no node accepts one (the same bound inbound), and
     * one past Redis's output limit for subscribers (32 MB by default) made Redis cut every node's subscription.
     */
    Publisher(StatefulRedisConnection<byte[], byte[]> connection, int maxPending, int maxMessageBytes) {
        this.connection = connection;
        this.maxMessageBytes = maxMessageBytes;
        connection.setAutoFlushCommands(false);
        this.queue = new ArrayBlockingQueue<>(maxPending);
        this.unanswered = new Semaphore(maxPending);
        this.thread =
                Thread.ofPlatform().name("redis-adapter-publisher").daemon().start(this::run);
    }

    /** Queues a PUBLISH of what {@code message} encodes (on the publisher's thread); never waits. */
    void publish(String channel, Supplier<byte[]> message) {
        if (!queue.offer(new Outgoing(channel, message))) {
            dropped.increment();
        }
    }

    private void send(RedisAsyncCommands<byte[], byte[]> commands, Outgoing outgoing) throws InterruptedException {
        byte[] bytes = outgoing.message().get();
        if (bytes.length > maxMessageBytes) {
            dropped.increment();
            long now = System.nanoTime();
            if (now - oversizedLogged >= OVERSIZED_LOG_NANOS) {
                oversizedLogged = now;
                LOGGER.log(
                        System.Logger.Level.WARNING,
                        "event=redis_publish outcome=dropped bytes=" + bytes.length + " limit=" + maxMessageBytes);
            }
            return;
        }
        if (!unanswered.tryAcquire()) {
            // what waits unflushed is what would release a permit: send it before waiting
            connection.flushCommands();
            unanswered.acquire();
        }
        try {
            commands.publish(outgoing.channel().getBytes(StandardCharsets.UTF_8), bytes)
                    .whenComplete((receivers, error) -> {
                        unanswered.release();
                        (error == null ? published : failed).increment();
                    });
        } catch (RuntimeException e) {
            unanswered.release(); // not sent: no answer will release it
            throw e;
        }
    }

    private void run() {
        RedisAsyncCommands<byte[], byte[]> commands = connection.async();
        List<Outgoing> batch = new ArrayList<>(BATCH);
        try {
            while (true) {
                batch.add(queue.take());
                queue.drainTo(batch, BATCH - 1);
                for (Outgoing outgoing : batch) {
                    try {
                        send(commands, outgoing);
                    } catch (RuntimeException e) {
                        failed.increment();
                        LOGGER.log(System.Logger.Level.WARNING, "a Redis command could not be sent", e);
                    }
                }
                connection.flushCommands();
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
