package io.chat.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chat.socketio.redis.RedisAdapterConfig;
import io.chat.socketio.redis.RedisCluster;
import io.chat.testing.RedisServer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The room lists the cluster's scripts keep beside the counts ({@link ClusterScripts#MEMBERS}, {@link
 * ClusterScripts#ROOMS}), run on a real Redis with three nodes' worth of counts: the lists say what the counts say
 * after every kind of change (a socket in or out, a node reaped, a node's copy reconciled), and the busiest rooms come
 * first, equal ones by name.
 */
class RoomIndexTest {
    private static final String NAMESPACE = "/acme";
    private static final String SEP = ClusterPeers.SEPARATOR;

    private static RedisServer redis;
    private static RedisCluster connection;
    private static int prefixes;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start("RoomIndexTest");
        connection = RedisCluster.connect(RedisAdapterConfig.defaults(redis.uri()));
    }

    @AfterAll
    static void stop() throws Exception {
        connection.close();
        redis.close();
    }

    /** A prefix of its own for each test: its keys meet no other test's. */
    private static String newPrefix() {
        return ClusterPeers.PREFIX + "index" + ++prefixes + ":";
    }

    private static String roomField(String room, String user) {
        return NAMESPACE + SEP + "r" + SEP + room + SEP + user;
    }

    private static long eval(String script, String... args) throws Exception {
        return connection.evalInteger(script, args).get(10, TimeUnit.SECONDS);
    }

    private static List<String> strings(String script, String... args) throws Exception {
        return connection.evalStrings(script, args).get(10, TimeUnit.SECONDS);
    }

    private static long count(String prefix, String node, String field, int delta) throws Exception {
        return eval(ClusterScripts.COUNT, prefix, node, field, Integer.toString(delta));
    }

    private static void beat(String prefix, String node, long deadAfterMillis) throws Exception {
        strings(ClusterScripts.BEAT, prefix, node, Long.toString(deadAfterMillis));
    }

    private static Set<String> members(String prefix, String room) throws Exception {
        return new TreeSet<>(strings(ClusterScripts.MEMBERS, prefix, NAMESPACE, room));
    }

    /** The ROOMS answer as room → users in its order, and the number of rooms with users. */
    private record Busiest(LinkedHashMap<String, Integer> rooms, int total) {}

    private static Busiest busiest(String prefix, int max) throws Exception {
        List<String> answer = strings(ClusterScripts.ROOMS, prefix, NAMESPACE, Integer.toString(max));
        LinkedHashMap<String, Integer> rooms = new LinkedHashMap<>();
        for (int i = 1; i + 1 < answer.size(); i += 2) {
            rooms.put(answer.get(i), Integer.parseInt(answer.get(i + 1)));
        }
        return new Busiest(rooms, Integer.parseInt(answer.getFirst()));
    }

    @Test
    void aUserIsInARoomWhileAnyNodeCountsThemThere() throws Exception {
        String prefix = newPrefix();
        beat(prefix, "a", 10_000);
        beat(prefix, "b", 10_000);
        assertEquals(1, count(prefix, "a", roomField("lobby", "alice"), 1));
        assertEquals(2, count(prefix, "b", roomField("lobby", "alice"), 1));
        assertEquals(1, count(prefix, "b", roomField("lobby", "bob"), 1));
        assertEquals(Set.of("alice", "bob"), members(prefix, "lobby"));
        assertEquals(Map.of("lobby", 2), busiest(prefix, 10).rooms());

        assertEquals(1, count(prefix, "a", roomField("lobby", "alice"), -1));
        assertEquals(Set.of("alice", "bob"), members(prefix, "lobby"), "alice is still there through node b");
        assertEquals(0, count(prefix, "b", roomField("lobby", "alice"), -1));
        assertEquals(Set.of("bob"), members(prefix, "lobby"));
        assertEquals(0, count(prefix, "b", roomField("lobby", "bob"), -1));
        assertEquals(Set.of(), members(prefix, "lobby"));
        assertEquals(new Busiest(new LinkedHashMap<>(), 0), busiest(prefix, 10), "an empty room is not listed");
        // an online count and a socket count are no room's
        count(prefix, "a", NAMESPACE + SEP + "o" + SEP + "alice", 1);
        count(prefix, "a", NAMESPACE + SEP + "s", 1);
        assertEquals(0, busiest(prefix, 10).total());
    }

    @Test
    void theBusiestRoomsComeFirstEqualOnesByNameAndTheCapCountsTheRest() throws Exception {
        String prefix = newPrefix();
        beat(prefix, "a", 10_000);
        Map<String, Integer> sizes = Map.of("delta", 1, "alpha", 3, "charlie", 2, "bravo", 3, "echo", 1);
        for (Map.Entry<String, Integer> room : sizes.entrySet()) {
            for (int user = 0; user < room.getValue(); user++) {
                count(prefix, "a", roomField(room.getKey(), "user" + user), 1);
            }
        }
        Busiest three = busiest(prefix, 3);
        assertEquals(
                List.of("alpha", "bravo", "charlie"), List.copyOf(three.rooms().keySet()));
        assertEquals(List.of(3, 3, 2), List.copyOf(three.rooms().values()));
        assertEquals(5, three.total());
        assertEquals(new TreeMap<>(sizes), new TreeMap<>(busiest(prefix, 1_000).rooms()));
    }

    @Test
    void aReapedNodesUsersLeaveTheListsAndOthersStay() throws Exception {
        String prefix = newPrefix();
        beat(prefix, "a", 10_000);
        beat(prefix, "b", 10_000);
        count(prefix, "a", roomField("lobby", "alice"), 1);
        count(prefix, "b", roomField("lobby", "alice"), 1);
        count(prefix, "b", roomField("lobby", "bob"), 1);
        count(prefix, "b", roomField("side", "bob"), 1);
        eval(ClusterScripts.LEAVE, prefix, "b"); // b's beat is now as old as can be: a's next beat reaps it
        beat(prefix, "a", 10_000);
        assertEquals(Set.of("alice"), members(prefix, "lobby"));
        assertEquals(Set.of(), members(prefix, "side"));
        assertEquals(Map.of("lobby", 1), busiest(prefix, 10).rooms());
    }

    @Test
    void aReconciliationPutsTheListsBackAfterRedisLostThemAndTakesOutWhatNoNodeHolds() throws Exception {
        String prefix = newPrefix();
        beat(prefix, "a", 10_000);
        // Redis restarted empty but for the nodes' beats: a's copy is set again, one chunk of pairs, one of removals
        eval(
                ClusterScripts.RECONCILE,
                prefix,
                "a",
                "2",
                roomField("lobby", "alice"),
                "1",
                roomField("lobby", "bob"),
                "1");
        assertEquals(Set.of("alice", "bob"), members(prefix, "lobby"));
        eval(ClusterScripts.RECONCILE, prefix, "a", "0", roomField("lobby", "bob"));
        assertEquals(Set.of("alice"), members(prefix, "lobby"));
        assertEquals(Map.of("lobby", 1), busiest(prefix, 10).rooms());
    }

    /**
     * Random changes by three nodes (sockets in and out, nodes leaving and reaped, coming back and reconciling): after
     * each, the lists are exactly what the counts of the nodes in the set say.
     */
    @Test
    void theListsFollowTheCountsThroughRandomChanges() throws Exception {
        String prefix = newPrefix();
        List<String> nodes = List.of("a", "b", "c");
        List<String> rooms = List.of("lobby", "side", "dev");
        List<String> users = List.of("alice", "bob", "carol", "dave");
        Random random = new Random(7);
        // what each node holds, as the chat counts it: node → field → count (0 or 1 for a room field)
        Map<String, Map<String, Integer>> held = new HashMap<>();
        for (String node : nodes) {
            beat(prefix, node, 10_000);
            held.put(node, new HashMap<>());
        }
        Set<String> listed = new TreeSet<>(nodes);
        for (int step = 0; step < 600; step++) {
            String node = nodes.get(random.nextInt(nodes.size()));
            int what = random.nextInt(20);
            if (what == 0 && listed.size() > 1 && listed.contains(node)) {
                eval(ClusterScripts.LEAVE, prefix, node); // it stopped: another's beat reaps it
                String other =
                        listed.stream().filter(n -> !n.equals(node)).findFirst().orElseThrow();
                beat(prefix, other, 10_000);
                listed.remove(node);
                held.get(node).clear();
            } else if (what == 1 && !listed.contains(node)) {
                beat(prefix, node, 10_000); // back, and it puts its copy right
                listed.add(node);
                reconcile(prefix, node, held.get(node));
            } else if (listed.contains(node)) {
                String field =
                        roomField(rooms.get(random.nextInt(rooms.size())), users.get(random.nextInt(users.size())));
                int delta = held.get(node).containsKey(field) ? -1 : 1;
                count(prefix, node, field, delta);
                held.get(node).merge(field, delta, Integer::sum);
                held.get(node).values().removeIf(count -> count == 0);
            }
            Map<String, Set<String>> expected = new TreeMap<>();
            for (String node2 : listed) {
                for (String field : held.get(node2).keySet()) {
                    String[] parts = field.split(SEP, -1);
                    expected.computeIfAbsent(parts[2], r -> new TreeSet<>()).add(parts[3]);
                }
            }
            Map<String, Set<String>> actual = new TreeMap<>();
            for (String room : rooms) {
                Set<String> members = members(prefix, room);
                if (!members.isEmpty()) {
                    actual.put(room, members);
                }
            }
            assertEquals(expected, actual, "step " + step);
            Map<String, Integer> sizes = new TreeMap<>();
            expected.forEach((room, members) -> sizes.put(room, members.size()));
            assertEquals(sizes, new TreeMap<>(busiest(prefix, 10).rooms()), "step " + step);
        }
    }

    private static void reconcile(String prefix, String node, Map<String, Integer> counts) throws Exception {
        List<String> arguments = new ArrayList<>(List.of(prefix, node, Integer.toString(counts.size())));
        counts.forEach((field, count) -> {
            arguments.add(field);
            arguments.add(Integer.toString(count));
        });
        eval(ClusterScripts.RECONCILE, arguments.toArray(String[]::new));
    }
}
