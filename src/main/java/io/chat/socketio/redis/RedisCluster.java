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
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One server's membership in a Socket.IO cluster on Redis: a random uid, one connection that publishes and one that
 * subscribes (exactly one, because the other servers count servers by the subscribers of a request channel), the
 * namespaces' adapters, and one thread that handles what arrives, in Redis's order.
 *
 * <p>Lettuce reconnects both connections by itself (10 ms, doubling up to {@code reconnectDelayMax}) and subscribes
 * the channels and patterns again. While Redis is down, local delivery goes on, publishes fail at once and are
 * counted, and cluster requests fail or time out.
 */
public final class RedisCluster implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(RedisCluster.class.getName());

    private final RedisAdapterConfig config;
    private final String uid = Requester.newId();
    private final ClientResources resources;
    private final RedisClient publishingClient;
    private final RedisClient subscribingClient;
    private final StatefulRedisConnection<byte[], byte[]> publishing;
    private final StatefulRedisPubSubConnection<byte[], byte[]> subscribing;
    private final Publisher publisher;
    private final ThreadPoolExecutor inbox;
    private final ScheduledThreadPoolExecutor timers;
    private final ConcurrentHashMap<String, RedisAdapter> byPattern = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, RedisAdapter> byChannel = new ConcurrentHashMap<>();
    private final LongAdder received = new LongAdder();
    private final LongAdder receivedDropped = new LongAdder();
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
                (task, executor) -> receivedDropped.increment());
        StatefulRedisConnection<byte[], byte[]> pub = null;
        try {
            pub = publishingClient.connect(ByteArrayCodec.INSTANCE);
            this.publishing = pub;
            this.subscribing = subscribingClient.connectPubSub(ByteArrayCodec.INSTANCE);
        } catch (RuntimeException e) {
            if (pub != null) {
                pub.close();
            }
            shutdownResources();
            throw e;
        }
        this.publisher = new Publisher(publishing, config.maxPendingPublishes());
        subscribing.addListener(new Listener());
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
                publisher.published(), publisher.dropped(), publisher.failed(), received.sum(), receivedDropped.sum());
    }

    /** Whether both connections are up now. */
    public boolean connected() {
        return publishing.isOpen() && subscribing.isOpen();
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
            return publishing
                    .async()
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
            return publishing
                    .async()
                    .<Object>evalsha(sha, type, keys, values)
                    .toCompletableFuture()
                    .handle((answer, error) -> error == null
                            ? CompletableFuture.completedFuture(answer)
                            : isNoScript(error)
                                    ? publishing
                                            .async()
                                            .<Object>eval(bytes(script), type, keys, values)
                                            .toCompletableFuture()
                                    : CompletableFuture.<Object>failedFuture(error))
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

    void join(RedisAdapter adapter, Channels channels) {
        byPattern.put(channels.broadcastPattern(), adapter);
        List<String> exact = List.of(channels.request(), channels.response(), channels.specificResponse());
        exact.forEach(channel -> byChannel.put(channel, adapter));
        subscribing.async().psubscribe(bytes(channels.broadcastPattern()));
        subscribing.async().subscribe(exact.stream().map(RedisCluster::bytes).toArray(byte[][]::new));
    }

    /**
     * Unsubscribes the namespace, unless a namespace of the same name took its place meanwhile (its subscriptions,
     * the same ones, stay).
     */
    void leave(RedisAdapter adapter, Channels channels) {
        if (closed.get() || !byPattern.remove(channels.broadcastPattern(), adapter)) {
            return;
        }
        List<String> exact = List.of(channels.request(), channels.response(), channels.specificResponse());
        exact.forEach(channel -> byChannel.remove(channel, adapter));
        subscribing.async().punsubscribe(bytes(channels.broadcastPattern()));
        subscribing.async().unsubscribe(exact.stream().map(RedisCluster::bytes).toArray(byte[][]::new));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Leaves the cluster: every namespace's pending request fails, both connections close. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (RedisAdapter adapter : List.copyOf(byPattern.values())) {
            adapter.closed();
        }
        byPattern.clear();
        byChannel.clear();
        inbox.shutdownNow();
        timers.shutdownNow();
        publisher.close();
        try {
            subscribing.close();
            publishing.close();
        } catch (RuntimeException e) {
            LOGGER.log(System.Logger.Level.DEBUG, "closing the Redis connections failed", e);
        }
        shutdownResources();
    }

    private void shutdownResources() {
        publishingClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        subscribingClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }

    private void handle(Runnable task) {
        received.increment();
        inbox.execute(() -> {
            try {
                task.run();
            } catch (MsgPack.MalformedException e) {
                LOGGER.log(System.Logger.Level.DEBUG, "malformed message from Redis ignored");
            } catch (RuntimeException e) {
                LOGGER.log(System.Logger.Level.WARNING, "handling a message from Redis failed", e);
            }
        });
    }

    /** Runs on Lettuce's I/O thread: only hands the message over. */
    private final class Listener extends RedisPubSubAdapter<byte[], byte[]> {
        @Override
        public void message(byte[] channel, byte[] message) {
            handle(() -> {
                String name = new String(channel, StandardCharsets.UTF_8);
                Optional.ofNullable(byChannel.get(name)).ifPresent(adapter -> adapter.onMessage(name, message));
            });
        }

        @Override
        public void message(byte[] pattern, byte[] channel, byte[] message) {
            handle(() -> {
                RedisAdapter adapter = byPattern.get(new String(pattern, StandardCharsets.UTF_8));
                if (adapter != null) {
                    adapter.onBroadcast(new String(channel, StandardCharsets.UTF_8), message);
                }
            });
        }
    }
}
