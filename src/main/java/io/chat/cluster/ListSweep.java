package io.chat.cluster;

import io.chat.socketio.redis.RedisCluster;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Walks one tenant's room lists in Redis a part at a time and takes out the users no node in the set counts in the
 * room ({@link ClusterScripts#SWEEP_ROOMS}). Every change of the counts keeps the lists in step ({@link
 * ClusterScripts#INDEX}); this brings back a list that was not: one a build that kept no lists left behind during a
 * rolling upgrade (its nodes' leaves took nobody out), or a bug's. A pass over every list takes as many calls of
 * {@link #next} as it needs; the next pass starts where it ended. One thread at a time.
 */
final class ListSweep {
    /**
     * Users one script call looks at, about (a small hash is answered whole: up to 512 more): each a read of every
     * node's count, inside Redis; and the rooms it is given, a call going on from room to room, so that a tenant of
     * many small rooms (conversations) costs a call per 200 users, not one per room.
     */
    private static final int PER_CALL = 200;

    private static final int ROOMS_PER_CALL = 100;
    /** How long a call waits for Redis. */
    private static final long WAIT_MILLIS = 2_000;

    private final RedisCluster redis;
    private final String prefix;
    private final String namespace;
    /** Rooms of the current page still to look at, the first one from {@link #usersCursor}. */
    private final ArrayDeque<String> rooms = new ArrayDeque<>();

    private String roomsCursor = "0";
    /** Script calls made (for tests: what a pass costs in round trips). */
    private int calls;

    private String usersCursor = "0";

    ListSweep(RedisCluster redis, String prefix, String namespace) {
        this.redis = redis;
        this.prefix = prefix;
        this.namespace = namespace;
    }

    /** Looks at about {@code budget} users (or ends a pass first); answers the users taken out. */
    int next(int budget) throws Exception {
        int left = budget;
        int dropped = 0;
        boolean paged = false;
        while (left > 0) {
            if (rooms.isEmpty()) {
                if (paged && roomsCursor.equals("0")) {
                    return dropped; // a whole pass within this call: the next call starts the next one
                }
                List<String> page = call(ClusterScripts.ROOM_NAMES, roomsCursor);
                paged = true;
                roomsCursor = page.getFirst();
                rooms.addAll(page.subList(1, page.size()));
                left--;
                continue;
            }
            List<String> arguments = new ArrayList<>();
            arguments.add(usersCursor);
            arguments.add(Integer.toString(Math.min(left, PER_CALL)));
            rooms.stream().limit(ROOMS_PER_CALL).forEach(arguments::add);
            List<String> answer = call(ClusterScripts.SWEEP_ROOMS, arguments.toArray(String[]::new));
            for (int finished = Integer.parseInt(answer.get(0)); finished > 0; finished--) {
                rooms.poll();
            }
            usersCursor = answer.get(1);
            left -= Math.max(1, Integer.parseInt(answer.get(2)));
            dropped += Integer.parseInt(answer.get(3));
        }
        return dropped;
    }

    int calls() {
        return calls;
    }

    private List<String> call(String script, String... arguments) throws Exception {
        calls++;
        String[] all = Stream.concat(Stream.of(prefix, namespace), Stream.of(arguments))
                .toArray(String[]::new);
        return redis.evalStrings(script, all).get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
    }
}
