package io.chat.socketio;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.chat.testing.RawWebSocket;
import java.io.IOException;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A client sees its CONNECT before anything of the namespace: a broadcast made while a socket connects (it is in its
 * rooms already, its own one at least) does not reach it ahead of its CONNECT. In a cluster this happened: another
 * node's {@code user:online} arrived before the CONNECT answer.
 */
@FixtureTest
class ConnectFirstTest {
    private static FixtureServer server;

    @Test
    void aBroadcastMadeWhileASocketConnectsDoesNotPrecedeItsConnect() throws IOException {
        // this namespace's adapter broadcasts the moment a socket joins a room: the socket's join of its own room,
        // before its CONNECT is sent, is the instant another thread's broadcast may come
        server.io().adapter(BroadcastOnJoin::new);
        try {
            server.io().of("/early");
        } finally {
            server.io().adapter(InMemoryAdapter::new);
        }
        try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/socket.io/?EIO=4&transport=websocket")) {
            assertTrue(ws.upgraded(), ws.statusLine());
            assertTrue(ws.readFrame().text().startsWith("0{"), "Engine.IO OPEN");
            ws.sendText("40/early,");
            String first = ws.readUntil(f -> true).text();
            assertTrue(first.startsWith("40/early,{\"sid\":"), "the CONNECT first, not: " + first);
        }
    }

    /** Delegates to {@link InMemoryAdapter}; broadcasts an event to the whole namespace after every join. */
    private static final class BroadcastOnJoin implements Adapter {
        private final InMemoryAdapter rooms;
        private final Namespace namespace;

        BroadcastOnJoin(Namespace namespace) {
            this.rooms = new InMemoryAdapter(namespace);
            this.namespace = namespace;
        }

        @Override
        public void addAll(Socket socket, Set<String> joined) {
            rooms.addAll(socket, joined);
            rooms.broadcast(
                    new Packet(
                            PacketType.EVENT,
                            namespace.name(),
                            OptionalLong.empty(),
                            Optional.of(JsonNodeFactory.instance.arrayNode().add("too-early")),
                            0),
                    BroadcastOptions.ALL);
        }

        @Override
        public void del(Socket socket, String room) {
            rooms.del(socket, room);
        }

        @Override
        public void delAll(Socket socket) {
            rooms.delAll(socket);
        }

        @Override
        public int broadcast(Packet packet, BroadcastOptions options) {
            return rooms.broadcast(packet, options);
        }

        @Override
        public Set<String> socketRooms(Socket socket) {
            return rooms.socketRooms(socket);
        }

        @Override
        public Collection<Socket> fetchSockets(BroadcastOptions options) {
            return rooms.fetchSockets(options);
        }

        @Override
        public void disconnectSockets(BroadcastOptions options, boolean close) {
            rooms.disconnectSockets(options, close);
        }

        @Override
        public Map<String, Set<Socket>> rooms() {
            return rooms.rooms();
        }
    }
}
