package io.chat.http;

import java.net.InetSocketAddress;

import io.helidon.webserver.http.ServerRequest;

/** The address a request came from, as the key of per-client limits. */
public final class ClientAddress {
    /** An IPv6 address with a scope is at most about 55 characters; anything longer is cut. */
    public static final int MAX_LENGTH = 64;

    private ClientAddress() {
    }

    public static String of(ServerRequest req) {
        String address = req.remotePeer().address() instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : req.remotePeer().host();
        return address.length() <= MAX_LENGTH ? address : address.substring(0, MAX_LENGTH);
    }
}
