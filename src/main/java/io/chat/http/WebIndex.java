package io.chat.http;

import io.helidon.http.NotFoundException;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The web client's page for its deep links ({@code /t/acme}); 404 when the jar was built without the client. */
public final class WebIndex implements Handler {
    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        res.header("Content-Type", "text/html; charset=UTF-8").send(page());
    }

    private static byte[] page() {
        try (InputStream in = WebIndex.class.getResourceAsStream("/web/index.html")) {
            if (in == null) {
                throw new NotFoundException("no web client in this build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
