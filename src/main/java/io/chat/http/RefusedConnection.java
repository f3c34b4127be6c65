package io.chat.http;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A connection past its address's cap: once its request arrives it is answered 503 with {@code Retry-After} (the
 * official clients retry with their backoff, as after a refused handshake) and closed. The answer waits for the
 * request because closing a socket with unread data resets it, and a client may then never read the 503; a client
 * that sends nothing is closed by the {@link HeaderDeadline} it was given.
 */
final class RefusedConnection implements ServerConnection {
    private static final String BODY = "{\"code\":3,\"message\":\"Server unavailable\"}";
    private static final byte[] ANSWER = ("HTTP/1.1 503 Service Unavailable\r\n"
                    + "Content-Type: application/json\r\n"
                    + "Content-Length: " + BODY.length() + "\r\n"
                    + "Retry-After: 1\r\n"
                    + "Connection: close\r\n"
                    + SecurityHeaders.asLines()
                    + "\r\n" + BODY)
            .getBytes(StandardCharsets.US_ASCII);

    private final ConnectionContext ctx;
    private final boolean answer;
    private final long startNanos = System.nanoTime();

    private RefusedConnection(ConnectionContext ctx, boolean answer) {
        this.ctx = ctx;
        this.answer = answer;
    }

    /** Answers 503 once the request is there. */
    static RefusedConnection answering(ConnectionContext ctx) {
        return new RefusedConnection(ctx, true);
    }

    /** Closed at once, unanswered: its address already has as many refusals waiting as it may. */
    static RefusedConnection closing(ConnectionContext ctx) {
        return new RefusedConnection(ctx, false);
    }

    @Override
    public void handle(Limit limit) {
        if (!answer) {
            return; // Helidon closes the socket
        }
        try {
            DataReader reader = ctx.dataReader();
            reader.ensureAvailable();
            reader.skip(reader.available());
            ctx.dataWriter().writeNow(BufferData.create(ANSWER));
        } catch (RuntimeException closed) {
            // the client went away, or sent nothing in time and the deadline closed the socket: nothing to answer
        }
        // Helidon closes the socket when this returns
    }

    @Override
    public Duration idleTime() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    @Override
    public void close(boolean interrupt) {
        try {
            ctx.serverSocket().close();
        } catch (RuntimeException e) {
            // closed already
        }
    }
}
