package io.chat.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chat.chat.ChatService;
import io.chat.chat.MessagePages;
import io.chat.chat.TooManyRefusedTokens;
import io.chat.history.MessagePage;
import io.chat.http.ApiError;
import io.chat.http.ClientAddress;
import io.chat.http.JsonHttp;
import io.chat.http.TenantRequests;
import io.chat.http.TrustedProxies;
import io.chat.json.Json;
import io.chat.tenant.LoginResult;
import io.chat.tenant.Names;
import io.chat.tenant.PasswordChangeResult;
import io.chat.tenant.Tenant;
import io.chat.tenant.TenantRegistry;
import io.chat.tenant.auth.AuthenticatedUser;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/** The public REST API under {@code /api}: login, logout, password change, room history. */
public final class PublicApi implements HttpService {
    private static final System.Logger LOGGER = System.getLogger(PublicApi.class.getName());
    private static final int HISTORY_DEFAULT = 50;
    private static final int HISTORY_MAX = 100;
    /**
     * A login's or resume's body, read before anyone is signed in: a user name, a password of at most 1024 characters
     * even written all as JSON escapes (6 bytes a character), and a flag fit. 64 KiB, the general bound, let strangers'
     * unfinished logins hold 94 KB of heap each (a hostile review ran a 512 MiB heap out with 6,000 of them).
     */
    static final int MAX_LOGIN_BODY_BYTES = 8 * 1024;
    /** A password change's body: two passwords as a login's one. */
    static final int MAX_PASSWORD_CHANGE_BODY_BYTES = 2 * MAX_LOGIN_BODY_BYTES;
    /**
     * Logins per client address: 2 in progress at once (clients behind one proxy share an address; two hashes at a
     * time is plenty for people typing passwords), up to 32 more waiting their turn for at most 10 s, then 429.
     * At most 4,096 addresses and 1,024 waiting logins in all.
     */
    static final int LOGINS_PER_ADDRESS = 2;

    static final int WAITING_PER_ADDRESS = 32;
    static final Duration LOGIN_WAIT = Duration.ofSeconds(10);

    private final LoginSlots loginSlots =
            new LoginSlots(LOGINS_PER_ADDRESS, WAITING_PER_ADDRESS, 4_096, 1_024, LOGIN_WAIT);

    private final TenantRegistry registry;
    private final ChatService chat;
    private final TrustedProxies proxies;

    /** @param proxies the balancers whose X-Forwarded-For names the client a login's throttle counts */
    public PublicApi(TenantRegistry registry, ChatService chat, TrustedProxies proxies) {
        this.proxies = proxies;
        this.registry = registry;
        this.chat = chat;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/tenants/{tenant}/sessions", this::login)
                .post("/tenants/{tenant}/sessions/resume", this::resume)
                .delete("/tenants/{tenant}/sessions/current", this::logout)
                .put("/tenants/{tenant}/password", this::changePassword)
                .get("/tenants/{tenant}/rooms/{room}/messages", this::history);
    }

    /** A login body over {@link #MAX_LOGIN_BODY_BYTES}: no user name and password are that long (400, as before). */
    private static ApiError notALogin() {
        return ApiError.badRequest("invalid username or password");
    }

    /**
     * {@code check} of a session token the request brought, counted as a CONNECT's ({@link ChatService#checkToken}):
     * 429 with {@code Retry-After}, before any lookup, while the client's network has no refusals left for the tenant.
     */
    private <T> Optional<T> checkToken(ServerRequest req, Tenant tenant, String token, Supplier<Optional<T>> check) {
        try {
            return chat.checkToken(tenant, proxies.clientOf(req), token, check);
        } catch (TooManyRefusedTokens e) {
            // DEBUG: at INFO, a flood would make the server write a log line for every refusal it answers
            LOGGER.log(System.Logger.Level.DEBUG, "tenant=" + tenant.id() + " event=token outcome=rate-limited");
            throw ApiError.rateLimited("too many refused tokens", e.retryAfterSeconds());
        }
    }

    private Tenant tenant(ServerRequest req) {
        return TenantRequests.tenant(registry, req, "tenant");
    }

    private void login(ServerRequest req, ServerResponse res) {
        Tenant tenant = tenant(req);
        JsonNode body = JsonHttp.readBody(req, MAX_LOGIN_BODY_BYTES, PublicApi::notALogin);
        Optional<String> username = JsonHttp.text(body, "username");
        Optional<String> password = JsonHttp.text(body, "password");
        if (!body.isObject()
                || username.isEmpty()
                || password.isEmpty()
                || password.get().length() > Names.MAX_PASSWORD_LENGTH) {
            throw ApiError.badRequest("username and password are required");
        }
        // before anything keys on it or looks it up: a name no user can have is malformed
        if (!Names.isUsername(username.get())) {
            throw ApiError.badRequest("invalid username");
        }
        JsonNode rememberField = body.get("remember");
        if (rememberField != null && !rememberField.isBoolean()) {
            throw ApiError.badRequest("remember is true or false");
        }
        boolean remember = rememberField != null && rememberField.booleanValue();
        if (remember && !SessionCookie.sameOrigin(req)) {
            throw ApiError.forbidden("cross-origin request");
        }
        if (tenant.suspended()) {
            throw ApiError.forbidden("tenant suspended");
        }
        String network = ClientAddress.network(proxies.clientOf(req));
        LoginResult result = passwordAttempt(
                tenant,
                username.get(),
                network,
                () -> tenant.login(username.get(), password.get(), network),
                LoginResult.RateLimited::new);
        if (result instanceof LoginResult.Success) {
            chat.loginSucceeded(tenant, username.get(), network);
        } else if (result instanceof LoginResult.BadCredentials) {
            chat.loginFailed(tenant, username.get(), network);
        }
        switch (result) {
            case LoginResult.Success success -> {
                ObjectNode answer = Json.mapper()
                        .createObjectNode()
                        .put("token", success.token())
                        .put("user", success.username())
                        .put("expiresAt", success.expiresAt().toString());
                LOGGER.log(System.Logger.Level.INFO, "tenant=" + tenant.id() + " event=login outcome=ok");
                if (remember) {
                    SessionCookie.set(res, proxies, req, tenant.id().value(), success.token(), success.expiresAt());
                }
                JsonHttp.send(res, Status.CREATED_201, answer);
            }
            case LoginResult.BadCredentials bad -> {
                LOGGER.log(System.Logger.Level.INFO, "tenant=" + tenant.id() + " event=login outcome=denied");
                throw ApiError.unauthorized("invalid username or password");
            }
            case LoginResult.RateLimited limited -> {
                LOGGER.log(System.Logger.Level.INFO, "tenant=" + tenant.id() + " event=login outcome=rate-limited");
                throw ApiError.rateLimited("too many failed logins", limited.retryAfterSeconds());
            }
            case LoginResult.NotPasswordTenant jwt ->
                throw ApiError.badRequest("this tenant signs in with its own tokens");
        }
    }

    /**
     * A new tab or a restarted browser signs in again with the cookie a "remember" login left (see
     * {@link SessionCookie}): the same session, as long as it lasts.
     */
    private void resume(ServerRequest req, ServerResponse res) {
        Tenant tenant = tenant(req);
        // JSON only: a cross-site page cannot send it without a CORS permission
        JsonHttp.readBody(req, MAX_LOGIN_BODY_BYTES, PublicApi::notALogin);
        if (!SessionCookie.sameOrigin(req)) {
            throw ApiError.forbidden("cross-origin request");
        }
        if (tenant.suspended()) {
            // as login answers it, and the cookie stays: the session is not over, the tenant is only paused
            throw ApiError.forbidden("tenant suspended");
        }
        Optional<String> token = SessionCookie.read(req);
        // past its network's refusals, 429 (thrown: the cookie stays, it may well be good)
        Optional<AuthenticatedUser> user = token.isEmpty()
                ? Optional.empty()
                : checkToken(req, tenant, token.get(), () -> tenant.authenticate(token.get()));
        if (user.isEmpty()) {
            // answered here, not thrown: an error handler's answer would lose the cookie's clearing
            SessionCookie.clear(res, proxies, req, tenant.id().value());
            JsonHttp.error(res, Status.UNAUTHORIZED_401, "unauthorized", "no session to resume");
            return;
        }
        ObjectNode answer = Json.mapper()
                .createObjectNode()
                .put("token", token.get())
                .put("user", user.get().username())
                .put("expiresAt", user.get().expiresAt().toString());
        JsonHttp.send(res, Status.OK_200, answer);
    }

    private void logout(ServerRequest req, ServerResponse res) {
        Tenant tenant = tenant(req);
        Optional<String> token = JsonHttp.bearer(req);
        // whatever the answer, this browser keeps no session of the tenant (answered here, not thrown: an error
        // handler's answer would lose the cookie's clearing)
        SessionCookie.clear(res, proxies, req, tenant.id().value());
        // the registry tells the chat, which disconnects the token's sockets, as for a user's deletion
        boolean revoked;
        try {
            revoked = token.isPresent()
                    && checkToken(req, tenant, token.get(), () -> Optional.of(true)
                                    .filter(yes -> registry.logout(tenant, token.get())))
                            .isPresent();
        } catch (ApiError tooMany) {
            tooMany.send(res); // answered here, keeping the cookie's clearing
            return;
        }
        if (!revoked) {
            JsonHttp.error(res, Status.UNAUTHORIZED_401, "unauthorized", "invalid or missing token");
            return;
        }
        LOGGER.log(System.Logger.Level.INFO, "tenant=" + tenant.id() + " event=logout outcome=ok");
        res.status(Status.NO_CONTENT_204).send();
    }

    /**
     * A signed-in user sets a new password, giving the current one: their other sessions end (and their sockets go),
     * the one asking stays. Wrong current passwords count as failed logins, in the same limits and slots.
     */
    private void changePassword(ServerRequest req, ServerResponse res) {
        Tenant tenant = tenant(req);
        if (tenant.suspended()) {
            throw ApiError.forbidden("tenant suspended");
        }
        // before any count or slot is taken: its identity provider holds its users' passwords
        if (!tenant.storesTokens()) {
            throw ApiError.badRequest("this tenant signs in with its own tokens");
        }
        // the token first (a header): a stranger's body is never read, so strangers' unfinished bodies hold no heap
        Optional<String> token = JsonHttp.bearer(req);
        AuthenticatedUser user = token.flatMap(t -> checkToken(req, tenant, t, () -> tenant.authenticate(t)))
                .orElseThrow(() -> ApiError.unauthorized("invalid or missing token"));
        JsonNode body = JsonHttp.readBody(
                req, MAX_PASSWORD_CHANGE_BODY_BYTES, () -> ApiError.badRequest("invalid password change"));
        Optional<String> current = JsonHttp.text(body, "currentPassword")
                .filter(p -> !p.isEmpty() && p.length() <= Names.MAX_PASSWORD_LENGTH);
        if (current.isEmpty()) {
            throw ApiError.badRequest("currentPassword is required");
        }
        String next = JsonHttp.text(body, "newPassword")
                .filter(Names::isPassword)
                .orElseThrow(() -> ApiError.badRequest("newPassword needs 8 to 1024 characters"));
        String network = ClientAddress.network(proxies.clientOf(req));
        String username = user.username();
        PasswordChangeResult result = passwordAttempt(
                tenant,
                username,
                network,
                () -> registry.changePassword(tenant, username, token.get(), current.get(), next, network),
                PasswordChangeResult.RateLimited::new);
        switch (result) {
            case PasswordChangeResult.Changed changed -> {
                chat.loginSucceeded(tenant, username, network);
                LOGGER.log(System.Logger.Level.INFO, "tenant=" + tenant.id() + " event=password-change outcome=ok");
                res.status(Status.NO_CONTENT_204).send();
            }
            case PasswordChangeResult.WrongPassword wrong -> {
                chat.loginFailed(tenant, username, network);
                LOGGER.log(System.Logger.Level.INFO, "tenant=" + tenant.id() + " event=password-change outcome=denied");
                // not 401: the session is good, only the password given is not
                throw ApiError.forbidden("current password is wrong");
            }
            case PasswordChangeResult.RateLimited limited ->
                throw ApiError.rateLimited("too many failed logins", limited.retryAfterSeconds());
            case PasswordChangeResult.ChangedMeanwhile meanwhile -> {
                chat.loginSucceeded(tenant, username, network); // the password given was right: no failure counted
                throw ApiError.conflict("password changed meanwhile");
            }
            case PasswordChangeResult.SessionEnded ended -> throw ApiError.unauthorized("invalid or missing token");
        }
    }

    /**
     * Checks a password of {@code username} (a login, a change) within the address's login slots (429 when they are
     * taken) and the cluster's count of the user's attempts: refused there, {@code refused} answers as the tenant's
     * own count does, with the seconds one attempt takes to come back.
     */
    private <T> T passwordAttempt(
            Tenant tenant, String username, String network, Supplier<T> attempt, LongFunction<T> refused) {
        try (LoginSlots.Slot held = loginSlots.acquire(network).orElseThrow(() -> {
            // DEBUG: at INFO, a flood would make the server write a log line for every refusal it answers
            LOGGER.log(System.Logger.Level.DEBUG, "tenant=" + tenant.id() + " event=login outcome=busy");
            return ApiError.rateLimited("too many login attempts", 1);
        })) {
            int perMinute = tenant.limits().loginFailuresPerMinute();
            return chat.takeLoginAttempt(tenant, username, network)
                    ? attempt.get()
                    : refused.apply((60 + perMinute - 1) / perMinute);
        }
    }

    private void history(ServerRequest req, ServerResponse res) {
        Tenant tenant = tenant(req);
        Optional<String> token = JsonHttp.bearer(req);
        if (tenant.suspended()) {
            // not 401: that tells a client to forget its session, which resumes with the tenant (as login and resume)
            throw ApiError.forbidden("tenant suspended");
        }
        AuthenticatedUser user = token.flatMap(t -> checkToken(req, tenant, t, () -> tenant.authenticate(t)))
                .orElseThrow(() -> ApiError.unauthorized("invalid or missing token"));
        // the user's event bucket, as a socket's history:fetch: REST is no way around the limit. Checked first, as
        // for an event, so malformed requests count too. A token comes back within 1/eventsPerSecond s <= 1 s.
        if (!chat.tryEvent(tenant, user.username())) {
            LOGGER.log(System.Logger.Level.DEBUG, "tenant=" + tenant.id() + " event=history outcome=rate-limited");
            throw ApiError.rateLimited("slow down", 1);
        }
        String room = req.path().pathParameters().get("room");
        if (!Names.isRoomOrConversation(room)) {
            throw ApiError.notFound("unknown room");
        }
        // a conversation's history is its members' only: the same answer whether it exists or not
        if (Names.isConversation(room)
                && !tenant.store().conversationMembers(room).join().contains(user.username())) {
            throw ApiError.forbidden("not a member");
        }
        OptionalLong before;
        int limit;
        try {
            before = req.query()
                    .first("before")
                    .asOptional()
                    .map(Long::parseLong)
                    .map(OptionalLong::of)
                    .orElse(OptionalLong.empty());
            limit = req.query()
                    .first("limit")
                    .asOptional()
                    .map(Integer::parseInt)
                    .orElse(HISTORY_DEFAULT);
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("before and limit must be numbers");
        }
        if (limit < 1 || limit > HISTORY_MAX || (before.isPresent() && before.getAsLong() < 0)) {
            throw ApiError.badRequest("limit is 1 to 100, before is not negative");
        }
        // a tenant whose reads are queued to their bound fails at once: Main maps that to 503 for every route
        MessagePage page = tenant.store().before(room, before, limit).join();
        // the read may have waited in the tenant's queue: a suspension or a logout that answered meanwhile wins
        // (docs/CONTRACT.md), each with its own answer: 403 keeps the client's session for when the tenant resumes
        if (tenant.suspended()) {
            throw ApiError.forbidden("tenant suspended");
        }
        if (!tenant.notRevoked(Tenant.tokenKey(token.get()))) {
            throw ApiError.unauthorized("invalid or missing token");
        }
        JsonHttp.send(
                res,
                Status.OK_200,
                MessagePages.putNewest(Json.mapper().createObjectNode(), page, MessagePages.MAX_BYTES));
    }
}
