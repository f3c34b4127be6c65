package io.chat.socketio;

import static io.chat.socketio.JavaClients.await;
import static io.chat.socketio.JavaClients.closeAll;
import static io.chat.socketio.JavaClients.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.socketio.JavaClients.Mode;
import io.chat.socketio.JavaClients.TestClient;
import io.socket.client.Manager;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Namespaces added to and removed from a running server, seen by the official Java client. */
@FixtureTest
class JavaClientNamespaceLifecycleTest {
    private static FixtureServer server;

    @ParameterizedTest
    @EnumSource(Mode.class)
    void namespaceAddedAndRemovedAtRuntime(Mode mode) {
        String name = "/late-" + mode.name().toLowerCase();
        TestClient before = null;
        TestClient first = null;
        TestClient second = null;
        TestClient other = null;
        TestClient after = null;
        try {
            // not there yet
            before = JavaClients.client(server, name, mode).open();
            assertEquals("Invalid namespace", string(before.awaitConnectError(), "message"));

            FixtureServer.install(server.io().of(name));
            first = JavaClients.connected(server, name, mode);
            second = JavaClients.connected(server, name, mode);
            other = JavaClients.connected(server, "/test", mode);
            assertEquals(List.of("late"), Arrays.asList(first.call("echo", "late")));
            first.emit("everyone", "hello late");
            assertEquals("hello late", first.nextString("everyone-message"));
            assertEquals("hello late", second.nextString("everyone-message"));
            other.assertNothing("everyone-message");

            Namespace removed = server.io().namespace(name).orElseThrow();
            String firstId = first.id();
            String secondId = second.id();
            Map<String, DisconnectReason> serverSide = new ConcurrentHashMap<>();
            CompletableFuture<Void> bothGone = new CompletableFuture<>();
            removed.onDisconnect((socket, reason) -> {
                serverSide.put(socket.id(), reason);
                if (serverSide.size() == 2) {
                    bothGone.complete(null);
                }
            });
            server.io().removeNamespace(name);
            assertEquals("io server disconnect", first.awaitDisconnect());
            assertEquals("io server disconnect", second.awaitDisconnect());
            await(bothGone, "server-side disconnect of both sockets");
            assertEquals(
                    Map.of(
                            firstId, DisconnectReason.SERVER_NAMESPACE_DISCONNECT,
                            secondId, DisconnectReason.SERVER_NAMESPACE_DISCONNECT),
                    serverSide);
            assertTrue(server.io().namespace(name).isEmpty());
            assertEquals(0, removed.socketCount());

            // other namespaces are untouched
            assertTrue(other.socket.connected());
            other.barrier();
            assertFalse(other.disconnected.isDone());

            after = JavaClients.client(server, name, mode).open();
            assertEquals("Invalid namespace", string(after.awaitConnectError(), "message"));
        } finally {
            closeAll(before, first, second, other, after);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void namespaceCanBeAddedAgainAfterRemoval(Mode mode) {
        String name = "/again-" + mode.name().toLowerCase();
        TestClient first = null;
        TestClient second = null;
        try {
            FixtureServer.install(server.io().of(name));
            first = JavaClients.connected(server, name, mode);
            server.io().removeNamespace(name);
            assertEquals("io server disconnect", first.awaitDisconnect());

            FixtureServer.install(server.io().of(name));
            second = JavaClients.connected(server, name, mode);
            assertEquals(List.of("again"), Arrays.asList(second.call("echo", "again")));
        } finally {
            closeAll(first, second);
        }
    }

    /** Removing a namespace disconnects only that namespace's socket when the client multiplexes several. */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void removalLeavesOtherNamespacesOfSameConnection(Mode mode) {
        String name = "/shared-" + mode.name().toLowerCase();
        Manager manager = new Manager(URI.create(server.url()), mode.options(null));
        TestClient late = null;
        TestClient test = null;
        try {
            FixtureServer.install(server.io().of(name));
            late = new TestClient(manager.socket(name)).connect();
            test = new TestClient(manager.socket("/test")).connect();
            server.io().removeNamespace(name);
            assertEquals("io server disconnect", late.awaitDisconnect());
            assertEquals(List.of("alive"), Arrays.asList(test.call("echo", "alive")));
            assertTrue(test.socket.connected());
        } finally {
            closeAll(late, test);
        }
    }
}
