package io.chat.http;

import io.helidon.common.buffers.BufferData;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The public listener's door: at most {@code maxPerAddress} open TCP connections per client address, and a first
 * request line due within the header timeout. Without it one address could hold every connection the listener takes
 * (its global cap) by opening them and sending nothing, and no one else could connect.
 *
 * <p>A wrapper around the listener's one connection selector. Helidon asks its only selector for the connection as
 * soon as it has accepted the socket (with several it first waits for the client's first bytes, without a timeout),
 * so the listener must have this selector alone: {@code protocolsDiscoverServices(false)}. The place taken here is
 * given back when Helidon's connection ends, whatever it became.
 */
public final class ConnectionGate implements ServerConnectionSelector {
    private static final System.Logger LOGGER = System.getLogger(ConnectionGate.class.getName());
    /**
     * How long a refused connection may take to send its request, to be told 503: a client sends it right after
     * connecting, and the refused must not hold descriptors as long as the rest may.
     */
    private static final Duration REFUSED_WAIT = Duration.ofSeconds(1);
    /**
     * Refused connections of one address waiting for their request: each holds one of the listener's places for up
     * to {@link #REFUSED_WAIT} (plus the deadline's check period), so without a bound one address opening
     * connections fast enough would hold every place with refusals alone. Past it a connection is closed at once.
     */
    public static final int REFUSING_PER_ADDRESS = 16;

    private final ServerConnectionSelector delegate;
    private final AddressCounts counts;
    private final AddressCounts refusing = new AddressCounts(REFUSING_PER_ADDRESS);
    private final HeaderDeadline deadline;
    private final AtomicLong refused = new AtomicLong();

    public ConnectionGate(ServerConnectionSelector delegate, int maxPerAddress, HeaderDeadline deadline) {
        this.delegate = delegate;
        this.counts = new AddressCounts(maxPerAddress);
        this.deadline = deadline;
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        String address = ClientAddress.network(ClientAddress.of(ctx.remotePeer()));
        if (!counts.tryTake(address)) {
            if (refused.incrementAndGet() % 1_000 == 1) {
                // the address is the socket's, not a string the client chose; one line per thousand refusals
                LOGGER.log(
                        System.Logger.Level.WARNING,
                        "event=connection outcome=refused reason=address-cap address=" + LogText.quote(address)
                                + " refused=" + refused.get());
            }
            if (!refusing.tryTake(address)) {
                return RefusedConnection.closing(ctx);
            }
            deadline.opened(ctx, REFUSED_WAIT);
            return new CountedConnection(RefusedConnection.answering(ctx), () -> {
                deadline.forget(ctx);
                refusing.release(address);
            });
        }
        Runnable release = () -> {
            deadline.forget(ctx);
            counts.release(address);
        };
        try {
            deadline.opened(ctx);
            return new CountedConnection(delegate.connection(ctx), release);
        } catch (RuntimeException e) {
            release.run();
            throw e;
        }
    }

    /** Connections refused for their address's cap, since the start. */
    public long refusedCount() {
        return refused.get();
    }

    /** Open connections of {@code address} (for tests and diagnostics). */
    public int openOf(String address) {
        return counts.of(address);
    }

    @Override
    public int bytesToIdentifyConnection() {
        return delegate.bytesToIdentifyConnection();
    }

    @Override
    public Support supports(BufferData data) {
        return delegate.supports(data);
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return delegate.supportedApplicationProtocols();
    }
}
