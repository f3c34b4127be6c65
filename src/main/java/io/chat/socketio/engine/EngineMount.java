package io.chat.socketio.engine;

import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.util.List;

/**
 * Where Engine.IO endpoints meet Helidon, the one way to serve them: their long-polling routes, and the connection
 * selector that upgrades their WebSockets (and serves every other HTTP/1 request with {@code http1}'s settings).
 * The platform, the conformance server, the benchmark and the tests all mount their engines through it.
 */
public final class EngineMount {
    private final Http1Config http1;
    private final List<EngineServer> engines;

    private EngineMount(Http1Config http1, List<EngineServer> engines) {
        this.http1 = http1;
        this.engines = List.copyOf(engines);
    }

    public static EngineMount create(Http1Config http1, List<EngineServer> engines) {
        return new EngineMount(http1, engines);
    }

    public List<EngineServer> engines() {
        return engines;
    }

    /** Adds each engine's polling routes. */
    public void routes(HttpRouting.Builder routing) {
        engines.forEach(engine -> engine.routing(routing));
    }

    /** The listener's connection selector: WebSocket upgrades for the engines' paths, HTTP/1 for the rest. */
    public ServerConnectionSelector connectionSelector() {
        return EngineUpgrader.connectionSelector(http1, engines.toArray(EngineServer[]::new));
    }
}
