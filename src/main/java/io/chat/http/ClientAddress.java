package io.chat.http;

import io.helidon.common.socket.PeerInfo;
import io.helidon.webserver.http.ServerRequest;
import java.net.InetSocketAddress;

/** The address a request or connection came from, as the key of per-client limits. */
public final class ClientAddress {
    /** An IPv6 address with a scope is at most about 55 characters; anything longer is cut. */
    public static final int MAX_LENGTH = 64;

    private ClientAddress() {}

    public static String of(ServerRequest req) {
        return of(req.remotePeer());
    }

    public static String of(PeerInfo peer) {
        String address = peer.address() instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress()
                : peer.host();
        return address.length() <= MAX_LENGTH ? address : address.substring(0, MAX_LENGTH);
    }
}
