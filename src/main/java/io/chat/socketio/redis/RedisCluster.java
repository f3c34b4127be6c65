package io.chat.socketio.redis;

import io.chat.socketio.Adapter;
import io.chat.socketio.Namespace;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One server's membership in a Socket.IO cluster on Redis: a random uid, one connection that subscribes (exactly one,
 * because the other servers count servers by the subscribers of a request channel), one for every PUBLISH
 * (broadcasts, requests and answers, pipelined by {@link Publisher}) and one for scripts and {@code PUBSUB}, the
 * namespaces' adapters, and one thread that handles what arrives, in Redis's order.
 *
 * <p>What arrives is bounded before it is queued: a message larger than {@code maxInboundBytes.message}, or one that
 * would make the waiting ones hold more than {@code maxInboundBytes.waiting} bytes or {@code maxInboundMessages}
 * messages, is dropped and counted; one that does not decode is ignored and counted ({@link ClusterStats}). Either
 * way the inbox thread goes on.
 *
 * <p>Every subscription is exact ({@code SUBSCRIBE}, no pattern: Redis walks every pattern of the server at each
 * PUBLISH, see docs/cluster-capacity.md): per namespace its broadcast, request and response channels, plus one channel
 * per room that has a socket of this server ({@code key#nsp#room#}, socket id rooms included). The channels of a
 * server are thus bounded by 4 per namespace plus the rooms of its sockets.
 *
 * <p>Lettuce reconnects the connections by itself (10 ms, doubling up to {@code reconnectDelayMax}) and subscribes
 * the channels again. While Redis is down, local delivery goes on, publishes fail at once and are
 * counted, and cluster requests fail or time out.
 */
public final class RedisCluster implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(RedisCluster.class.getName());

    /** {@link #scriptsSentWhole}. */
    private final AtomicLong scriptsSentWhole = new AtomicLong();

    private final RedisAdapterConfig config;
    private final String uid = Requester.newId();
    private final ClientResources resources;
    private final RedisClient publishingClient;
    private final RedisClient subscribingClient;
    private final StatefulRedisConnection<byte[], byte[]> commands;
    private final StatefulRedisConnection<byte[], byte[]> broadcasting;
    private final StatefulRedisPubSubConnection<byte[], byte[]> subscribing;
    private final Publisher publisher;
    private final ThreadPoolExecutor inbox;
    private final ScheduledThreadPoolExecutor timers;
    /** The adapter of each namespace, by its broadcast channel. */
    private final ConcurrentHashMap<String, RedisAdapter> adapters = new ConcurrentHashMap<>();
    /** Every channel subscribed, to the adapter it is for: namespaces' own channels and rooms' channels. */
    private final ConcurrentHashMap<String, RedisAdapter> byChannel = new ConcurrentHashMap<>();

    private final LongAdder received = new LongAdder();
    private final LongAdder receivedDropped = new LongAdder();
    private final LongAdder receivedOversized = new LongAdder();
    private final LongAdder receivedMalformed = new LongAdder();
    /** The bytes of the messages received and not handled yet. */
    private final AtomicLong waitingBytes = new AtomicLong();

    private final AtomicBoolean closed = new AtomicBoolean();
    /** The SHA-1 of each script run here, for {@code EVALSHA}. */
    private final ConcurrentHashMap<String, String> scriptShas = new ConcurrentHashMap<>();

    private RedisCluster(RedisAdapterConfig config) {
        this.config = config;
        this.resources = ClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(1)
                .reconnectDelay(
                        Delay.exponential(Duration.ofMillis(10), config.reconnectDelayMax(), 2, TimeUnit.MILLISECONDS))
                .build();
        RedisURI uri = RedisURI.create(config.redisUri());
        this.publishingClient = RedisClient.create(resources, uri);
        // publishes fail fast while reconnecting instead of piling up in Lettuce's buffer
        publishingClient.setOptions(options(
                ClientOptions.DisconnectedBehavior.REJECT_COMMANDS, TimeoutOptions.enabled(config.requestsTimeout())));
        this.subscribingClient = RedisClient.create(resources, uri);
        // a namespace created while Redis is down subscribes once it is back, however long that takes
        subscribingClient.setOptions(options(
                ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS,
                TimeoutOptions.builder().timeoutCommands(false).build()));
        this.timers = new ScheduledThreadPoolExecutor(
                1, Thread.ofPlatform().name("redis-adapter-timer").daemon().factory());
        timers.setRemoveOnCancelPolicy(true);
        this.inbox = new ThreadPoolExecutor(
                1,
                1,
                0,
                TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(config.maxInboundMessages()),
                Thread.ofPlatform().name("redis-adapter-inbox").daemon().factory(),
                (task, executor) -> {
                    receivedDropped.increment();
                    waitingBytes.addAndGet(-((Inbound) task).size());
                });
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            this.commands = opened(opened, publishingClient.connect(ByteArrayCodec.INSTANCE));
            this.broadcasting = opened(opened, publishingClient.connect(ByteArrayCodec.INSTANCE));
            this.subscribing = opened(opened, subscribingClient.connectPubSub(ByteArrayCodec.INSTANCE));
        } catch (RuntimeException e) {
            for (AutoCloseable connection : opened) {
                closeQuietly(connection);
            }
            shutdownResources();
            throw e;
        }
        this.publisher = new Publisher(
                broadcasting,
                config.maxPendingPublishes(),
                config.maxInboundBytes().message());
        subscribing.addListener(new Listener());
    }

    private static <C extends AutoCloseable> C opened(List<AutoCloseable> opened, C connection) {
        opened.add(connection);
        return connection;
    }

    private static void closeQuietly(AutoCloseable connection) {
        try {
            connection.close();
        } catch (Exception e) {
            LOGGER.log(System.Logger.Level.DEBUG, "closing a Redis connection failed", e);
        }
    }

    private static ClientOptions options(
            ClientOptions.DisconnectedBehavior whileDisconnected, TimeoutOptions timeouts) {
        return ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(whileDisconnected)
                .timeoutOptions(timeouts)
                .build();
    }

    /** Connects to Redis; fails when it cannot be reached now (later outages are recovered from by itself). */
    public static RedisCluster connect(RedisAdapterConfig config) {
        return new RedisCluster(config);
    }

    /** For {@code SocketIoServer.adapter(...)}: every namespace of the server joins the cluster. */
    public Function<Namespace, Adapter> adapterFactory() {
        return namespace -> new RedisAdapter(namespace, this);
    }

    /** The cluster operations of a namespace of a server whose adapter factory is this cluster's. */
    public static RedisAdapter of(Namespace namespace) {
        if (namespace.adapter() instanceof RedisAdapter adapter) {
            return adapter;
        }
        throw new IllegalArgumentException(namespace + " has no Redis adapter");
    }

    /** This server's id in the cluster (the {@code uid} of its messages). */
    public String uid() {
        return uid;
    }

    public ClusterStats stats() {
        return new ClusterStats(
                publisher.published(),
                publisher.dropped(),
                publisher.failed(),
                received.sum(),
                receivedDropped.sum(),
                receivedOversized.sum(),
                receivedMalformed.sum());
    }

    /** Whether every connection is up now. */
    public boolean connected() {
        return commands.isOpen() && broadcasting.isOpen() && subscribing.isOpen();
    }

    RedisAdapterConfig config() {
        return config;
    }

    ScheduledThreadPoolExecutor timers() {
        return timers;
    }

    /** Publishes what {@code message} encodes; it is encoded later, on the publisher's thread. */
    void publish(String channel, Supplier<byte[]> message) {
        publisher.publish(channel, message);
    }

    /** {@code PUBSUB NUMSUB} of the channel: how many servers (subscribed connections) listen to it. */
    CompletableFuture<Integer> subscribers(String channel) {
        try {
            return commands.async()
                    .pubsubNumsub(channel.getBytes(StandardCharsets.UTF_8))
                    .toCompletableFuture()
                    .thenApply(counts ->
                            counts.values().stream().mapToInt(Long::intValue).sum());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Runs a Lua script on the command connection, with no keys declared (for one Redis, not a Redis Cluster) and
     * {@code args} as ARGV; its integer answer. Never waits: fails at once while Redis is down, and past the requests
     * timeout when it does not answer.
     */
    public CompletableFuture<Long> evalInteger(String script, String... args) {
        return eval(script, ScriptOutputType.INTEGER, args).thenApply(Long.class::cast);
    }

    /**
     * How many script calls were sent whole again because Redis no longer knew the script (restarted, flushed): a call
     * made meanwhile by its SHA-1 may have run before such a one, made earlier.
     */
    public long scriptsSentWhole() {
        return scriptsSentWhole.get();
    }

    /** As {@link #evalInteger}, for a script answering an array of strings. */
    public CompletableFuture<List<String>> evalStrings(String script, String... args) {
        return eval(script, ScriptOutputType.MULTI, args).thenApply(answer -> ((List<?>) answer)
                .stream()
                        .map(item -> new String((byte[]) item, StandardCharsets.UTF_8))
                        .toList());
    }

    /**
     * By its SHA-1 ({@code EVALSHA}): a script's body crosses the wire once, not with every call (a 1 KiB body made
     * 100,000 pipelined calls time out); sent whole ({@code EVAL}, which caches it) when Redis does not know it yet.
     */
    private CompletableFuture<Object> eval(String script, ScriptOutputType type, String... args) {
        byte[][] values = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            values[i] = bytes(args[i]);
        }
        byte[][] keys = new byte[0][];
        try {
            String sha = scriptShas.computeIfAbsent(script, RedisCluster::sha1);
            return commands.async()
                    .<Object>evalsha(sha, type, keys, values)
                    .toCompletableFuture()
                    .handle((answer, error) -> {
                        if (error == null) {
                            return CompletableFuture.completedFuture(answer);
                        }
                        if (!isNoScript(error)) {
                            return CompletableFuture.<Object>failedFuture(error);
                        }
                        scriptsSentWhole.incrementAndGet();
                        return commands.async()
                                .<Object>eval(bytes(script), type, keys, values)
                                .toCompletableFuture();
                    })
                    .thenCompose(answer -> answer);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static boolean isNoScript(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause.getMessage() != null && cause.getMessage().startsWith("NOSCRIPT");
    }

    private static String sha1(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes(script)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Subscribes the namespace's own channels: its broadcasts to several rooms or to all ({@code key#nsp#}), its
     * requests and responses. Its room channels are subscribed one by one ({@link #subscribe}).
     */
    void join(RedisAdapter adapter, Channels channels) {
        adapters.put(channels.broadcast(), adapter);
        List<String> exact =
                List.of(channels.broadcast(), channels.request(), channels.response(), channels.specificResponse());
        exact.forEach(channel -> byChannel.put(channel, adapter));
        subscribing.async().subscribe(exact.stream().map(RedisCluster::bytes).toArray(byte[][]::new));
    }

    /**
     * Unsubscribes the namespace and the room channels it still holds, unless a namespace of the same name took its
     * place meanwhile (its subscriptions, the same ones, stay).
     */
    void leave(RedisAdapter adapter, Channels channels, Collection<String> roomChannels) {
        if (closed.get() || !adapters.remove(channels.broadcast(), adapter)) {
            return;
        }
        List<String> exact = new ArrayList<>(
                List.of(channels.broadcast(), channels.request(), channels.response(), channels.specificResponse()));
        exact.addAll(roomChannels);
        exact.removeIf(channel -> !byChannel.remove(channel, adapter));
        if (!exact.isEmpty()) {
            subscribing
                    .async()
                    .unsubscribe(exact.stream().map(RedisCluster::bytes).toArray(byte[][]::new));
        }
    }

    /**
     * Subscribes one room channel of {@code adapter}; completes once Redis confirmed it (from then on, every broadcast
     * published to it reaches this server), or past the requests timeout (Redis down: Lettuce subscribes it once Redis
     * is back, and local delivery must not wait for that). Never fails. The caller orders the subscribes and
     * unsubscribes of one channel.
     */
    CompletableFuture<Void> subscribe(RedisAdapter adapter, String channel) {
        byChannel.put(channel, adapter);
        CompletableFuture<Void> confirmed;
        try {
            confirmed = subscribing.async().subscribe(bytes(channel)).toCompletableFuture();
        } catch (RuntimeException e) {
            LOGGER.log(System.Logger.Level.DEBUG, "subscribing a room channel failed", e);
            confirmed = CompletableFuture.completedFuture(null);
        }
        return confirmed
                .handle((done, error) -> (Void) null)
                .completeOnTimeout(null, config.requestsTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Unsubscribes one room channel of {@code adapter} (the last local socket left the room). */
    void unsubscribe(RedisAdapter adapter, String channel) {
        if (!closed.get() && byChannel.remove(channel, adapter)) {
            try {
                subscribing.async().unsubscribe(bytes(channel));
            } catch (RuntimeException e) {
                LOGGER.log(System.Logger.Level.DEBUG, "unsubscribing a room channel failed", e);
            }
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Leaves the cluster: every namespace's pending request fails, the connections close. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (RedisAdapter adapter : List.copyOf(adapters.values())) {
            adapter.closed();
        }
        adapters.clear();
        byChannel.clear();
        inbox.shutdownNow();
        timers.shutdownNow();
        publisher.close();
        closeQuietly(subscribing);
        closeQuietly(broadcasting);
        closeQuietly(commands);
        shutdownResources();
    }

    private void shutdownResources() {
        publishingClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        subscribingClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }

    /** Queues a message of {@code size} bytes for the inbox thread, unless it is too large or too much waits. */
    private void handle(int size, Runnable task) {
        received.increment();
        RedisAdapterConfig.InboundBytes bounds = config.maxInboundBytes();
        if (size > bounds.message()) {
            receivedOversized.increment();
            receivedDropped.increment();
            LOGGER.log(System.Logger.Level.DEBUG, "a message from Redis larger than the bound dropped");
            return;
        }
        if (waitingBytes.addAndGet(size) > bounds.waiting()) {
            waitingBytes.addAndGet(-size);
            receivedDropped.increment();
            return;
        }
        inbox.execute(new Inbound(size, task));
    }

    /** A message waiting for the inbox thread; its bytes count as waiting until it has been handled. */
    private final class Inbound implements Runnable {
        private final int size;
        private final Runnable task;

        Inbound(int size, Runnable task) {
            this.size = size;
            this.task = task;
        }

        int size() {
            return size;
        }

        @Override
        public void run() {
            try {
                task.run();
            } catch (MsgPack.MalformedException e) {
                receivedMalformed.increment();
                LOGGER.log(System.Logger.Level.DEBUG, "malformed message from Redis ignored");
            } catch (RuntimeException e) {
                LOGGER.log(System.Logger.Level.WARNING, "handling a message from Redis failed", e);
            } finally {
                waitingBytes.addAndGet(-size);
            }
        }
    }

    /** Runs on Lettuce's I/O thread: only hands the message over. */
    private final class Listener extends RedisPubSubAdapter<byte[], byte[]> {
        @Override
        public void message(byte[] channel, byte[] message) {
            String name = new String(channel, StandardCharsets.UTF_8);
            RedisAdapter adapter = byChannel.get(name);
            if (adapter != null && adapter.isOwnBroadcast(name, message)) {
                // Redis sends every broadcast back to its sender, as to any server following the room: dropped
                // here, the inbox thread is not woken for it (one per message this server publishes)
                received.increment();
                return;
            }
            handle(message.length, () -> Optional.ofNullable(byChannel.get(name))
                    .ifPresent(receiver -> receiver.onMessage(name, message)));
        }
    }
}
