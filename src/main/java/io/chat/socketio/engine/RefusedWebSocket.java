package io.chat.socketio.engine;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import java.time.Duration;

/** A WebSocket accepted only to be closed: a second upgrade of a session that already has its WebSocket. */
final class RefusedWebSocket implements ServerConnection {
    private final ConnectionContext ctx;

    RefusedWebSocket(ConnectionContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void handle(Limit limit) {
        ctx.dataWriter().writeNow(BufferData.create(WebSocketFrames.closeFrame(WebSocketFrames.CLOSE_NORMAL, "")));
    }

    @Override
    public Duration idleTime() {
        return Duration.ZERO;
    }

    @Override
    public void close(boolean interrupt) {
        // nothing runs after handle
    }
}
