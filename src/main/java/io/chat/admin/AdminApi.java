package io.chat.admin;

import java.time.Clock;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.chat.chat.ChatService;
import io.chat.http.JsonHttp;
import io.chat.http.TenantRequests;
import io.chat.json.Json;
import io.chat.tenant.AuthConfig;
import io.chat.tenant.InvalidRequest;
import io.chat.tenant.Limits;
import io.chat.tenant.Names;
import io.chat.tenant.Tenant;
import io.chat.tenant.TenantDefinition;
import io.chat.tenant.TenantJson;
import io.chat.tenant.TenantRegistry;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** The admin REST API under {@code /admin}, served on the admin listener only, behind {@link AdminAuthFilter}. */
public final class AdminApi implements HttpService {
    private static final System.Logger LOGGER = System.getLogger(AdminApi.class.getName());

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
                .delete("/tenants/{id}/users/{username}", this::deleteUser)
                .post("/tenants/{id}/announcements", this::announce);
    }

    private void provision(ServerRequest req, ServerResponse res) {
        Optional<JsonNode> body = JsonHttp.readBody(req, res);
        if (body.isEmpty()) {
            return;
        }
        try {
            TenantDefinition definition = TenantJson.fromRequest(body.get(),
                                                                  clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
            Tenant tenant = registry.provision(definition);
            JsonHttp.send(res, Status.CREATED_201, view(tenant));
        } catch (InvalidRequest e) {
            JsonHttp.error(res, Status.BAD_REQUEST_400, "bad_request", e.getMessage());
        } catch (TenantRegistry.TenantExists e) {
            JsonHttp.error(res, Status.CONFLICT_409, "conflict", "tenant exists");
        }
    }

    private void list(ServerRequest req, ServerResponse res) {
        ArrayNode tenants = Json.mapper().createArrayNode();
        registry.all().stream()
                .sorted(java.util.Comparator.comparing(t -> t.id().value()))
                .forEach(t -> tenants.add(view(t)));
        JsonHttp.send(res, Status.OK_200, tenants);
    }

    private void show(ServerRequest req, ServerResponse res) {
        tenant(req, res).ifPresent(t -> JsonHttp.send(res, Status.OK_200, view(t)));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        Optional<Tenant> tenant = tenant(req, res);
        if (tenant.isEmpty()) {
            return;
        }
        try {
            registry.delete(tenant.get().id());
            res.status(Status.NO_CONTENT_204).send();
        } catch (TenantRegistry.UnknownTenant e) {
            JsonHttp.error(res, Status.NOT_FOUND_404, "not_found", "unknown tenant");
        }
    }

    private void setSuspended(ServerRequest req, ServerResponse res, boolean suspended) {
        Optional<Tenant> tenant = tenant(req, res);
        if (tenant.isEmpty()) {
            return;
        }
        try {
            Tenant updated = suspended ? registry.suspend(tenant.get().id()) : registry.resume(tenant.get().id());
            JsonHttp.send(res, Status.OK_200, view(updated));
        } catch (TenantRegistry.UnknownTenant e) {
            JsonHttp.error(res, Status.NOT_FOUND_404, "not_found", "unknown tenant");
        }
    }

    private void addUser(ServerRequest req, ServerResponse res) {
        Optional<Tenant> found = tenant(req, res);
        if (found.isEmpty()) {
            return;
        }
        Optional<JsonNode> body = JsonHttp.readBody(req, res);
        if (body.isEmpty()) {
            return;
        }
        Tenant tenant = found.get();
        if (!(tenant.definition().auth() instanceof AuthConfig.Password)) {
            JsonHttp.error(res, Status.BAD_REQUEST_400, "bad_request", "this tenant uses jwt: users come from its tokens");
            return;
        }
        Optional<String> username = JsonHttp.text(body.get(), "username");
        Optional<String> password = JsonHttp.text(body.get(), "password");
        Optional<String> displayName = JsonHttp.text(body.get(), "displayName");
        if (username.isEmpty() || !Names.isUsername(username.get())) {
            JsonHttp.error(res, Status.BAD_REQUEST_400, "bad_request",
                           "username is 1-32 characters of a-z, 0-9, '.', '_', '-'");
            return;
        }
        if (password.isEmpty() || !Names.isPassword(password.get())) {
            JsonHttp.error(res, Status.BAD_REQUEST_400, "bad_request", "password needs 8 to 1024 characters");
            return;
        }
        if (displayName.isPresent() && (displayName.get().isBlank() || displayName.get().length() > 100)) {
            JsonHttp.error(res, Status.BAD_REQUEST_400, "bad_request", "displayName is 1-100 characters");
            return;
        }
        try {
            tenant.createUser(username.get(), password.get(), displayName);
        } catch (Tenant.UserExists e) {
            JsonHttp.error(res, Status.CONFLICT_409, "conflict", "user exists");
            return;
        }
        LOGGER.log(System.Logger.Level.INFO, "tenant=" + tenant.id() + " event=user-create outcome=ok");
        ObjectNode user = Json.mapper().createObjectNode().put("username", username.get());
        displayName.ifPresent(d -> user.put("displayName", d));
        JsonHttp.send(res, Status.CREATED_201, user);
    }

    private void deleteUser(ServerRequest req, ServerResponse res) {
        Optional<Tenant> tenant = tenant(req, res);
        if (tenant.isEmpty()) {
            return;
        }
        String username = req.path().pathParameters().get("username");
        if (!Names.isUsername(username) || !registry.deleteUser(tenant.get(), username)) {
            JsonHttp.error(res, Status.NOT_FOUND_404, "not_found", "unknown user");
            return;
        }
        LOGGER.log(System.Logger.Level.INFO, "tenant=" + tenant.get().id() + " event=user-delete outcome=ok");
        res.status(Status.NO_CONTENT_204).send();
    }

    private void announce(ServerRequest req, ServerResponse res) {
        Optional<Tenant> tenant = tenant(req, res);
        if (tenant.isEmpty()) {
            return;
        }
        Optional<JsonNode> body = JsonHttp.readBody(req, res);
        if (body.isEmpty()) {
            return;
        }
        Optional<String> text = JsonHttp.text(body.get(), "text");
        if (text.isEmpty() || text.get().isEmpty() || Limits.textLength(text.get()) > Limits.MAX_TEXT_LENGTH) {
            JsonHttp.error(res, Status.BAD_REQUEST_400, "bad_request", "text is 1-4000 characters");
            return;
        }
        chat.announce(tenant.get(), text.get());
        LOGGER.log(System.Logger.Level.INFO, "tenant=" + tenant.get().id() + " event=announce outcome=ok");
        JsonHttp.send(res, Status.ACCEPTED_202, Json.mapper().createObjectNode().put("ok", true));
    }

    private Optional<Tenant> tenant(ServerRequest req, ServerResponse res) {
        return TenantRequests.tenant(registry, req, res, "id");
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
