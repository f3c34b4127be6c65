package io.chat.bench;

import java.util.HashMap;
import java.util.Map;

/**
 * How fast this box runs a fixed piece of Java work today, printed in milliseconds: the best of five rounds of building
 * two million JSON-like strings, hashing them and counting their prefixes in a map (what a chat server's threads do,
 * without I/O). {@code scripts/bench} runs it on the server's and the generator's CPU before anything else and writes
 * the figures beside the run, because this virtual machine's CPU has run the same code 2-3x slower on some days than on
 * others (docs/performance.md): a run's figures are comparable with another run's only at a like gauge.
 */
public final class BoxGauge {
    private static final int STRINGS = 2_000_000;
    private static final int ROUNDS = 5;

    private BoxGauge() {}

    public static void main(String[] args) {
        long best = Long.MAX_VALUE;
        long sink = 0;
        for (int round = 0; round < ROUNDS; round++) {
            long start = System.nanoTime();
            sink += work();
            best = Math.min(best, System.nanoTime() - start);
        }
        if (sink == 0) { // reads the results, so that the work is not compiled away
            System.err.println("gauge: no work done");
        }
        System.out.println(best / 1_000_000);
    }

    private static long work() {
        Map<String, Integer> prefixes = new HashMap<>();
        long hashes = 0;
        for (int i = 0; i < STRINGS; i++) {
            String json = "{\"room\":\"r" + (i % 1000) + "\",\"seq\":" + i + ",\"text\":\"hello\"}";
            hashes += json.hashCode();
            prefixes.merge(json.substring(0, 13), 1, Integer::sum);
        }
        return hashes + prefixes.size();
    }
}
