package io.chat.http;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;
import java.util.List;

/**
 * Several HTTP/1 receive listeners as one. Helidon 4.2.0 has its own combination
 * ({@code Http1ConnectionListenerUtil.ListFrameListener}), but it overrides no method, so with two listeners
 * configured neither is ever called; this one forwards every callback, in order.
 */
public final class ReceiveListeners implements Http1ConnectionListener {
    private final List<Http1ConnectionListener> listeners;

    private ReceiveListeners(List<Http1ConnectionListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    public static Http1ConnectionListener of(Http1ConnectionListener... listeners) {
        return new ReceiveListeners(List.of(listeners));
    }

    @Override
    public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
        listeners.forEach(listener -> listener.prologue(ctx, prologue));
    }

    @Override
    public void headers(ConnectionContext ctx, Headers headers) {
        listeners.forEach(listener -> listener.headers(ctx, headers));
    }

    @Override
    public void data(ConnectionContext ctx, BufferData data) {
        listeners.forEach(listener -> listener.data(ctx, data));
    }
}
