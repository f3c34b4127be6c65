package io.chat.http;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A REST failure the contract names: its status, code and message, and the headers that go with it
 * ({@code Retry-After}, a challenge). Handlers and their helpers throw it; {@link #install} answers it, once for every
 * route of a listener, as {@code {"error":{"code","message"}}}. The message is a fixed phrase of ours, never a string
 * a client chose. No stack trace: it is an answer, not a fault.
 */
public final class ApiError extends RuntimeException {
    private final transient Status status;
    private final String code;
    private final transient Map<HeaderName, String> headers;

    private ApiError(Status status, String code, String message, Map<HeaderName, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.headers = headers;
    }

    public static ApiError of(Status status, String code, String message) {
        return new ApiError(status, code, message, Map.of());
    }

    /** 400 {@code bad_request}. */
    public static ApiError badRequest(String message) {
        return of(Status.BAD_REQUEST_400, "bad_request", message);
    }

    /** 401 {@code unauthorized}. */
    public static ApiError unauthorized(String message) {
        return of(Status.UNAUTHORIZED_401, "unauthorized", message);
    }

    /** 403 {@code forbidden}. */
    public static ApiError forbidden(String message) {
        return of(Status.FORBIDDEN_403, "forbidden", message);
    }

    /** 404 {@code not_found}. */
    public static ApiError notFound(String message) {
        return of(Status.NOT_FOUND_404, "not_found", message);
    }

    /** 409 {@code conflict}. */
    public static ApiError conflict(String message) {
        return of(Status.CONFLICT_409, "conflict", message);
    }

    /** 413 {@code too_large}. */
    public static ApiError tooLarge(String message) {
        return of(Status.REQUEST_ENTITY_TOO_LARGE_413, "too_large", message);
    }

    /** 415 {@code unsupported_media_type}. */
    public static ApiError unsupportedMediaType() {
        return of(Status.UNSUPPORTED_MEDIA_TYPE_415, "unsupported_media_type", "use application/json");
    }

    /** 429 {@code rate_limited} with {@code Retry-After}. */
    public static ApiError rateLimited(String message, long retryAfterSeconds) {
        return of(Status.TOO_MANY_REQUESTS_429, "rate_limited", message).retryAfter(retryAfterSeconds);
    }

    /** 503 {@code unavailable} "try again later" with {@code Retry-After: 1}: the store cannot serve it now. */
    public static ApiError unavailable() {
        return of(Status.SERVICE_UNAVAILABLE_503, "unavailable", "try again later")
                .retryAfter(1);
    }

    /** The same error with one more header. */
    public ApiError withHeader(HeaderName name, String value) {
        Map<HeaderName, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new ApiError(status, code, getMessage(), Map.copyOf(more));
    }

    private ApiError retryAfter(long seconds) {
        return withHeader(HeaderNames.RETRY_AFTER, Long.toString(seconds));
    }

    public Status status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** Answers this error on {@code res}, headers first. */
    public void send(ServerResponse res) {
        headers.forEach(res::header);
        JsonHttp.error(res, status, code, getMessage());
    }

    /**
     * Answers every {@link ApiError} a handler (or filter) of {@code routing} throws, with the headers the filters
     * had put on the response put back (Helidon clears a response's headers before an error handler runs).
     */
    public static void install(HttpRouting.Builder routing) {
        routing.error(ApiError.class, (req, res, error) -> answer(req, res, error));
    }

    /** Answers {@code error} unless a response was already sent. */
    public static void answer(ServerRequest req, ServerResponse res, ApiError error) {
        if (!res.isSent()) {
            FilteredHeaders.restore(req, res);
            error.send(res);
        }
    }
}
