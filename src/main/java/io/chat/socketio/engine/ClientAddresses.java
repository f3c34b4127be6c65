package io.chat.socketio.engine;

import java.util.List;

/**
 * The address a client is known by ({@link HandshakeRequest#remoteAddress()}, the key of the per-address session cap):
 * by default the TCP peer's. Behind a balancer every peer is the balancer, so an application that trusts it may take
 * the client's address from the {@code X-Forwarded-For} the balancer adds instead.
 */
@FunctionalInterface
public interface ClientAddresses {
    /**
     * @param peer         the TCP peer's address
     * @param forwardedFor every {@code X-Forwarded-For} header line of the request, in order (empty when none)
     */
    String clientOf(String peer, List<String> forwardedFor);

    /** The TCP peer's address, whatever the request says. */
    static ClientAddresses peer() {
        return (peer, forwardedFor) -> peer;
    }
}
