package io.chat.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.socketio.redis.RedisAdapterConfig;
import io.chat.socketio.redis.RedisCluster;
import io.chat.testing.RedisServer;
import java.util.ArrayList;
import java.util.Comparator;
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
    /** The work of a BEAT call that reaps 100 fields with 3 nodes in the set: 100 x (8 + 3). */
    private static final String HUNDRED_FIELDS_OF_3 = "1100";

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
        strings(ClusterScripts.BEAT, prefix, node, Long.toString(deadAfterMillis), "10000");
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

    /** A prefix where nodes a and x beat, then x was reaped while it still ran (a pause, a partition). */
    private static String xReapedWhileItRuns() throws Exception {
        String prefix = newPrefix();
        beat(prefix, "a", 10_000);
        beat(prefix, "x", 10_000);
        eval(ClusterScripts.LEAVE, prefix, "x");
        beat(prefix, "a", 10_000);
        return prefix;
    }

    @Test
    void aNodeTakenForDeadThatCountsAndDiesLeavesNoGhost() throws Exception {
        String prefix = xReapedWhileItRuns();
        assertEquals(1, count(prefix, "x", roomField("lobby", "alice"), 1), "x's own count answers");
        // x is killed before it beats again: no node in the set counts alice anywhere
        beat(prefix, "a", 10_000);
        assertEquals(Set.of(), members(prefix, "lobby"));
        assertEquals(0, busiest(prefix, 10).total());
    }

    @Test
    void aNodeBackInTheSetBringsWhatItCountedMeanwhile() throws Exception {
        String prefix = newPrefix();
        for (String node : List.of("a", "b", "x")) {
            beat(prefix, node, 10_000);
        }
        eval(ClusterScripts.LEAVE, prefix, "x");
        beat(prefix, "a", 10_000);
        count(prefix, "x", roomField("lobby", "alice"), 1);
        count(prefix, "b", roomField("lobby", "alice"), 1);
        count(prefix, "b", roomField("lobby", "alice"), -1);
        assertEquals(List.of("absent", "0"), strings(ClusterScripts.BEAT, prefix, "x", "10000", "10000"));
        assertEquals(Set.of("alice"), members(prefix, "lobby"), "x, in the set again, counts alice");
    }

    @Test
    void aDeadNodesFieldsAreReapedAPartPerCallAndCountUntilTheirTurn() throws Exception {
        String prefix = newPrefix();
        for (String node : List.of("a", "b", "x")) {
            beat(prefix, node, 10_000);
        }
        for (int i = 0; i < 250; i++) {
            count(prefix, "x", roomField("lobby", "u" + i), 1);
        }
        for (int i = 0; i < 50; i++) {
            count(prefix, "b", roomField("lobby", "u" + i), 1);
        }
        eval(ClusterScripts.LEAVE, prefix, "x");
        List<String> gone = new ArrayList<>();
        List<String> answer = strings(ClusterScripts.BEAT, prefix, "a", "10000", HUNDRED_FIELDS_OF_3);
        assertEquals(List.of("known", "150"), answer.subList(0, 2));
        gone.addAll(answer.subList(2, answer.size()));
        assertEquals(250 - gone.size(), members(prefix, "lobby").size(), "x's fields not reaped yet still count");
        // one of them joins on b before its turn comes: it never goes
        String staying = strings(FIELDS, prefix + "held:x").stream()
                .filter(field -> field.matches(".*u([5-9][0-9]|[12][0-9][0-9])$")) // none of b's
                .findFirst()
                .orElseThrow();
        count(prefix, "b", staying, 1);
        for (String caller : List.of("b", "a")) { // each call reaps its own part: no field answered twice
            answer = strings(ClusterScripts.BEAT, prefix, caller, "10000", HUNDRED_FIELDS_OF_3);
            gone.addAll(answer.subList(2, answer.size()));
        }
        assertEquals("0", answer.get(1));
        assertEquals(199, gone.size());
        assertEquals(199, new TreeSet<>(gone).size());
        assertFalse(gone.contains(staying));
        assertEquals(51, members(prefix, "lobby").size());
        assertEquals(Set.of("a", "b"), Set.copyOf(strings(LISTED, prefix)), "x out of the set once its hash is empty");
    }

    @Test
    void afterAnOutageOnlyANodeThatBeatInTimeReaps() throws Exception {
        String prefix = newPrefix();
        for (String node : List.of("a", "b", "x")) {
            beat(prefix, node, 10_000);
        }
        count(prefix, "a", roomField("lobby", "alice"), 1);
        count(prefix, "b", roomField("lobby", "bob"), 1);
        count(prefix, "x", roomField("lobby", "xena"), 1);
        eval(ClusterScripts.LEAVE, prefix, "x"); // x's reap began
        Thread.sleep(30); // Redis out for longer than nodes live without a beat (30 ms, for the test)
        assertEquals(List.of("absent", "0"), strings(ClusterScripts.BEAT, prefix, "x", "20", "10000"), "x first");
        assertEquals(List.of("absent", "0"), strings(ClusterScripts.BEAT, prefix, "n", "20", "10000"), "a new node");
        assertEquals(List.of("known", "0"), strings(ClusterScripts.BEAT, prefix, "a", "20", "10000"), "a, as old");
        assertEquals(Set.of("alice", "bob", "xena"), members(prefix, "lobby"), "nobody reaped");
    }

    @Test
    void aNodeReapedWhileItRanLeavesNothingWhenItLeaves() throws Exception {
        String prefix = xReapedWhileItRuns();
        count(prefix, "x", roomField("lobby", "alice"), 1); // out of the set: counted nowhere, listed nowhere
        eval(ClusterScripts.LEAVE, prefix, "x"); // it stops before its next beat
        assertEquals(List.of("a"), strings(LISTED, prefix));
        assertEquals(List.of(), strings(FIELDS, prefix + "held:x"));
        assertEquals(List.of("known", "0"), strings(ClusterScripts.BEAT, prefix, "a", "10000", "10000"));
        assertEquals(Set.of(), members(prefix, "lobby"));
    }

    @Test
    void aNodeWhoseReapBeganIsAbsentAtItsBeatAndItsCopyPutsTheListsRight() throws Exception {
        String prefix = newPrefix();
        beat(prefix, "a", 10_000);
        beat(prefix, "x", 10_000);
        Map<String, Integer> copy = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            count(prefix, "x", roomField("lobby", "u" + i), 1);
            copy.put(roomField("lobby", "u" + i), 1);
        }
        eval(ClusterScripts.LEAVE, prefix, "x"); // taken for dead while it runs
        // 10 fields with 2 nodes in the set: a work of 10 x (8 + 2)
        assertEquals(
                10, strings(ClusterScripts.BEAT, prefix, "a", "10000", "100").size() - 2);
        assertEquals(List.of("absent", "0"), strings(ClusterScripts.BEAT, prefix, "x", "10000", "100"));
        assertEquals(20, members(prefix, "lobby").size(), "what x still held stayed listed");
        reconcile(prefix, "x", copy);
        assertEquals(30, members(prefix, "lobby").size());
        assertEquals(List.of("known", "0"), strings(ClusterScripts.BEAT, prefix, "a", "10000", "100"));
    }

    /** The COUNT of a build that kept no lists: a rolling upgrade's old nodes. */
    private static final String OLD_COUNT = """
            local held = ARGV[1] .. 'held:'
            local left = redis.call('HINCRBY', held .. ARGV[2], ARGV[3], tonumber(ARGV[4]))
            if left <= 0 then redis.call('HDEL', held .. ARGV[2], ARGV[3]) end
            return 0
            """;

    @Test
    void theSweepTakesOutWhatNoCountBacksAndLeavesTheRest() throws Exception {
        String prefix = newPrefix();
        beat(prefix, "new", 10_000);
        beat(prefix, "old", 10_000);
        // 700 users: more than a small hash holds (Redis answers a small one whole, whatever the count asked)
        for (int user = 0; user < 700; user++) {
            count(prefix, "new", roomField("lobby", "user" + user), 1);
        }
        count(prefix, "new", roomField("side", "alice"), 1);
        count(prefix, "old", roomField("side", "alice"), 1);
        count(prefix, "new", roomField("side", "alice"), -1);
        eval(OLD_COUNT, prefix, "old", roomField("side", "alice"), "-1"); // an old node's leave: alice stays listed
        Set<String> backed = new TreeSet<>();
        for (int user = 0; user < 700; user++) {
            if (user % 3 == 0) {
                eval(OLD_COUNT, prefix, "new", roomField("lobby", "user" + user), "-1"); // counted out, still listed
            } else {
                backed.add("user" + user);
            }
        }
        assertEquals(Set.of("alice"), members(prefix, "side"), "the ghost the old build left");
        ListSweep sweep = new ListSweep(connection, prefix, NAMESPACE);
        int dropped = 0;
        int calls = 0;
        while (calls < 50
                && !(members(prefix, "lobby").equals(backed)
                        && members(prefix, "side").isEmpty())) {
            dropped += sweep.next(100); // a part at a time: a pass takes several calls
            calls++;
        }
        assertTrue(calls > 2, "a budget of 100 swept 700 users in " + calls + " call(s)");
        assertEquals(235, dropped);
        assertEquals(backed, members(prefix, "lobby"));
        assertEquals(Set.of(), members(prefix, "side"));
        assertEquals(Map.of("lobby", backed.size()), busiest(prefix, 10).rooms());
        assertEquals(0, sweep.next(1_000) + sweep.next(1_000), "a list the counts back loses nobody");
    }

    @Test
    void aSweepOfManySmallRoomsTakesFewCalls() throws Exception {
        String prefix = newPrefix();
        beat(prefix, "new", 10_000);
        for (int room = 0; room < 1_000; room++) { // a thousand conversations, half of them left by an old node's leave
            count(prefix, "new", roomField("dm" + room, "alice"), 1);
            if (room % 2 == 0) {
                eval(OLD_COUNT, prefix, "new", roomField("dm" + room, "alice"), "-1");
            }
        }
        ListSweep sweep = new ListSweep(connection, prefix, NAMESPACE);
        int dropped = sweep.next(1_000);
        // about 1,000 users looked at: ~10 pages of ~100 rooms (ZSCAN's COUNT is a hint: 26 calls were seen once) and
        // 10 calls of 100 rooms each, not one call a room
        assertTrue(sweep.calls() <= 40, "1,000 rooms of one user took " + sweep.calls() + " calls");
        for (int i = 0; i < 3; i++) {
            dropped += sweep.next(1_000);
        }
        assertEquals(500, dropped);
        assertEquals(500, busiest(prefix, 2_000).total());
    }

    /**
     * Random changes by three nodes (sockets in and out; nodes taken for dead while they run and counting meanwhile,
     * then back and reconciling; nodes killed; Redis emptied): after each, the lists are exactly what the counts of
     * the nodes in the set say, as Redis holds them, and a sweep finds nothing to take out.
     */
    @Test
    void theListsFollowTheCountsThroughRandomChanges() throws Exception {
        for (int seed = 0; seed < 8; seed++) {
            randomChanges(seed, 250);
        }
    }

    private void randomChanges(long seed, int steps) throws Exception {
        String prefix = newPrefix();
        List<String> nodes = List.of("a", "b", "c");
        List<String> rooms = List.of("lobby", "side", "dev");
        List<String> users = List.of("alice", "bob", "carol", "dave");
        Random random = new Random(seed);
        // what each running node holds by its own counts (0 or 1 for a room field), as the chat counts it
        Map<String, Map<String, Integer>> held = new HashMap<>();
        Set<String> running = new TreeSet<>(nodes);
        for (String node : nodes) {
            beat(prefix, node, 10_000);
            held.put(node, new HashMap<>());
        }
        ListSweep sweep = new ListSweep(connection, prefix, NAMESPACE);
        for (int step = 0; step < steps; step++) {
            String node = nodes.get(random.nextInt(nodes.size()));
            int what = random.nextInt(40);
            String context = "seed " + seed + " step " + step;
            if (!running.contains(node)) {
                if (what < 4) { // started again, holding nothing (the rest of its reap done first: a new id)
                    while (!partBeat(prefix, other(nodes, running, node)).get(1).equals("0")) {}
                    running.add(node);
                    partBeat(prefix, node);
                }
            } else if (what == 0) { // taken for dead while it runs: reaped by others' beats, a part at a time
                eval(TAKEN_FOR_DEAD, prefix, node);
                partBeat(prefix, other(nodes, running, node));
            } else if (what == 1) { // killed: what it held goes with it once reaped
                eval(ClusterScripts.LEAVE, prefix, node);
                partBeat(prefix, other(nodes, running, node));
                running.remove(node);
                held.get(node).clear();
            } else if (what == 2) { // its beat, and the reconciliation a beat after an absence runs
                if (partBeat(prefix, node).getFirst().equals("absent")) {
                    reconcile(prefix, node, held.get(node));
                }
            } else if (what == 3 && random.nextInt(4) == 0) { // Redis restarted empty; every node beats back
                eval(EMPTY, prefix);
                for (String back : running) {
                    beat(prefix, back, 10_000);
                    reconcile(prefix, back, held.get(back));
                }
            } else {
                String field =
                        roomField(rooms.get(random.nextInt(rooms.size())), users.get(random.nextInt(users.size())));
                int delta = held.get(node).containsKey(field) ? -1 : 1;
                count(prefix, node, field, delta);
                held.get(node).merge(field, delta, Integer::sum);
                held.get(node).values().removeIf(count -> count == 0);
            }
            Map<String, Set<String>> expected = new TreeMap<>();
            for (String listed : strings(LISTED, prefix)) {
                for (String field : strings(FIELDS, prefix + "held:" + listed)) {
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
            assertEquals(expected, actual, context);
            Map<String, Integer> sizes = new TreeMap<>();
            expected.forEach((room, members) -> sizes.put(room, members.size()));
            assertEquals(sizes, new TreeMap<>(busiest(prefix, 10).rooms()), context);
            if (step % 25 == 0) {
                assertEquals(0, sweep.next(1_000), context + ": the sweep found a user no count backs");
            }
        }
    }

    /** A beat that reaps at most two fields of dead nodes: the fuzz meets reaps in progress. */
    private static List<String> partBeat(String prefix, String node) throws Exception {
        return strings(ClusterScripts.BEAT, prefix, node, "10000", "22"); // 2 fields of 3 nodes
    }

    /** A running node other than this one, else any other. */
    private static String other(List<String> nodes, Set<String> running, String node) {
        return nodes.stream()
                .filter(n -> !n.equals(node))
                .min(Comparator.comparing(n -> !running.contains(n)))
                .orElseThrow();
    }

    /** ARGV: prefix, node. Its last beat as old as can be, if it is in the set: its reap begins at the next beat. */
    private static final String TAKEN_FOR_DEAD = """
            redis.call('ZADD', ARGV[1] .. 'nodes', 'XX', 0, ARGV[2])
            return 0
            """;

    /** ARGV: prefix. The nodes in the set. */
    private static final String LISTED = """
            return redis.call('ZRANGE', ARGV[1] .. 'nodes', 0, -1)
            """;

    /** ARGV: a hash's key. Its fields. */
    private static final String FIELDS = """
            return redis.call('HKEYS', ARGV[1])
            """;

    /** ARGV: prefix. Every key under it gone, as when Redis restarts empty. */
    private static final String EMPTY = """
            local cursor = '0'
            repeat
              local found = redis.call('SCAN', cursor, 'MATCH', ARGV[1] .. '*', 'COUNT', 1000)
              cursor = found[1]
              for _, key in ipairs(found[2]) do redis.call('DEL', key) end
            until cursor == '0'
            return 0
            """;

    private static void reconcile(String prefix, String node, Map<String, Integer> counts) throws Exception {
        List<String> arguments = new ArrayList<>(List.of(prefix, node, Integer.toString(counts.size())));
        counts.forEach((field, count) -> {
            arguments.add(field);
            arguments.add(Integer.toString(count));
        });
        eval(ClusterScripts.RECONCILE, arguments.toArray(String[]::new));
    }
}
