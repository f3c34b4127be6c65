package io.chat.socketio.engine;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.OptionalLong;

/** The HTTP side of Engine.IO: handshake, long-polling GET and POST, and the protocol's error answers. */
final class PollingHandler implements Handler {
    private static final byte[] OK = "ok".getBytes(StandardCharsets.US_ASCII);

    private final EngineServer server;

    PollingHandler(EngineServer server) {
        this.server = server;
    }

    /** The error answers of Node's engine.io, which clients and the protocol suite know. */
    enum Failure {
        UNKNOWN_TRANSPORT(0, "Transport unknown", Status.BAD_REQUEST_400),
        UNKNOWN_SID(1, "Session ID unknown", Status.BAD_REQUEST_400),
        BAD_HANDSHAKE_METHOD(2, "Bad handshake method", Status.BAD_REQUEST_400),
        BAD_REQUEST(3, "Bad request", Status.BAD_REQUEST_400),
        FORBIDDEN(4, "Forbidden", Status.FORBIDDEN_403),
        UNSUPPORTED_PROTOCOL_VERSION(5, "Unsupported protocol version", Status.BAD_REQUEST_400),
        /**
         * Not one of Node's: a session cap is reached, the server is stopping, or the bytes of restricted sessions are
         * all taken; the client retries later.
         */
        UNAVAILABLE(3, "Server unavailable", Status.SERVICE_UNAVAILABLE_503),
        /**
         * Not one of Node's: a POST without {@code Content-Length} (chunked). Helidon would hold a chunk whole, of any
         * size it declares, before the handler saw a byte of it (a review: one stranger's chunk ran the heap out);
         * every official client declares its body's length.
         */
        LENGTH_REQUIRED(3, "Bad request", Status.LENGTH_REQUIRED_411);

        final int code;
        final String message;
        final Status status;

        Failure(int code, String message, Status status) {
            this.code = code;
            this.message = message;
            this.status = status;
        }

        byte[] body() {
            return ("{\"code\":" + code + ",\"message\":\"" + message + "\"}").getBytes(StandardCharsets.US_ASCII);
        }
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) throws Exception {
        applyCors(req, res);
        Method method = req.prologue().method();
        if (method == Method.OPTIONS) {
            res.status(Status.NO_CONTENT_204).send();
            return;
        }
        Optional<Failure> invalid = validate(req, method);
        if (invalid.isPresent()) {
            fail(res, invalid.get());
            return;
        }
        Optional<String> sid = QueryParameters.first(req.query(), "sid");
        if (sid.isEmpty()) {
            handshake(req, res);
            return;
        }
        Optional<EngineSession> found = server.session(sid.get());
        if (found.isEmpty()) {
            fail(res, Failure.UNKNOWN_SID);
            return;
        }
        EngineSession session = found.get();
        Optional<PollingTransport> polling = session.pollingTransport();
        if (method == Method.POST && !session.isOpen()) {
            fail(res, Failure.UNKNOWN_SID);
            return;
        }
        if (polling.isEmpty()) {
            fail(res, Failure.BAD_REQUEST);
            return;
        }
        if (method == Method.GET) {
            poll(session, polling.get(), res);
        } else {
            post(req, res, session, polling.get());
        }
    }

    private Optional<Failure> validate(ServerRequest req, Method method) {
        String transport = QueryParameters.value(req.query(), "transport");
        if (!"polling".equals(transport) && !"websocket".equals(transport)) {
            return Optional.of(Failure.UNKNOWN_TRANSPORT);
        }
        boolean hasSid = req.query().contains("sid");
        if (!hasSid) {
            if (method != Method.GET) {
                return Optional.of(Failure.BAD_HANDSHAKE_METHOD);
            }
            if (!"4".equals(QueryParameters.value(req.query(), "EIO"))) {
                return Optional.of(Failure.UNSUPPORTED_PROTOCOL_VERSION);
            }
        } else if (method != Method.GET && method != Method.POST) {
            return Optional.of(Failure.BAD_REQUEST);
        }
        if ("websocket".equals(transport)) {
            // a WebSocket request that reached HTTP routing was not a valid upgrade
            return Optional.of(Failure.BAD_REQUEST);
        }
        return Optional.empty();
    }

    private void handshake(ServerRequest req, ServerResponse res) throws InterruptedException {
        HandshakeRequest request = HandshakeRequests.of(
                req.headers(),
                req.query(),
                req.remotePeer().address(),
                req.isSecure(),
                server.config().clientAddresses());
        if (!server.config().allowRequest().test(request)) {
            fail(res, Failure.FORBIDDEN);
            return;
        }
        if (!server.admit(request, true)) {
            res.header(HeaderNames.RETRY_AFTER, "1");
            fail(res, Failure.UNAVAILABLE);
            return;
        }
        PollingTransport transport = new PollingTransport();
        EngineSession session = server.openSession(request, transport);
        poll(session, transport, res);
    }

    private void poll(EngineSession session, PollingTransport transport, ServerResponse res)
            throws InterruptedException {
        switch (transport.poll()) {
            case PollingTransport.PollResult.Payload payload -> {
                try {
                    res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=UTF-8");
                    res.send(payload.bytes());
                } finally {
                    session.sent(payload.held());
                }
            }
            case PollingTransport.PollResult.Overlap overlap -> {
                // two GETs at once: the protocol says the client is broken
                fail(res, Failure.BAD_REQUEST);
                session.close(CloseReason.TRANSPORT_ERROR);
            }
            case PollingTransport.PollResult.Superseded superseded -> fail(res, Failure.BAD_REQUEST);
        }
    }

    private void post(ServerRequest req, ServerResponse res, EngineSession session, PollingTransport transport)
            throws IOException {
        OptionalLong declared = req.headers().contentLength();
        if (declared.isEmpty()) {
            fail(res, Failure.LENGTH_REQUIRED);
            return;
        }
        switch (transport.startPost()) {
            case STARTED -> {
                // go on below
            }
            case OVERLAP -> {
                fail(res, Failure.BAD_REQUEST);
                session.close(CloseReason.TRANSPORT_ERROR);
                return;
            }
            case SUPERSEDED -> {
                // as any request for a session already on its WebSocket
                fail(res, Failure.BAD_REQUEST);
                return;
            }
        }
        byte[] body;
        // read once: a CONNECT that completes meanwhile must not let this body be read past what it was charged for
        int max = session.maxMessageBytes();
        ByteBudget budget = session.messageBytes();
        // a body takes its bytes (past the free ones) from what all its session's kind may hold together: as many as
        // it declares (at most one over the limit, to tell it is over)
        long taken = Math.max(0, Math.min(max + 1L, declared.getAsLong()) - budget.freePerMessage());
        if (taken > 0 && !budget.take(taken)) {
            transport.endPost();
            fail(res, Failure.UNAVAILABLE);
            session.close(CloseReason.TRANSPORT_ERROR);
            return;
        }
        try {
            // not past the session's end (PollingTransport.abortBodyRead): a body held unfinished holds its bytes. Nor
            // past a heartbeat's span, since while it arrives its client can POST no pong, and the session ends
            transport.readingBody();
            try (InputStream in = req.content().inputStream()) {
                body = in.readNBytes(max + 1);
            } finally {
                transport.bodyRead();
            }
            if (body.length > max) {
                res.status(Status.REQUEST_ENTITY_TOO_LARGE_413).send();
                session.close(CloseReason.TRANSPORT_ERROR);
                return;
            }
            // packets are handled before the answer, so two POSTs of one client can never interleave
            dispatch(session, body);
        } finally {
            if (taken > 0) {
                budget.give(taken);
            }
            // before the answer: the client sends its next POST as soon as it has it
            transport.endPost();
        }
        res.header(HeaderNames.CONTENT_TYPE, "text/html");
        res.send(OK);
    }

    private static void dispatch(EngineSession session, byte[] body) {
        String payload = new String(body, StandardCharsets.UTF_8);
        int start = 0;
        while (start <= payload.length() && session.isOpen()) {
            int end = payload.indexOf(PollingTransport.SEPARATOR, start);
            if (end < 0) {
                end = payload.length();
            }
            String packet = payload.substring(start, end);
            if (packet.startsWith("b")) {
                byte[] data;
                try {
                    // the Java client breaks its base64 into lines of 76 characters, as MIME does
                    data = Base64.getMimeDecoder().decode(packet.substring(1));
                } catch (IllegalArgumentException e) {
                    session.close(CloseReason.PARSE_ERROR);
                    return;
                }
                session.receiveBinary(data);
            } else {
                session.receiveText(packet);
            }
            start = end + 1;
        }
    }

    private void applyCors(ServerRequest req, ServerResponse res) {
        Optional<String> origin = req.headers().first(HeaderNames.ORIGIN);
        EngineConfig.Cors cors = server.config().cors();
        if (cors.anyOrigin() && origin.isEmpty()) {
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
            return;
        }
        if (origin.isPresent() && cors.allows(origin.get())) {
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin.get());
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
            res.header(HeaderValues.create(HeaderNames.VARY, "Origin"));
            if (req.prologue().method() == Method.OPTIONS) {
                res.header(HeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, OPTIONS");
                req.headers()
                        .first(HeaderNames.ACCESS_CONTROL_REQUEST_HEADERS)
                        .ifPresent(h -> res.header(HeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, h));
            }
        }
    }

    private static void fail(ServerResponse res, Failure failure) {
        res.status(failure.status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(failure.body());
    }
}
