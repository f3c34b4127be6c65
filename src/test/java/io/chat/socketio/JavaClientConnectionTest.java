package io.chat.socketio;

import static io.chat.socketio.JavaClients.await;
import static io.chat.socketio.JavaClients.closeAll;
import static io.chat.socketio.JavaClients.object;
import static io.chat.socketio.JavaClients.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.socketio.JavaClients.Mode;
import io.chat.socketio.JavaClients.TestClient;
import io.socket.client.IO;
import io.socket.client.Manager;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.json.JSONObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Connecting with the official Java client: handshake, middleware, unknown and dynamic namespaces, disconnects. */
@FixtureTest
class JavaClientConnectionTest {
    private static FixtureServer server;

    @ParameterizedTest
    @EnumSource(Mode.class)
    void connectsAndIsWelcomed(Mode mode) {
        TestClient client = null;
        try {
            client = JavaClients.connected(server, "/test", mode);
            assertTrue(client.socket.connected());
            assertNotNull(client.id());
            client.barrier();
        } finally {
            closeAll(client);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void twoClientsGetDistinctIds(Mode mode) {
        TestClient a = null;
        TestClient b = null;
        try {
            a = JavaClients.connected(server, "/test", mode);
            b = JavaClients.connected(server, "/test", mode);
            assertNotEquals(a.id(), b.id());
        } finally {
            closeAll(a, b);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = "POLLING_UPGRADE")
    void pollingUpgradesToWebSocketAndKeepsWorking(Mode mode) {
        TestClient client = null;
        try {
            client = JavaClients.connected(server, "/test", mode);
            assertEquals("websocket", await(client.upgraded, "upgrade to websocket"));
            assertEquals(List.of("polling", "websocket"), client.transports);
            assertTrue(client.socket.connected());
            assertEquals(List.of("after upgrade"), Arrays.asList(client.call("echo", "after upgrade")));
        } finally {
            closeAll(client);
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = Mode.class,
            names = {"WEBSOCKET", "POLLING"})
    void fixedTransportIsNeverUpgraded(Mode mode) {
        TestClient client = null;
        try {
            client = JavaClients.connected(server, "/test", mode);
            client.barrier();
            assertEquals(List.of(mode == Mode.WEBSOCKET ? "websocket" : "polling"), client.transports);
        } finally {
            closeAll(client);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void middlewareRejectsBadToken(Mode mode) {
        TestClient client = null;
        try {
            client = JavaClients.client(server, "/private", mode, Map.of("token", "wrong"))
                    .open();
            JSONObject error = client.awaitConnectError();
            assertEquals("unauthorized", string(error, "message"));
            assertEquals("bad token", string(object(error, "data"), "reason"));
            assertFalse(client.socket.connected());
        } finally {
            closeAll(client);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void middlewareRejectsMissingToken(Mode mode) {
        TestClient client = null;
        try {
            client = JavaClients.client(server, "/private", mode).open();
            JSONObject error = client.awaitConnectError();
            assertEquals("unauthorized", string(error, "message"));
            assertEquals("bad token", string(object(error, "data"), "reason"));
        } finally {
            closeAll(client);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void middlewareAcceptsGoodToken(Mode mode) {
        TestClient client = null;
        try {
            client = JavaClients.client(server, "/private", mode, Map.of("token", "secret"))
                    .connect();
            assertTrue(client.socket.connected());
            assertEquals(List.of("private", 1), Arrays.asList(client.call("echo", "private", 1)));
        } finally {
            closeAll(client);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void unknownNamespaceIsRefused(Mode mode) {
        TestClient client = null;
        try {
            client = JavaClients.client(server, "/does-not-exist", mode).open();
            assertEquals("Invalid namespace", string(client.awaitConnectError(), "message"));
            assertFalse(client.socket.connected());
        } finally {
            closeAll(client);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void dynamicNamespaceIsCreatedOnConnect(Mode mode) {
        String name = "/dyn-" + mode.name().toLowerCase();
        TestClient a = null;
        TestClient b = null;
        try {
            a = JavaClients.connected(server, name, mode);
            b = JavaClients.connected(server, name, mode);
            assertTrue(server.io().namespace(name).isPresent());
            a.emit("everyone", "dyn");
            assertEquals("dyn", a.nextString("everyone-message"));
            assertEquals("dyn", b.nextString("everyone-message"));
        } finally {
            closeAll(a, b);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void serverDisconnectIsSeenByClient(Mode mode) {
        TestClient client = null;
        try {
            client = JavaClients.connected(server, "/test", mode);
            client.emit("disconnect-me");
            assertEquals("io server disconnect", client.awaitDisconnect());
            assertFalse(client.socket.connected());
        } finally {
            closeAll(client);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void clientDisconnectRemovesServerSocket(Mode mode) {
        String room = "leaving-room-" + mode;
        Namespace test = server.io().namespace("/test").orElseThrow();
        Map<String, CompletableFuture<DisconnectReason>> serverSide = new ConcurrentHashMap<>();
        test.onDisconnect((socket, reason) -> serverSide
                .computeIfAbsent(socket.id(), id -> new CompletableFuture<>())
                .complete(reason));
        TestClient client = null;
        try {
            client = JavaClients.connected(server, "/test", mode);
            String id = client.id();
            client.join(room);
            assertEquals(Integer.valueOf(1), test.roomSizes().get(room), "room size after join");
            client.socket.disconnect();
            assertEquals("io client disconnect", client.awaitDisconnect());
            DisconnectReason reason = await(
                    serverSide.computeIfAbsent(id, i -> new CompletableFuture<>()), "server-side disconnect of " + id);
            // Node reports "client namespace disconnect"; the transport closing right behind it is also fair
            assertTrue(
                    reason == DisconnectReason.CLIENT_NAMESPACE_DISCONNECT
                            || reason == DisconnectReason.TRANSPORT_CLOSE,
                    "reason " + reason);
            assertTrue(test.socket(id).isEmpty(), "server still has the disconnected socket");
            assertFalse(test.roomSizes().containsKey(room), "room outlived its only member");
        } finally {
            closeAll(client);
        }
    }

    /** Two namespaces over one Manager (one Engine.IO connection): each works, an error on a third does not hurt. */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void namespacesAreMultiplexedOverOneConnection(Mode mode) {
        Manager manager = new Manager(URI.create(server.url()), mode.options(null));
        IO.Options privateOptions = mode.options(Map.of("token", "secret"));
        TestClient test = null;
        TestClient secured = null;
        TestClient unknown = null;
        try {
            test = new TestClient(manager.socket("/test"));
            secured = new TestClient(manager.socket("/private", privateOptions));
            unknown = new TestClient(manager.socket("/nowhere"));
            test.connect();
            secured.connect();
            unknown.open();
            assertEquals("Invalid namespace", string(unknown.awaitConnectError(), "message"));
            assertNotEquals(test.id(), secured.id());
            assertEquals(List.of("t"), Arrays.asList(test.call("echo", "t")));
            assertEquals(List.of("p"), Arrays.asList(secured.call("echo", "p")));
            // an emit to every socket of /test reaches the /test socket only, not /private on the same connection
            test.emit("everyone", "only-test");
            assertEquals("only-test", test.nextString("everyone-message"));
            secured.assertNothing("everyone-message");
            assertTrue(test.socket.connected());
        } finally {
            closeAll(unknown, secured, test);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void reconnectAfterServerDisconnectGetsNewSocket(Mode mode) {
        TestClient first = null;
        TestClient second = null;
        try {
            first = JavaClients.connected(server, "/test", mode);
            first.emit("disconnect-me");
            assertEquals("io server disconnect", first.awaitDisconnect());
            second = JavaClients.connected(server, "/test", mode);
            assertNotEquals(first.id(), second.id());
            second.barrier();
        } finally {
            closeAll(first, second);
        }
    }
}
