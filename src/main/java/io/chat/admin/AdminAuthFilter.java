package io.chat.admin;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.chat.http.JsonHttp;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.security.AuthenticationResponse;
import io.helidon.security.Security;
import io.helidon.security.SecurityContext;
import io.helidon.security.SecurityEnvironment;
import io.helidon.security.providers.httpauth.HttpBasicAuthProvider;
import io.helidon.security.providers.httpauth.SecureUserStore;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Every admin request authenticates through helidon-security (HTTP Basic against the admin principal);
 * failures answer 401 in the contract's JSON shape.
 */
public final class AdminAuthFilter implements Filter {
    private static final System.Logger LOGGER = System.getLogger(AdminAuthFilter.class.getName());
    private static final String REALM = "chat-admin";
    /** Failed admin logins allowed per client address and minute; past it, 429 without checking (no slow hash). */
    static final int FAILURES_PER_MINUTE = 10;
    private static final long WINDOW_NANOS = TimeUnit.MINUTES.toNanos(1);

    private record Window(long start, int failures) {
    }

    private final ConcurrentHashMap<String, Window> failures =
            new ConcurrentHashMap<>();

    private final Security security;

    public AdminAuthFilter(AdminCredentials credentials) {
        SecureUserStore store = login -> Optional.of(new SecureUserStore.User() {
            @Override
            public String login() {
                return login;
            }

            @Override
            public boolean isPasswordValid(char[] password) {
                return credentials.matches(login, password);
            }
        });
        this.security = Security.builder()
                .addProvider(HttpBasicAuthProvider.builder().realm(REALM).userStore(store).build())
                .build();
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        req.headers().first(HeaderNames.AUTHORIZATION).ifPresent(h -> headers.put("Authorization", List.of(h)));
        SecurityContext context = security.contextBuilder(UUID.randomUUID().toString()).build();
        context.env(SecurityEnvironment.builder()
                            .path(req.path().path())
                            .method(req.prologue().method().text())
                            .headers(headers)
                            .build());
        String client = req.remotePeer().address() instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : req.remotePeer().host();
        long now = System.nanoTime();
        long retryAfter = retryAfterSeconds(client, now);
        if (retryAfter > 0) {
            LOGGER.log(System.Logger.Level.INFO, "event=admin-auth outcome=rate-limited path=" + req.path().path());
            res.header(HeaderNames.RETRY_AFTER, Long.toString(retryAfter));
            JsonHttp.error(res, Status.TOO_MANY_REQUESTS_429, "rate_limited", "too many failed admin logins");
            return;
        }
        AuthenticationResponse response = context.atnClientBuilder().submit();
        if (response.status().isSuccess() && context.isAuthenticated()) {
            chain.proceed();
            return;
        }
        if (headers.containsKey("Authorization")) {
            // only offered credentials count: a client's first request without them is the usual 401 challenge
            failures.compute(client, (c, w) -> w == null || now - w.start() >= WINDOW_NANOS
                    ? new Window(now, 1) : new Window(w.start(), w.failures() + 1));
        }
        LOGGER.log(System.Logger.Level.INFO, "event=admin-auth outcome=denied path=" + req.path().path());
        res.header(HeaderNames.WWW_AUTHENTICATE, "Basic realm=\"" + REALM + "\"");
        JsonHttp.error(res, Status.UNAUTHORIZED_401, "unauthorized", "admin credentials required");
    }

    /** Seconds until this client may try again, 0 when it may try now. */
    private long retryAfterSeconds(String client, long now) {
        Window window = failures.get(client);
        if (window == null || window.failures() < FAILURES_PER_MINUTE) {
            return 0;
        }
        long left = window.start() + WINDOW_NANOS - now;
        if (left <= 0) {
            failures.remove(client, window);
            return 0;
        }
        return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(left));
    }
}
