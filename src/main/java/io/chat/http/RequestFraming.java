package io.chat.http;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.RequestException;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;
import java.util.List;

/**
 * Refuses a request whose body length could be read two ways (RFC 9112 6.1, 6.3): two different
 * {@code Content-Length}s (Helidon 4.2 reads the first), {@code Content-Length} with {@code Transfer-Encoding}, or a
 * {@code Transfer-Encoding} other than exactly {@code chunked} (Helidon 4.2 applies only the lowercase
 * {@code chunked}, and reads {@code Chunked} or {@code gzip, chunked} as no body at all). A proxy that read such a
 * request the other way would hand the rest of its body to the server as the start of the next request (request
 * smuggling). The answer is 400 and the connection closes: nothing after the headers is read as a request.
 * A receive listener, so every request of the listener is checked (routes, polling, upgrades) before its body.
 */
public final class RequestFraming implements Http1ConnectionListener {
    @Override
    public void headers(ConnectionContext ctx, Headers headers) {
        List<String> lengths = headers.contains(HeaderNames.CONTENT_LENGTH)
                ? headers.get(HeaderNames.CONTENT_LENGTH).allValues(true)
                : List.of();
        List<String> codings = headers.contains(HeaderNames.TRANSFER_ENCODING)
                ? headers.get(HeaderNames.TRANSFER_ENCODING).allValues(true)
                : List.of();
        if (lengths.stream().map(String::trim).distinct().count() > 1
                || (!lengths.isEmpty() && !codings.isEmpty())
                || codings.size() > 1
                || (codings.size() == 1 && !"chunked".equals(codings.getFirst().trim()))) {
            throw RequestException.builder()
                    .type(DirectHandler.EventType.BAD_REQUEST)
                    .message("Bad request")
                    .setKeepAlive(false)
                    .build();
        }
    }
}
