package io.chat.socketio;

import static io.chat.socketio.JavaClients.await;
import static io.chat.socketio.JavaClients.closeAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.chat.socketio.JavaClients.Mode;
import io.chat.socketio.JavaClients.TestClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.json.JSONArray;
import org.json.JSONException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Rooms and targeted emits with the official Java client. Each test has three clients a, b, c of one transport
 * setup on a fresh-named room; "does not receive" is checked after the intended recipients got the message,
 * behind an echo round trip on the non-recipient.
 */
@FixtureTest
class JavaClientRoomsTest {
    private static FixtureServer server;
    private final List<TestClient> clients = new ArrayList<>();
    private static int roomCounter;

    @AfterEach
    void closeClients() {
        closeAll(clients.toArray(TestClient[]::new));
        clients.clear();
    }

    private TestClient client(Mode mode) {
        TestClient client = JavaClients.client(server, "/test", mode);
        clients.add(client);
        return client.connect();
    }

    private static synchronized String room(String prefix) {
        return prefix + "-" + (++roomCounter);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void joinedRoomsAreListed(Mode mode) throws JSONException {
        TestClient a = client(mode);
        String r1 = room("listed-a");
        String r2 = room("listed-b");
        a.join(r2);
        a.join(r1);
        JSONArray rooms = assertInstanceOf(JSONArray.class, a.call("rooms")[0]);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < rooms.length(); i++) {
            names.add(rooms.getString(i));
        }
        // the fixture sorts them; a socket's own-id room may or may not be listed
        names.remove(a.id());
        assertEquals(List.of(r1, r2), names);
        a.leave(r1);
        JSONArray after = assertInstanceOf(JSONArray.class, a.call("rooms")[0]);
        List<String> left = new ArrayList<>();
        for (int i = 0; i < after.length(); i++) {
            left.add(after.getString(i));
        }
        left.remove(a.id());
        assertEquals(List.of(r2), left);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void toRoomReachesOtherMembersOnly(Mode mode) {
        TestClient a = client(mode);
        TestClient b = client(mode);
        TestClient c = client(mode);
        String room = room("to-room");
        a.join(room);
        b.join(room);
        a.emit("to-room", room, "hi room");
        assertEquals("hi room", b.nextString("room-message"));
        a.assertNothing("room-message");
        c.assertNothing("room-message");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void toRoomFromNonMemberReachesMembers(Mode mode) {
        TestClient a = client(mode);
        TestClient b = client(mode);
        TestClient c = client(mode);
        String room = room("outsider");
        b.join(room);
        c.join(room);
        a.emit("to-room", room, "from outside");
        assertEquals("from outside", b.nextString("room-message"));
        assertEquals("from outside", c.nextString("room-message"));
        a.assertNothing("room-message");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void toRoomExceptSkipsTheExceptedRoom(Mode mode) {
        TestClient a = client(mode);
        TestClient b = client(mode);
        TestClient c = client(mode);
        TestClient d = client(mode);
        String room = room("except-main");
        String except = room("except-skip");
        a.join(room);
        b.join(room);
        c.join(room);
        c.join(except);
        d.join(except);
        a.emit("to-room-except", room, except, "not for c");
        // namespace-level emit: the sender is included when it is in the room
        assertEquals("not for c", a.nextString("room-message"));
        assertEquals("not for c", b.nextString("room-message"));
        c.assertNothing("room-message");
        d.assertNothing("room-message");
    }

    /** As in Node, every socket is in the room named by its id, so {@code except(id)} skips that socket. */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void toRoomExceptSocketIdSkipsThatSocket(Mode mode) {
        TestClient a = client(mode);
        TestClient b = client(mode);
        TestClient c = client(mode);
        String room = room("except-id");
        a.join(room);
        b.join(room);
        c.join(room);
        a.emit("to-room-except", room, c.id(), "not for c");
        assertEquals("not for c", a.nextString("room-message"));
        assertEquals("not for c", b.nextString("room-message"));
        c.assertNothing("room-message");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void broadcastExcludesSender(Mode mode) {
        TestClient a = client(mode);
        TestClient b = client(mode);
        TestClient c = client(mode);
        a.emit("broadcast", "to all but a");
        assertEquals("to all but a", b.nextString("broadcast-message"));
        assertEquals("to all but a", c.nextString("broadcast-message"));
        a.assertNothing("broadcast-message");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void everyoneIncludesSender(Mode mode) {
        TestClient a = client(mode);
        TestClient b = client(mode);
        TestClient c = client(mode);
        a.emit("everyone", "to all");
        assertEquals("to all", a.nextString("everyone-message"));
        assertEquals("to all", b.nextString("everyone-message"));
        assertEquals("to all", c.nextString("everyone-message"));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void toSocketReachesThatSocketOnly(Mode mode) {
        TestClient a = client(mode);
        TestClient b = client(mode);
        TestClient c = client(mode);
        a.emit("to-socket", b.id(), "just b");
        assertEquals("just b", b.nextString("direct"));
        a.assertNothing("direct");
        c.assertNothing("direct");
        b.assertNothing("direct"); // exactly once
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void toOwnSocketReachesSender(Mode mode) {
        TestClient a = client(mode);
        TestClient b = client(mode);
        a.emit("to-socket", a.id(), "myself");
        assertEquals("myself", a.nextString("direct"));
        b.assertNothing("direct");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void leaveStopsDelivery(Mode mode) {
        TestClient a = client(mode);
        TestClient b = client(mode);
        TestClient c = client(mode);
        String room = room("leave");
        a.join(room);
        b.join(room);
        c.join(room);
        a.emit("to-room", room, "first");
        assertEquals("first", b.nextString("room-message"));
        assertEquals("first", c.nextString("room-message"));
        b.leave(room);
        a.emit("to-room", room, "second");
        assertEquals("second", c.nextString("room-message"));
        b.assertNothing("room-message");
        a.assertNothing("room-message");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void roomsAreEmptiedWhenMembersDisconnect(Mode mode) {
        TestClient a = client(mode);
        TestClient b = client(mode);
        String room = room("emptied");
        a.join(room);
        b.join(room);
        Namespace test = server.io().namespace("/test").orElseThrow();
        String bId = b.id();
        CompletableFuture<DisconnectReason> serverSide = new CompletableFuture<>();
        test.onDisconnect((socket, reason) -> {
            if (socket.id().equals(bId)) {
                serverSide.complete(reason);
            }
        });
        b.emit("disconnect-me");
        assertEquals("io server disconnect", b.awaitDisconnect());
        assertEquals(DisconnectReason.SERVER_NAMESPACE_DISCONNECT, await(serverSide, "server-side disconnect"));
        assertEquals(Integer.valueOf(1), test.roomSizes().get(room), "b left the room with its disconnect");
        TestClient c = client(mode);
        c.join(room);
        a.emit("to-room", room, "after b left");
        assertEquals("after b left", c.nextString("room-message"));
        assertEquals(Integer.valueOf(2), test.roomSizes().get(room));
    }

    /**
     * The adapter keeps a room of up to 8 sockets as a small immutable set and a larger one as a concurrent set (until
     * it is empty): a room that grows past that and shrinks reaches exactly its members all along, and is gone when
     * empty.
     * Not with twelve long-polling clients: the Java client's shared default OkHttp client runs at most 5 requests per
     * host at once, and each of them holds a poll open.
     */
    @ParameterizedTest
    @EnumSource(
            value = Mode.class,
            names = {"WEBSOCKET", "POLLING_UPGRADE"})
    void aRoomGrowingPastEightMembersAndShrinkingReachesExactlyItsMembers(Mode mode) {
        String room = room("grows");
        List<TestClient> members = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            TestClient member = client(mode);
            member.join(room);
            members.add(member);
        }
        Namespace test = server.io().namespace("/test").orElseThrow();
        assertEquals(Integer.valueOf(12), test.roomSizes().get(room));
        TestClient sender = members.getFirst();
        sender.emit("to-room", room, "to twelve");
        for (TestClient member : members.subList(1, 12)) {
            assertEquals("to twelve", member.nextString("room-message"));
        }
        for (TestClient member : members.subList(3, 12)) {
            member.leave(room);
        }
        assertEquals(Integer.valueOf(3), test.roomSizes().get(room));
        sender.emit("to-room", room, "to three");
        assertEquals("to three", members.get(1).nextString("room-message"));
        assertEquals("to three", members.get(2).nextString("room-message"));
        for (TestClient member : members.subList(3, 12)) {
            member.assertNothing("room-message");
        }
        for (TestClient member : members.subList(0, 3)) {
            member.leave(room);
        }
        assertEquals(null, test.roomSizes().get(room), "an empty room is gone");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void messagesFromOneSenderArriveInOrder(Mode mode) {
        TestClient a = client(mode);
        TestClient b = client(mode);
        String room = room("order");
        b.join(room);
        int count = 100;
        for (int i = 0; i < count; i++) {
            a.emit("to-room", room, "m" + i);
        }
        for (int i = 0; i < count; i++) {
            assertEquals("m" + i, b.nextString("room-message"));
        }
    }
}
