package io.chat.http;

import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A deadline for a request's headers, which Helidon 4.2 does not have (slowloris): an HTTP/1 connection whose
 * headers are not complete {@code timeout} after its request line is closed. A listener on Helidon's HTTP/1
 * receive path: the request line arms the deadline, the end of the headers disarms it, so nothing after the
 * headers (a body, a long poll, a WebSocket after its upgrade) is ever timed by it, nor a keep-alive connection
 * between two requests (Helidon's idle-connection timeout, 5 minutes, bounds that).
 *
 * <p>A new connection's first request line is due {@code timeout} after the connection opened ({@link #opened}):
 * Helidon 4.2 waits for a connection's first bytes without any timeout (its idle timer only sees a connection once
 * a protocol has been chosen for it), so one address could hold thousands of silent connections for good.
 *
 * <p>One platform thread checks the deadlines every {@code timeout / 4} (at most every second) and closes the
 * late connections' sockets: the connection's thread, blocked reading, then fails and Helidon releases it.
 */
public final class HeaderDeadline implements Http1ConnectionListener, AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(HeaderDeadline.class.getName());

    private final long timeoutNanos;
    /** Connections reading their request line or headers, with the time they must be done by. */
    private final Map<ConnectionContext, Long> reading = new ConcurrentHashMap<>();

    private final ScheduledExecutorService checker;

    public HeaderDeadline(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("header timeout must be positive, not " + timeout);
        }
        this.timeoutNanos = timeout.toNanos();
        long period = Math.max(10, Math.min(1_000, timeout.toMillis() / 4));
        this.checker = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("header-deadline").daemon().factory());
        checker.scheduleWithFixedDelay(this::closeLate, period, period, TimeUnit.MILLISECONDS);
    }

    /** A connection was accepted: its first request line is due within the timeout. */
    void opened(ConnectionContext ctx) {
        expect(ctx, timeoutNanos);
    }

    /** Closes the connection unless its first bytes come within {@code within} (or the timeout, if shorter). */
    void opened(ConnectionContext ctx, Duration within) {
        expect(ctx, Math.min(timeoutNanos, within.toNanos()));
    }

    /** The connection ended: nothing is due any more. */
    void forget(ConnectionContext ctx) {
        reading.remove(ctx);
    }

    private void expect(ConnectionContext ctx, long withinNanos) {
        reading.put(ctx, System.nanoTime() + withinNanos);
    }

    @Override
    public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
        expect(ctx, timeoutNanos);
    }

    @Override
    public void headers(ConnectionContext ctx, Headers headers) {
        reading.remove(ctx);
    }

    private void closeLate() {
        long now = System.nanoTime();
        reading.forEach((ctx, deadline) -> {
            if (now - deadline > 0 && reading.remove(ctx, deadline)) {
                LOGGER.log(System.Logger.Level.DEBUG, "event=header-timeout outcome=closed");
                try {
                    ctx.serverSocket().close();
                } catch (RuntimeException e) {
                    // closed already (the client went away): nothing to do
                }
            }
        });
    }

    @Override
    public void close() {
        checker.shutdownNow();
        reading.clear();
    }
}
