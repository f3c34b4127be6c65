package io.chat.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chat.testing.RawWebSocket;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * What a cluster's lists cost a tenant with many sockets in many rooms (run by hand, not by CI): two nodes, {@code
 * bench.sockets} sockets a node (default 600) of users holding 40 each, every socket following its user's {@code
 * bench.rooms} rooms (default 100); then {@code rooms:list}, {@code presence:list} and a join's members timed from node
 * A, and checked to name every node's users.
 *
 * <pre>mvn test -Dtest=RoomListBench -Dbench.sockets=600 -Dbench.rooms=100 -Dweb.skip=true</pre>
 */
class RoomListBench {
    private static final int SOCKETS_PER_USER = 40;

    @Test
    void listsOfATenantWithManySocketsInManyRooms() throws Exception {
        int socketsPerNode = Integer.getInteger("bench.sockets", 600);
        int rooms = Integer.getInteger("bench.rooms", 100);
        int usersPerNode = Math.max(1, socketsPerNode / SOCKETS_PER_USER);
        try (TwoNodes nodes = TwoNodes.start("room_list_bench")) {
            List<String> users = new ArrayList<>();
            for (int i = 0; i < 2 * usersPerNode; i++) {
                users.add("user" + i);
            }
            String tenant = nodes.tenant(
                    "{\"eventsPerSecond\":100000,\"eventBurst\":100000,\"roomsPerSocket\":" + Math.max(100, rooms)
                            + "}",
                    users.toArray(String[]::new));
            List<RawWebSocket> sockets = new ArrayList<>();
            long start = System.nanoTime();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<List<RawWebSocket>>> opened = new ArrayList<>();
                for (int i = 0; i < users.size(); i++) {
                    PlatformServer node = i < usersPerNode ? nodes.a : nodes.b;
                    String user = users.get(i);
                    String token = node.login(tenant, user); // one at a time: logins are throttled per address
                    opened.add(pool.submit(() -> openUser(node, tenant, user, token, rooms)));
                }
                for (Future<List<RawWebSocket>> f : opened) {
                    sockets.addAll(f.get());
                }
            }
            System.out.printf(
                    "room lists: %d sockets (about %d a node) of %d users in %d rooms each, set up in %.1f s%n",
                    sockets.size(), socketsPerNode, users.size(), rooms, (System.nanoTime() - start) / 1e9);
            // one more socket of the first user, read only by the calls below: every other socket is drained
            RawWebSocket asker = follower(nodes.a, tenant, nodes.a.login(tenant, users.getFirst()));
            int ack = 1_000_000;
            long[] roomsList = new long[20];
            long[] presence = new long[20];
            for (int i = 0; i < roomsList.length; i++) {
                long t0 = System.nanoTime();
                JsonNode listed = ack(asker.call(tenant, ack++, "rooms:list", "{}"));
                roomsList[i] = System.nanoTime() - t0;
                assertEquals(rooms, listed.get("rooms").size(), listed.toString());
                assertEquals(
                        users.size(), listed.get("rooms").get(0).get("members").asInt(), listed.toString());
                t0 = System.nanoTime();
                JsonNode present =
                        ack(asker.call(tenant, ack++, "presence:list", "{\"room\":\"room" + i % rooms + "\"}"));
                presence[i] = System.nanoTime() - t0;
                assertEquals(users.size(), present.get("users").size(), present.toString());
            }
            System.out.println("room lists: rooms:list ms " + millis(roomsList));
            System.out.println("room lists: presence:list ms " + millis(presence));
            for (RawWebSocket socket : sockets) {
                socket.close();
            }
        }
    }

    /** The user's sockets on {@code node}, each following the user's rooms, which the first joins. */
    private static List<RawWebSocket> openUser(PlatformServer node, String tenant, String user, String token, int rooms)
            throws IOException {
        List<RawWebSocket> sockets = new ArrayList<>();
        RawWebSocket first = follower(node, tenant, token);
        sockets.add(first);
        for (int room = 0; room < rooms; room++) {
            String answer = first.call(tenant, room, "room:join", "{\"room\":\"room" + room + "\"}");
            assertTrue(answer.contains("\"ok\":true"), answer);
        }
        drain(first);
        for (int i = 1; i < SOCKETS_PER_USER - (user.equals("user0") ? 1 : 0); i++) {
            RawWebSocket socket = follower(node, tenant, token);
            drain(socket);
            sockets.add(socket);
        }
        return sockets;
    }

    private static RawWebSocket follower(PlatformServer node, String tenant, String token) throws IOException {
        RawWebSocket ws = RawWebSocket.connect(node.port(), "/socket.io/?EIO=4&transport=websocket");
        String open = ws.readFrame().text();
        assertTrue(open.startsWith("0{"), open);
        ws.sendText("40/" + tenant + ",{\"token\":\"" + token + "\",\"rooms\":\"remembered\"}");
        String connected = ws.readUntil(f -> f.opcode() == 0x1
                        && (f.text().startsWith("40/") || f.text().startsWith("44/")))
                .text();
        assertTrue(connected.startsWith("40/" + tenant + ",{\"sid\":"), connected);
        return ws;
    }

    /** Reads what the socket is sent until it closes, answering the server's pings. */
    private static void drain(RawWebSocket socket) {
        Thread.ofVirtual().start(() -> {
            try {
                socket.timeout(0);
                while (true) {
                    RawWebSocket.Frame frame = socket.readFrame();
                    if (frame.opcode() == 0x8) {
                        return;
                    }
                    if (frame.opcode() == 0x1 && frame.text().equals("2")) {
                        socket.sendText("3");
                    }
                }
            } catch (IOException | RuntimeException e) {
                // closed
            }
        });
    }

    private static JsonNode ack(String frame) {
        JsonNode array = PlatformServer.json(frame.substring(frame.indexOf('[')));
        return array.get(0);
    }

    private static String millis(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return String.format("median %.1f, max %.1f", sorted[sorted.length / 2] / 1e6, sorted[sorted.length - 1] / 1e6);
    }
}
