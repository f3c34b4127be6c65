package io.chat;

import io.chat.socketio.SocketIoServer;
import io.chat.socketio.engine.EngineMount;
import io.chat.socketio.engine.EngineServer;
import io.helidon.common.socket.SocketOptions;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Starts Helidon around a Socket.IO server: its engines mounted ({@link EngineMount}), the routes, and our socket
 * options. The platform, the conformance server, the benchmark and the tests start through it alike.
 */
public final class Launch {
    private final SocketIoServer io;
    private int port;
    private int maxTcpConnections = -1;
    private List<EngineServer> engines;
    private Http1Config http1 = Http1Config.create();
    private UnaryOperator<ServerConnectionSelector> gate = UnaryOperator.identity();
    private Consumer<HttpRouting.Builder> routes = routing -> {};
    private Consumer<WebServerConfig.Builder> listeners = server -> {};
    private final List<AutoCloseable> resources = new ArrayList<>();

    private Launch(SocketIoServer io) {
        this.io = io;
        this.engines = List.of(io.engine());
    }

    /** A launch of {@code io} on its own engine, port 0 (any free one) until told otherwise. */
    public static Launch of(SocketIoServer io) {
        return new Launch(io);
    }

    public Launch port(int port) {
        this.port = port;
        return this;
    }

    /** Connections the public listener holds at once; -1 (the default) for no cap. */
    public Launch maxTcpConnections(int max) {
        this.maxTcpConnections = max;
        return this;
    }

    /** The Engine.IO endpoints to serve, when not only the Socket.IO server's own. */
    public Launch engines(List<EngineServer> engines) {
        this.engines = List.copyOf(engines);
        return this;
    }

    public Launch http1(Http1Config http1) {
        this.http1 = http1;
        return this;
    }

    /** Wraps the listener's connection selector, which is its only one. */
    public Launch gate(UnaryOperator<ServerConnectionSelector> gate) {
        this.gate = gate;
        return this;
    }

    public Launch routes(Consumer<HttpRouting.Builder> routes) {
        this.routes = routes;
        return this;
    }

    /** More of the server's configuration: other listeners, direct handlers. */
    public Launch listeners(Consumer<WebServerConfig.Builder> listeners) {
        this.listeners = listeners;
        return this;
    }

    /** Closed, in this order, after the server stopped. */
    public Launch closeAfter(List<AutoCloseable> resources) {
        this.resources.addAll(resources);
        return this;
    }

    /** The largest polling POST an engine takes, with room to answer one over it with the engine's own 413. */
    private long largestBody() {
        return engines.stream()
                        .mapToLong(engine -> engine.config().maxPayload())
                        .max()
                        .orElse(0)
                + 64 * 1024;
    }

    public Running start() {
        io.warmUp();
        EngineMount mount = EngineMount.create(http1, engines);
        HttpRouting.Builder routing = HttpRouting.builder();
        mount.routes(routing);
        routes.accept(routing);
        Main.hideErrors(routing);
        WebServerConfig.Builder builder = WebServer.builder()
                // our shutdown hook (Running.stop) tells clients first, then stops Helidon; Helidon's own hook would
                // stop it concurrently and cut the goodbyes off
                .shutdownHook(false)
                .host("0.0.0.0")
                .port(port)
                .maxTcpConnections(maxTcpConnections)
                // no request body past the largest message and a little: Helidon reads a chunk of a chunked body
                // whole, of any size it declares, before a handler sees it (the handlers refuse chunked bodies too)
                .maxPayloadSize(largestBody())
                // Helidon leaves Nagle on: an ack written right after a broadcast then waits for the peer's
                // delayed ACK (~40 ms at p99 in the benchmark's W2). Node's ws sets noDelay too.
                .connectionOptions(SocketOptions.builder().tcpNoDelay(true).build())
                // our selector alone: Helidon then hands it each connection as soon as it is accepted, where with
                // the discovered ones too it first waits for the client's first bytes, with no timeout (ConnectionGate)
                .protocolsDiscoverServices(false)
                .addConnectionSelector(gate.apply(mount.connectionSelector()))
                .addRouting(routing);
        listeners.accept(builder);
        WebServer server = builder.build().start();
        if (!server.isRunning()) {
            io.shutdown();
            engines.forEach(EngineServer::shutdown);
            throw new IllegalStateException("the server could not start on port " + port + " (is it in use?)");
        }
        return new Running(server, io, engines, resources);
    }
}
