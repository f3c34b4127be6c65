package io.chat.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import io.chat.socketio.engine.ByteBudget;
import io.chat.socketio.engine.EngineServer;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A Socket.IO v5 server over an Engine.IO v4 endpoint. Namespaces are created with {@link #of}, removed with
 * {@link #removeNamespace}, or created on demand at CONNECT by {@link #dynamicNamespaces}; all of it while
 * running. There is no parent-namespace fan-out: an emit reaches one namespace only.
 */
public final class SocketIoServer {

    private final SocketIoConfig config;
    private final EngineServer engine;
    private final ConcurrentHashMap<String, Namespace> namespaces = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor scheduler;
    /** What the binary packets waiting for their attachments hold, all connections together. */
    private final ByteBudget attachmentBytes =
            ByteBudget.forHeap(Runtime.getRuntime().maxMemory());

    private volatile BiPredicate<String, Optional<JsonNode>> dynamicMatcher = (name, auth) -> false;
    private volatile Consumer<Namespace> dynamicSetup = namespace -> {};
    private volatile Function<Namespace, Adapter> adapterFactory = InMemoryAdapter::new;

    private SocketIoServer(SocketIoConfig config) {
        this.config = config;
        this.scheduler = new ScheduledThreadPoolExecutor(
                1, Thread.ofPlatform().name("socket.io-timer").daemon().factory());
        this.scheduler.setRemoveOnCancelPolicy(true);
        this.engine = EngineServer.create(config.engine(), session -> new Client(this, session));
    }

    public static SocketIoServer create(SocketIoConfig config) {
        return new SocketIoServer(config);
    }

    public SocketIoConfig config() {
        return config;
    }

    /** The Engine.IO endpoint, for registering routes and the WebSocket upgrade with Helidon. */
    public EngineServer engine() {
        return engine;
    }

    /**
     * Sets how each namespace created from now on gets its {@link Adapter} (socket.io's {@code io.adapter(...)}); by
     * default an {@link InMemoryAdapter}. Set it before the first namespace; the factory gets a namespace still
     * being built, to keep, not to call yet.
     */
    public SocketIoServer adapter(Function<Namespace, Adapter> factory) {
        this.adapterFactory = Objects.requireNonNull(factory, "factory");
        return this;
    }

    /** The namespace of that name, created if needed. Names start with {@code /}. */
    public Namespace of(String name) {
        if (!name.startsWith("/")) {
            throw new IllegalArgumentException("a namespace name starts with '/': " + name);
        }
        return namespaces.computeIfAbsent(name, n -> new Namespace(n, this));
    }

    public Optional<Namespace> namespace(String name) {
        return Optional.ofNullable(namespaces.get(name));
    }

    public Collection<Namespace> namespaces() {
        return List.copyOf(namespaces.values());
    }

    /** Removes a namespace: its sockets are disconnected and new connections to it are refused. */
    public void removeNamespace(String name) {
        Namespace removed = namespaces.remove(name);
        if (removed != null) {
            removed.remove();
            removed.adapter().close();
        }
    }

    /**
     * Creates namespaces on demand: a CONNECT to an unknown name that {@code matcher} accepts (given the
     * handshake auth) creates it and runs {@code setup} on it first.
     */
    public void dynamicNamespaces(BiPredicate<String, Optional<JsonNode>> matcher, Consumer<Namespace> setup) {
        this.dynamicSetup = setup;
        this.dynamicMatcher = matcher;
    }

    /**
     * Loads what the first connection needs (the JSON mapper and its few hundred classes, the packet codec), so
     * that the first client's CONNECT is not answered a few hundred milliseconds late, after a ping.
     */
    public void warmUp() {
        Packet connect = PacketCodec.decode("0/warm-up,{\"token\":\"x\",\"n\":[1,2.5,true,null]}");
        PacketCodec.encode(
                PacketType.CONNECT_ERROR, connect.namespace(), java.util.OptionalLong.empty(), connect.data());
        Packet event = PacketCodec.decode("2/warm-up,1[\"event\",{\"text\":\"\u00e9\ud83d\ude00\"}]");
        PacketCodec.encode(PacketType.EVENT, event.namespace(), event.ackId(), event.data());
        PacketCodec.encode(
                PacketType.ACK,
                "/",
                java.util.OptionalLong.of(1),
                Optional.of(Json.NODES.arrayNode().add(Json.NODES.binaryNode(new byte[] {1}))));
    }

    /** Closes every connection. */
    public void shutdown() {
        engine.shutdown();
        scheduler.shutdownNow();
    }

    Optional<Namespace> resolve(String name, Optional<JsonNode> auth) {
        Namespace existing = namespaces.get(name);
        if (existing != null) {
            return Optional.of(existing);
        }
        if (!dynamicMatcher.test(name, auth)) {
            return Optional.empty();
        }
        Consumer<Namespace> setup = dynamicSetup;
        return Optional.of(namespaces.computeIfAbsent(name, n -> {
            Namespace created = new Namespace(n, this);
            setup.accept(created);
            return created;
        }));
    }

    Adapter newAdapter(Namespace namespace) {
        return adapterFactory.apply(namespace);
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    ByteBudget attachmentBytes() {
        return attachmentBytes;
    }

    /** Connections closed because the binary packets of all waited for more attachments than the server holds. */
    public long attachmentBudgetRefusals() {
        return attachmentBytes.refusals();
    }
}
