package io.chat.cluster;

import io.chat.socketio.redis.RedisAdapterConfig;
import io.chat.socketio.redis.RedisCluster;
import io.chat.testing.RedisServer;
import java.io.File;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What a dead node's reap costs Redis (run by hand, not by CI): a node holding 20,000 and 100,000 room fields (10,000
 * rooms) is reaped by another's beats; the time of each script call as Redis's slow log has it ({@code redis-cli}) and
 * as the caller waited.
 *
 * <pre>mvn test -Dtest=ReapBench -Dweb.skip=true</pre>
 */
class ReapBench {
    static final String FILL = """
            local held = ARGV[1] .. 'held:' .. ARGV[2]
            for i = 1, tonumber(ARGV[3]) do
              local room = 'room' .. (i % 10000)
              local user = 'u' .. math.floor(i / 10000) .. '-' .. i
              local field = '/acme\\0r\\0' .. room .. '\\0' .. user
              redis.call('HSET', held, field, '1')
              redis.call('HSET', ARGV[1] .. 'members\\0/acme\\0' .. room, user, '1')
              redis.call('ZINCRBY', ARGV[1] .. 'rooms\\0/acme', -1, room)
            end
            return 0
            """;
    static final String SLOW = """
            return redis.call('SLOWLOG', 'GET', 1000)
            """;

    @Test
    void probe() throws Exception {
        try (RedisServer redis = RedisServer.start("ReapBench");
                RedisCluster c = RedisCluster.connect(RedisAdapterConfig.defaults(redis.uri()))) {
            for (int n : new int[] {20_000, 100_000}) {
                String prefix = "chat:cluster:p" + n + ":";
                c.evalStrings(ClusterScripts.BEAT, prefix, "a", "10000", "10000")
                        .get(10, TimeUnit.SECONDS);
                c.evalStrings(ClusterScripts.BEAT, prefix, "x", "10000", "10000")
                        .get(10, TimeUnit.SECONDS);
                c.evalInteger(FILL, prefix, "x", Integer.toString(n)).get(60, TimeUnit.SECONDS);
                c.evalInteger(ClusterScripts.LEAVE, prefix, "x").get(10, TimeUnit.SECONDS);
                redis.command("CONFIG SET slowlog-log-slower-than 500");
                redis.command("CONFIG SET slowlog-max-len 10000");
                redis.command("SLOWLOG RESET");
                List<Long> micros = new ArrayList<>();
                long left;
                int gone = 0;
                do {
                    long t0 = System.nanoTime();
                    List<String> answer = c.evalStrings(ClusterScripts.BEAT, prefix, "a", "10000", "10000")
                            .get(10, TimeUnit.SECONDS);
                    micros.add((System.nanoTime() - t0) / 1000);
                    boolean chunked = answer.size() > 1 && answer.get(1).matches("[0-9]+");
                    left = chunked ? Long.parseLong(answer.get(1)) : 0;
                    gone += answer.size() - (chunked ? 2 : 1);
                } while (left > 0);
                new ProcessBuilder(
                                "redis-cli", "-p", Integer.toString(redis.port()), "--json", "SLOWLOG", "GET", "10000")
                        .redirectOutput(new File(System.getProperty("java.io.tmpdir") + "/reap-slowlog-" + n + ".json"))
                        .start()
                        .waitFor();
                String log = Files.readString(
                        new File(System.getProperty("java.io.tmpdir") + "/reap-slowlog-" + n + ".json").toPath());
                List<Long> server = new ArrayList<>();
                Matcher entry =
                        Pattern.compile("\\[\\d+,\\d+,(\\d+),\\[\"EVALSHA\"").matcher(log);
                while (entry.find()) {
                    server.add(Long.parseLong(entry.group(1)));
                }
                System.out.println("REAP n=" + n + " redis: calls=" + server.size() + " max_us="
                        + server.stream().mapToLong(Long::longValue).max().orElse(0) + " total_us="
                        + server.stream().mapToLong(Long::longValue).sum());
                long max = micros.stream().mapToLong(Long::longValue).max().orElse(0);
                long sum = micros.stream().mapToLong(Long::longValue).sum();
                System.out.println("REAP n=" + n + " calls=" + micros.size() + " gone=" + gone + " max_us=" + max
                        + " total_us=" + sum + " median_us="
                        + micros.stream().sorted().toList().get(micros.size() / 2));
            }
        }
    }
}
