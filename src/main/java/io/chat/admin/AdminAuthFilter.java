package io.chat.admin;

import io.chat.http.ApiError;
import io.chat.http.ClientAddress;
import io.chat.http.JsonHttp;
import io.chat.http.LogText;
import io.chat.limits.Bucket;
import io.chat.limits.KeyedLimits;
import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
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
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Every admin request authenticates through helidon-security (HTTP Basic against the admin principal);
 * failures answer 401 in the contract's JSON shape.
 *
 * <p>The admin API has no pages and no browser client, so a request a browser sends from a page is refused before
 * anything else (403): a page on another site could otherwise post a form to it with Basic credentials the browser
 * cached. Bodies must be JSON (415), which a page cannot send across sites without the API's consent. Browsers are
 * not sent the Basic challenge either, so they never prompt for and cache the credentials.
 */
public final class AdminAuthFilter implements Filter {
    private static final System.Logger LOGGER = System.getLogger(AdminAuthFilter.class.getName());
    private static final String REALM = "chat-admin";
    /**
     * Failed admin logins allowed per client address and minute; past it, 429 without checking (no slow hash). Each
     * request with credentials takes one before it is checked, and gives it back when they were right: concurrent
     * guesses cannot all reach the hash before the first failure is counted.
     */
    static final int FAILURES_PER_MINUTE = 10;

    private static final HeaderName SEC_FETCH_SITE = HeaderNames.create("Sec-Fetch-Site");
    private static final String SEC_FETCH_PREFIX = "sec-fetch-";

    private static final Duration FAILURE_WINDOW = Duration.ofMinutes(1);

    /**
     * Failed authentications per client address, a window bucket each. The listener is on 127.0.0.1 only; 1,024
     * addresses of at most 64 characters: about 0.2 MB at most.
     */
    private final KeyedLimits<Bucket> failures;

    private final Clock clock;
    private final Security security;

    public AdminAuthFilter(AdminCredentials credentials) {
        this(credentials, Clock.systemUTC());
    }

    public AdminAuthFilter(AdminCredentials credentials, Clock clock) {
        this.clock = clock;
        this.failures = KeyedLimits.ofBuckets(
                now -> Bucket.window(FAILURES_PER_MINUTE, FAILURE_WINDOW, now),
                1_024,
                ClientAddress.MAX_LENGTH,
                FAILURE_WINDOW.toNanos(),
                Bucket.epochNanos(clock.instant()));
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
                .addProvider(HttpBasicAuthProvider.builder()
                        .realm(REALM)
                        .userStore(store)
                        .build())
                .build();
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (crossOriginBrowserRequest(req)) {
            LOGGER.log(
                    System.Logger.Level.INFO,
                    "event=admin-request outcome=forbidden reason=browser path="
                            + LogText.quote(req.path().path()));
            ApiError.forbidden("the admin API does not serve browser pages").send(res);
            return;
        }
        if (JsonHttp.notJson(req)) {
            ApiError.unsupportedMediaType().send(res);
            return;
        }
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        req.headers().first(HeaderNames.AUTHORIZATION).ifPresent(h -> headers.put("Authorization", List.of(h)));
        SecurityContext context =
                security.contextBuilder(UUID.randomUUID().toString()).build();
        context.env(SecurityEnvironment.builder()
                .path(req.path().path())
                .method(req.prologue().method().text())
                .headers(headers)
                .build());
        String client = ClientAddress.of(req);
        long now = Bucket.epochNanos(clock.instant());
        // only offered credentials count: a client's first request without them is the usual 401 challenge, and is
        // told to wait only while the address's failures are used up
        boolean offered = headers.containsKey("Authorization");
        Bucket attempts = offered ? failures.of(client, now) : failures.peek(client);
        boolean allowed = attempts == null || (offered ? attempts.tryTake(now) : attempts.waitNanos(now) == 0);
        if (!allowed) {
            long retryAfter = attempts.retryAfterSeconds(now);
            LOGGER.log(
                    System.Logger.Level.INFO,
                    "event=admin-auth outcome=rate-limited path="
                            + LogText.quote(req.path().path()));
            ApiError.rateLimited("too many failed admin logins", retryAfter).send(res);
            return;
        }
        AuthenticationResponse response;
        try {
            response = context.atnClientBuilder().submit();
        } catch (RuntimeException e) {
            if (offered) {
                attempts.giveBack(); // the check failed, not the credentials
            }
            throw e;
        }
        if (response.status().isSuccess() && context.isAuthenticated()) {
            if (offered) {
                attempts.giveBack(); // the right credentials: not a failure (every admin request carries them)
            }
            chain.proceed();
            return;
        }
        LOGGER.log(
                System.Logger.Level.INFO,
                "event=admin-auth outcome=denied path="
                        + LogText.quote(req.path().path()));
        ApiError denied = ApiError.unauthorized("admin credentials required");
        // curl sends Basic credentials unasked; Java's HttpClient Authenticator waits for this challenge
        (fromBrowser(req) ? denied : denied.withHeader(HeaderNames.WWW_AUTHENTICATE, "Basic realm=\"" + REALM + "\""))
                .send(res);
    }

    /**
     * A request from a page: browsers send {@code Origin} on cross-site posts and {@code Sec-Fetch-Site} on every
     * request; no admin client (curl, the scripts, Java's HttpClient) sends {@code Origin}. {@code Sec-Fetch-Site}
     * {@code none} is the user typing the address, which is allowed (and gets no challenge).
     */
    private static boolean crossOriginBrowserRequest(RoutingRequest req) {
        return req.headers().contains(HeaderNames.ORIGIN)
                || req.headers()
                        .first(SEC_FETCH_SITE)
                        .map(site -> !site.equals("none") && !site.equals("same-origin"))
                        .orElse(false);
    }

    /** Any {@code Sec-Fetch-*} header: only browsers send them. */
    private static boolean fromBrowser(RoutingRequest req) {
        for (Header header : req.headers()) {
            if (header.name().regionMatches(true, 0, SEC_FETCH_PREFIX, 0, SEC_FETCH_PREFIX.length())) {
                return true;
            }
        }
        return false;
    }
}
