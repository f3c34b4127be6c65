package io.chat.socketio.engine;

import io.helidon.common.uri.UriQuery;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds a {@link HandshakeRequest} from what Helidon knows of a request, polling or upgrade alike. */
final class HandshakeRequests {
    /**
     * The headers that only made the upgrade (its key, version, extensions, the hop-by-hop pair): of no use to a
     * handler once the WebSocket is open, and kept for a session's life they cost an idle socket about 300 bytes.
     */
    private static final Set<String> UPGRADE_ONLY =
            Set.of("sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions", "upgrade", "connection");

    private HandshakeRequests() {}

    static HandshakeRequest of(
            Headers headers, UriQuery query, SocketAddress remote, boolean secure, ClientAddresses addresses) {
        Map<String, String> headerMap = new HashMap<>();
        // a known header's lower-case name is Helidon's constant: kept for the session's life, no copy per session
        // names and values many sessions share (a host, a user agent, EIO=4) are held once (Canonical)
        headers.forEach(h -> {
            String name = h.headerName().lowerCase();
            if (!UPGRADE_ONLY.contains(name) && !headerMap.containsKey(name)) {
                headerMap.put(Canonical.of(name), Canonical.of(h.get()));
            }
        });
        Map<String, String> queryMap = new HashMap<>();
        query.names()
                .forEach(name -> queryMap.put(Canonical.of(name), Canonical.of(QueryParameters.value(query, name))));
        String peer = remote instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress()
                : String.valueOf(remote);
        // every line of the header: a balancer appends its own after the ones the client sent
        String address = Canonical.of(addresses.clientOf(peer, headers.all(HeaderNames.X_FORWARDED_FOR, List::of)));
        return new HandshakeRequest(
                Canonical.of(Map.copyOf(headerMap)),
                Canonical.of(Map.copyOf(queryMap)),
                address,
                secure,
                Instant.now());
    }
}
