package io.chat.platform;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a platform test makes for itself: password tenants with ids unique in the JVM, and sockets of the official
 * Java client, closed after the test. Registered as an instance field with {@link RegisterExtension}, either on the
 * server of a {@link PlatformTest} class ({@link #on}), or, for a test that restarts its server, on a server of each
 * test's own ({@link #ownServer}): started before the test on a new tenants folder through
 * {@link PlatformServer#start(Path)} ({@code Main}'s setup, as a {@link PlatformTest}'s server is) and closed after it.
 */
final class ChatFixture implements BeforeEachCallback, AfterEachCallback {
    private final String tenantPrefix;
    private final boolean ownsServer;
    private final List<ChatClient> clients = new ArrayList<>();
    private Path tenants;
    private PlatformServer server;

    private ChatFixture(String tenantPrefix, PlatformServer server, boolean ownsServer) {
        this.tenantPrefix = tenantPrefix;
        this.server = server;
        this.ownsServer = ownsServer;
    }

    /**
     * On the server of a {@link PlatformTest} class: its static field, set before the test instance (and so this
     * field) is made.
     */
    static ChatFixture on(PlatformServer classServer, String tenantPrefix) {
        return new ChatFixture(
                tenantPrefix, Objects.requireNonNull(classServer, "the @PlatformTest server is not started"), false);
    }

    /** On a server of each test's own, on a new tenants folder; {@link #restart} starts it again on that folder. */
    static ChatFixture ownServer(String tenantPrefix) {
        return new ChatFixture(tenantPrefix, null, true);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        if (ownsServer) {
            tenants = Files.createTempDirectory(tenantPrefix + "-tenants");
            server = PlatformServer.start(tenants);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        closeClients();
        if (ownsServer && server != null) {
            server.close();
        }
    }

    PlatformServer server() {
        return server;
    }

    /** Closes the test's sockets and its server, and starts the server again on the same tenants folder. */
    void restart() {
        if (!ownsServer) {
            throw new IllegalStateException("the server is the class's: ChatFixture.ownServer restarts");
        }
        closeClients();
        server.close();
        server = PlatformServer.start(tenants);
    }

    /** A new password tenant with limits (a JSON object, or null for the defaults) and users. */
    String tenant(String limitsJson, String... users) {
        String id = TestTenants.newId(tenantPrefix);
        TestTenants.passwordTenant(server, id, limitsJson, users);
        return id;
    }

    /** A socket of a new session of {@code user} on the client's default options, once connected. */
    ChatClient connect(String tenant, String user) {
        ChatClient client = closeAfter(
                ChatClient.open(server.url(), "/" + tenant, ChatClient.defaultOptions(server.login(tenant, user))));
        client.awaitConnected();
        return client;
    }

    /** A socket of the session {@code token} that follows its user's rooms (it asks at CONNECT), once connected. */
    ChatClient following(String tenant, String token) {
        return closeAfter(ChatClient.following(server.url(), "/" + tenant, token));
    }

    /**
     * A socket of a new session of {@code user} that follows its user's rooms, as the web client's, once told them
     * (its first {@code rooms:mine}).
     */
    ChatClient followingUser(String tenant, String user) {
        ChatClient client = following(tenant, server.login(tenant, user));
        client.awaitEvent("rooms:mine");
        return client;
    }

    /** Closes {@code client} after the test (or at {@link #restart}). */
    ChatClient closeAfter(ChatClient client) {
        clients.add(client);
        return client;
    }

    private void closeClients() {
        clients.forEach(ChatClient::close);
        clients.clear();
    }
}
