package io.chat.admin;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

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
        AuthenticationResponse response = context.atnClientBuilder().submit();
        if (response.status().isSuccess() && context.isAuthenticated()) {
            chain.proceed();
            return;
        }
        LOGGER.log(System.Logger.Level.INFO, "event=admin-auth outcome=denied path=" + req.path().path());
        res.header(HeaderNames.WWW_AUTHENTICATE, "Basic realm=\"" + REALM + "\"");
        JsonHttp.error(res, Status.UNAUTHORIZED_401, "unauthorized", "admin credentials required");
    }
}
