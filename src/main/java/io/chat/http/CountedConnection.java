package io.chat.http;

import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.task.InterruptableTask;
import io.helidon.webserver.spi.ServerConnection;
import java.time.Duration;

/**
 * Helidon's connection, with something to do when it ends. {@code handle} runs for the connection's whole life on
 * its own thread, whatever it becomes (requests, a long poll, a WebSocket after its upgrade: Helidon runs the
 * upgraded connection inside it) and however it ends (a close, a reset, an error), so its end is the connection's.
 */
final class CountedConnection implements ServerConnection, InterruptableTask<Void> {
    private final ServerConnection delegate;
    private final Runnable onEnd;

    CountedConnection(ServerConnection delegate, Runnable onEnd) {
        this.delegate = delegate;
        this.onEnd = onEnd;
    }

    @Override
    public void handle(Limit limit) throws InterruptedException {
        try {
            delegate.handle(limit);
        } finally {
            onEnd.run();
        }
    }

    /** Helidon interrupts (to stop or time out) only a connection that says it may be: ask Helidon's. */
    @Override
    public boolean canInterrupt() {
        return delegate instanceof InterruptableTask<?> task && task.canInterrupt();
    }

    @Override
    public Duration idleTime() {
        return delegate.idleTime();
    }

    @Override
    public void close(boolean interrupt) {
        delegate.close(interrupt);
    }
}
