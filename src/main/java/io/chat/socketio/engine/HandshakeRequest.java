package io.chat.socketio.engine;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What the server knew of the HTTP request that opened a session (or asks to upgrade one).
 *
 * @param headers       request headers, names in lower case, first value of each
 * @param query         query parameters, first value of each
 * @param remoteAddress the client's address: the peer's, or the one {@link EngineConfig#clientAddresses()} says
 * @param secure        whether the connection is TLS
 * @param time          when the request arrived
 */
public record HandshakeRequest(
        Map<String, String> headers, Map<String, String> query, String remoteAddress, boolean secure, Instant time) {
    public HandshakeRequest {
        headers = Map.copyOf(headers);
        query = Map.copyOf(query);
    }

    public Optional<String> header(String lowerCaseName) {
        return Optional.ofNullable(headers.get(lowerCaseName));
    }

    public Optional<String> queryParam(String name) {
        return Optional.ofNullable(query.get(name));
    }

    public Optional<String> origin() {
        return header("origin");
    }
}
