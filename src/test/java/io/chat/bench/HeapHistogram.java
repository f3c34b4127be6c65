package io.chat.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM's live objects by class, from {@code jcmd <pid> GC.class_histogram} (which runs a full GC first), and what
 * each idle socket adds between two of them: W3's RSS per socket, broken down by class.
 */
record HeapHistogram(Map<String, Long> instances, Map<String, Long> bytes) {
    private static final Pattern ROW = Pattern.compile("\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+).*");

    /** The histogram of the JVM {@code pid}; empty when it is not a JVM or jcmd fails. */
    static Optional<HeapHistogram> of(String pid) {
        return Jcmd.run(pid, "GC.class_histogram").flatMap(HeapHistogram::parse);
    }

    private static Optional<HeapHistogram> parse(String out) {
        Map<String, Long> instances = new HashMap<>();
        Map<String, Long> bytes = new HashMap<>();
        for (String line : out.split("\n")) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                instances.merge(m.group(3), Long.parseLong(m.group(1)), Long::sum);
                bytes.merge(m.group(3), Long.parseLong(m.group(2)), Long::sum);
            }
        }
        return bytes.isEmpty() ? Optional.empty() : Optional.of(new HeapHistogram(instances, bytes));
    }

    /** The live heap each of {@code sockets} added since {@code before}: the total, then the {@code top} classes. */
    String perSocket(HeapHistogram before, int sockets, int top) {
        Set<String> names = new HashSet<>(bytes.keySet());
        names.addAll(before.bytes.keySet());
        record Growth(String name, double bytes, double instances) {}
        List<Growth> rows = new ArrayList<>();
        double total = 0;
        for (String name : names) {
            double grown = (bytes.getOrDefault(name, 0L) - before.bytes.getOrDefault(name, 0L)) / (double) sockets;
            double more =
                    (instances.getOrDefault(name, 0L) - before.instances.getOrDefault(name, 0L)) / (double) sockets;
            total += grown;
            rows.add(new Growth(name, grown, more));
        }
        rows.sort((a, b) -> Double.compare(b.bytes, a.bytes));
        StringBuilder out = new StringBuilder(String.format(
                Locale.ROOT, "live heap per socket: %.0f bytes (%d sockets); by class:%n", total, sockets));
        for (Growth row : rows.subList(0, Math.min(top, rows.size()))) {
            out.append(String.format(Locale.ROOT, "%8.0f B %7.2f objects  %s%n", row.bytes, row.instances, row.name));
        }
        return out.toString();
    }
}
