package io.chat.http;

import io.helidon.http.HeaderValues;
import io.helidon.http.Headers;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http1.Http1ConnectionListener;

/**
 * Closes the TCP connection once the response to a request that said {@code Connection: close} is written.
 * Helidon 4.2 answers such a request with {@code Connection: close} and then waits for another request on the
 * same connection until its idle timeout (helidon-io/helidon#12324, fixed only in later releases): a client
 * waiting for the end of the stream waits minutes.
 *
 * <p>Two halves on the connection's own thread, which reads the headers and then runs the routing: the receive
 * listener notes the connection of a request that asks to close, and the filter closes it after the response.
 */
public final class CloseAfterResponse implements Http1ConnectionListener, Filter {
    private static final ThreadLocal<ConnectionContext> CLOSING = new ThreadLocal<>();

    @Override
    public void headers(ConnectionContext ctx, Headers headers) {
        if (headers.contains(HeaderValues.CONNECTION_CLOSE)) {
            CLOSING.set(ctx);
        } else {
            CLOSING.remove();
        }
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        ConnectionContext ctx = CLOSING.get();
        CLOSING.remove();
        if (ctx != null) {
            res.whenSent(() -> {
                try {
                    ctx.serverSocket().close();
                } catch (RuntimeException e) {
                    // the client closed first: nothing left to do
                }
            });
        }
        chain.proceed();
    }
}
