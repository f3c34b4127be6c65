package io.chat.socketio.engine;

import java.util.List;
import java.util.function.UnaryOperator;

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

    /**
     * What the per-address session cap counts a client's address under: the address itself by default; an
     * application may count the addresses one subscriber holds together (an IPv6 /64).
     */
    default String capKey(String address) {
        return address;
    }

    /** The TCP peer's address, whatever the request says. */
    static ClientAddresses peer() {
        return (peer, forwardedFor) -> peer;
    }

    /** Addresses as {@code clientOf} says, counted by the cap under {@code capKey}'s key. */
    static ClientAddresses of(ClientAddresses clientOf, UnaryOperator<String> capKey) {
        return new ClientAddresses() {
            @Override
            public String clientOf(String peer, List<String> forwardedFor) {
                return clientOf.clientOf(peer, forwardedFor);
            }

            @Override
            public String capKey(String address) {
                return capKey.apply(address);
            }
        };
    }
}
