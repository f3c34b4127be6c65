package io.chat.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chat.chat.ChatService;
import io.chat.history.AccountStore;
import io.chat.history.UserRecord;
import io.chat.http.ApiError;
import io.chat.http.JsonHttp;
import io.chat.http.TenantRequests;
import io.chat.json.Json;
import io.chat.tenant.AuthConfig;
import io.chat.tenant.InvalidRequest;
import io.chat.tenant.Limits;
import io.chat.tenant.Names;
import io.chat.tenant.Tenant;
import io.chat.tenant.TenantJson;
import io.chat.tenant.TenantRegistry;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/** The admin REST API under {@code /admin}, served on the admin listener only, behind {@link AdminAuthFilter}. */
public final class AdminApi implements HttpService {
    private static final System.Logger LOGGER = System.getLogger(AdminApi.class.getName());

    private static final int USERS_PAGE = 100;
    private static final int MAX_USERS_PAGE = 1_000;

    private final TenantRegistry registry;
    private final ChatService chat;
    private final Clock clock;

    public AdminApi(TenantRegistry registry, ChatService chat, Clock clock) {
        this.registry = registry;
        this.chat = chat;
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/tenants", this::provision)
                .get("/tenants", this::list)
                .get("/tenants/{id}", this::show)
                .delete("/tenants/{id}", this::delete)
                .post("/tenants/{id}/suspend", (req, res) -> setSuspended(req, res, true))
                .post("/tenants/{id}/resume", (req, res) -> setSuspended(req, res, false))
                .post("/tenants/{id}/users", this::addUser)
                .get("/tenants/{id}/users", this::listUsers)
                .delete("/tenants/{id}/users/{username}", this::deleteUser)
                .put("/tenants/{id}/users/{username}/password", this::resetPassword)
                .patch("/tenants/{id}/users/{username}", this::updateUser)
                .post("/tenants/{id}/announcements", this::announce);
    }

    private void provision(ServerRequest req, ServerResponse res) {
        JsonNode body = JsonHttp.readBody(req);
        Tenant tenant;
        try {
            tenant = registry.provision(
                    TenantJson.fromRequest(body, clock.instant().truncatedTo(ChronoUnit.MILLIS)));
        } catch (InvalidRequest e) {
            throw ApiError.badRequest(e.getMessage());
        } catch (TenantRegistry.TenantExists e) {
            throw ApiError.conflict("tenant exists");
        }
        JsonHttp.send(res, Status.CREATED_201, view(tenant));
    }

    private void list(ServerRequest req, ServerResponse res) {
        ArrayNode tenants = Json.mapper().createArrayNode();
        registry.all().stream()
                .sorted(java.util.Comparator.comparing(t -> t.id().value()))
                .forEach(t -> tenants.add(view(t)));
        JsonHttp.send(res, Status.OK_200, tenants);
    }

    private void show(ServerRequest req, ServerResponse res) {
        JsonHttp.send(res, Status.OK_200, view(tenant(req)));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        Tenant tenant = tenant(req);
        try {
            registry.delete(tenant.id());
        } catch (TenantRegistry.UnknownTenant e) {
            throw ApiError.notFound("unknown tenant");
        }
        res.status(Status.NO_CONTENT_204).send();
    }

    private void setSuspended(ServerRequest req, ServerResponse res, boolean suspended) {
        Tenant tenant = tenant(req);
        Tenant updated;
        try {
            updated = suspended ? registry.suspend(tenant.id()) : registry.resume(tenant.id());
        } catch (TenantRegistry.UnknownTenant e) {
            throw ApiError.notFound("unknown tenant");
        }
        JsonHttp.send(res, Status.OK_200, view(updated));
    }

    private void addUser(ServerRequest req, ServerResponse res) {
        Tenant tenant = passwordTenant(req);
        JsonNode body = JsonHttp.readBody(req);
        String username = JsonHttp.text(body, "username")
                .filter(Names::isUsername)
                .orElseThrow(() -> ApiError.badRequest("username is 1-32 characters of a-z, 0-9, '.', '_', '-'"));
        String password = JsonHttp.text(body, "password")
                .filter(Names::isPassword)
                .orElseThrow(() -> ApiError.badRequest("password needs 8 to 1024 characters"));
        Optional<String> displayName = JsonHttp.text(body, "displayName");
        if (displayName.isPresent() && !Names.isDisplayName(displayName.get(), 100)) {
            throw ApiError.badRequest("displayName is 1-100 printable characters");
        }
        try {
            tenant.createUser(username, password, displayName);
        } catch (Tenant.UserExists e) {
            throw ApiError.conflict("user exists");
        } catch (Tenant.NameTaken e) {
            throw ApiError.conflict("another user goes by this name");
        }
        LOGGER.log(System.Logger.Level.INFO, "tenant=" + tenant.id() + " event=user-create outcome=ok");
        JsonHttp.send(res, Status.CREATED_201, userView(username, displayName));
    }

    /** A page of a password tenant's users, by name: {@code ?after=<username>&limit=<1..1000>} (default 100). */
    private void listUsers(ServerRequest req, ServerResponse res) {
        Tenant tenant = passwordTenant(req);
        String after = req.query().first("after").orElse("");
        if (!after.isEmpty() && !Names.isUsername(after)) {
            throw ApiError.badRequest("after is a username");
        }
        int limit;
        try {
            limit = req.query().first("limit").map(Integer::parseInt).orElse(USERS_PAGE);
        } catch (NumberFormatException e) {
            limit = 0;
        }
        if (limit < 1 || limit > MAX_USERS_PAGE) {
            throw ApiError.badRequest("limit is 1 to 1000");
        }
        AccountStore.UserPage page = tenant.store().users(after, "", limit).join();
        ArrayNode users = Json.mapper().createArrayNode();
        for (UserRecord user : page.users()) {
            users.add(userView(user.username(), user.displayName())
                    .put("createdAt", user.createdAt().toString()));
        }
        ObjectNode answer = Json.mapper().createObjectNode();
        answer.set("users", users);
        answer.put("hasMore", page.hasMore());
        JsonHttp.send(res, Status.OK_200, answer);
    }

    private void deleteUser(ServerRequest req, ServerResponse res) {
        Tenant tenant = tenant(req);
        if (!registry.deleteUser(tenant, pathUser(req))) {
            throw ApiError.notFound("unknown user");
        }
        LOGGER.log(System.Logger.Level.INFO, "tenant=" + tenant.id() + " event=user-delete outcome=ok");
        res.status(Status.NO_CONTENT_204).send();
    }

    /**
     * Renames a user for people: {@code {"displayName":"..."}} sets it, {@code null} removes it. The tenant's sockets
     * are told ({@code user:updated}), so open clients show the new name at once.
     */
    private void updateUser(ServerRequest req, ServerResponse res) {
        Tenant tenant = passwordTenant(req);
        String username = pathUser(req);
        JsonNode body = JsonHttp.readBody(req);
        JsonNode field = body.get("displayName");
        if (!body.isObject() || field == null || !(field.isNull() || field.isTextual())) {
            throw ApiError.badRequest("displayName is a text or null");
        }
        Optional<String> displayName = field.isNull() ? Optional.empty() : Optional.of(field.asText());
        if (displayName.isPresent() && !Names.isDisplayName(displayName.get(), 100)) {
            throw ApiError.badRequest("displayName is 1-100 printable characters");
        }
        try {
            if (!tenant.setDisplayName(username, displayName)) {
                throw ApiError.notFound("unknown user");
            }
        } catch (Tenant.NameTaken e) {
            throw ApiError.conflict("another user goes by this name");
        }
        chat.userUpdated(tenant, username, displayName);
        LOGGER.log(System.Logger.Level.INFO, "tenant=" + tenant.id() + " event=user-update outcome=ok");
        JsonHttp.send(res, Status.OK_200, userView(username, displayName));
    }

    private void resetPassword(ServerRequest req, ServerResponse res) {
        Tenant tenant = passwordTenant(req);
        String username = pathUser(req);
        JsonNode body = JsonHttp.readBody(req);
        String password = JsonHttp.text(body, "password")
                .filter(Names::isPassword)
                .orElseThrow(() -> ApiError.badRequest("password needs 8 to 1024 characters"));
        if (!registry.resetPassword(tenant, username, password)) {
            throw ApiError.notFound("unknown user");
        }
        // and the cluster's count of the user's failed logins starts again, as after a login
        chat.loginSucceeded(tenant, username, "");
        LOGGER.log(System.Logger.Level.INFO, "tenant=" + tenant.id() + " event=password-reset outcome=ok");
        res.status(Status.NO_CONTENT_204).send();
    }

    private void announce(ServerRequest req, ServerResponse res) {
        Tenant tenant = tenant(req);
        JsonNode body = JsonHttp.readBody(req);
        String text = JsonHttp.text(body, "text")
                .filter(t -> !t.isEmpty() && Limits.textLength(t) <= Limits.MAX_TEXT_LENGTH)
                .orElseThrow(() -> ApiError.badRequest("text is 1-4000 characters"));
        chat.announce(tenant, text);
        LOGGER.log(System.Logger.Level.INFO, "tenant=" + tenant.id() + " event=announce outcome=ok");
        JsonHttp.send(res, Status.ACCEPTED_202, Json.mapper().createObjectNode().put("ok", true));
    }

    private Tenant tenant(ServerRequest req) {
        return TenantRequests.latestTenant(registry, req, "id");
    }

    /** The request's tenant, which must keep its own users (a password tenant): 400 for a JWT tenant. */
    private Tenant passwordTenant(ServerRequest req) {
        Tenant tenant = tenant(req);
        if (!(tenant.definition().auth() instanceof AuthConfig.Password)) {
            throw ApiError.badRequest("this tenant uses jwt: users come from its tokens");
        }
        return tenant;
    }

    /** The user name in the path: 404 for one no user can have. */
    private static String pathUser(ServerRequest req) {
        String username = req.path().pathParameters().get("username");
        if (!Names.isUsername(username)) {
            throw ApiError.notFound("unknown user");
        }
        return username;
    }

    private static ObjectNode userView(String username, Optional<String> displayName) {
        ObjectNode user = Json.mapper().createObjectNode().put("username", username);
        displayName.ifPresent(d -> user.put("displayName", d));
        return user;
    }

    private ObjectNode view(Tenant tenant) {
        ObjectNode node = TenantJson.toPublic(tenant.definition());
        ChatService.LiveFigures live = chat.figures(tenant);
        node.put("sockets", live.sockets());
        node.put("rooms", live.rooms());
        node.put("messages", tenant.store().messageCount());
        return node;
    }
}
