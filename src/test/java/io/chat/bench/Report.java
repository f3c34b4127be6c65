package io.chat.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a results folder of {@code scripts/bench} (run.txt, results.tsv) into results.md and chart.svg;
 * optionally writes the summary into README.md between the bench markers (a scenario this run did not measure
 * keeps its table from the earlier run, marked with that run); with {@code --check} verifies that
 * every expected row is there and its numbers are sane (never how big they are), exiting 1 otherwise.
 * Usage: {@code Report <dir> [--readme README.md] [--check W1,W3 ours,ceiling,netty,node]}.
 */
public final class Report {
    static final String BEGIN = "<!-- bench:begin (written by scripts/bench) -->";
    static final String END = "<!-- bench:end -->";
    static final Map<String, String> NAMES = Map.of(
            "ours",
            "ours (io.chat engine)",
            "ceiling",
            "JVM ceiling (JDK-only VT server)",
            "netty",
            "netty-socketio 2.0.13",
            "node",
            "Node socket.io 4.8.4");

    private Report() {}

    record Row(Map<String, String> f) {
        String s(String k) {
            return f.getOrDefault(k, "");
        }

        double d(String k) {
            try {
                return Double.parseDouble(s(k));
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }

        boolean pass() {
            return s("pass").equals("true");
        }

        boolean isVoid() {
            return s("void").equals("true");
        }
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Path readme = null;
        String checkScenarios = null;
        String checkServers = null;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--readme")) {
                readme = Path.of(args[++i]);
            } else if (args[i].equals("--check")) {
                checkScenarios = args[++i];
                checkServers = args[++i];
            }
        }
        List<Row> rows = read(dir.resolve("results.tsv"));
        List<String> run =
                Files.exists(dir.resolve("run.txt")) ? Files.readAllLines(dir.resolve("run.txt")) : List.of();
        String summary = summary(rows, run, dir.getFileName().toString());
        StringBuilder md = new StringBuilder("# Benchmark run " + dir.getFileName() + "\n\n")
                .append(summary)
                .append("\n## Every step\n\n")
                .append(allSteps(rows))
                .append("\n![chart](chart.svg)\n");
        Files.writeString(dir.resolve("results.md"), md);
        Files.writeString(dir.resolve("chart.svg"), chart(rows));
        System.out.println(summary);
        if (readme != null) {
            updateReadme(readme, summary, dir.getFileName().toString());
            System.out.println("README.md updated (Benchmark section)");
        }
        if (checkScenarios != null) {
            List<String> problems = check(rows, checkScenarios.split(","), checkServers.split(","));
            if (!problems.isEmpty()) {
                problems.forEach(p -> System.out.println("CHECK FAILED: " + p));
                System.exit(1);
            }
            System.out.println("check: every expected row present, numbers sane");
        }
    }

    /** One W2 row: the rows of one server (durability) of the run. */
    /** "ours-platform" (process durability, the default) or "ours-platform-fsync". */
    static String platformName(String server) {
        return server.endsWith("-fsync") ? "ours (platform, fsync)" : "ours (platform, process)";
    }

    /** START rows: p50_ms holds the launch-to-/health time, p99_ms the first CONNECT's (see ColdStart). */
    private static void coldStart(StringBuilder b, List<Row> rows) {
        List<Row> starts =
                rows.stream().filter(r -> r.s("scenario").equals("START")).toList();
        if (starts.isEmpty()) {
            return;
        }
        double[] health =
                starts.stream().mapToDouble(r -> r.d("p50_ms")).sorted().toArray();
        double[] connect =
                starts.stream().mapToDouble(r -> r.d("p99_ms")).sorted().toArray();
        double[] cpu =
                starts.stream().mapToDouble(r -> r.d("server_cpu_s")).sorted().toArray();
        b.append(String.format(
                Locale.ROOT,
                "\n**Cold start** (`scripts/run` with a built jar, on a folder holding one tenant, pinned to one CPU; "
                        + "%d starts): launch to `/health` 200 median %.0f ms, max %.0f ms (target <= %.0f ms), the "
                        + "server's CPU time by then median %.2f s; first "
                        + "socket into the tenant's namespace (upgrade, OPEN, CONNECT with a token, reply) median "
                        + "%.1f ms, max %.1f ms (target <= %.0f ms); RSS after it %s MB; load %s.\n",
                starts.size(),
                health[health.length / 2],
                health[health.length - 1],
                ColdStart.HEALTH_TARGET_MS,
                cpu[cpu.length / 2],
                connect[connect.length / 2],
                connect[connect.length - 1],
                ColdStart.CONNECT_TARGET_MS,
                starts.get(starts.size() - 1).s("server_rss_mb"),
                starts.get(0).s("load")));
    }

    static List<Row> read(Path tsv) throws IOException {
        List<Row> rows = new ArrayList<>();
        if (!Files.exists(tsv)) {
            return rows;
        }
        List<String> lines = Files.readAllLines(tsv);
        String[] header = lines.get(0).split("\t", -1);
        for (String line : lines.subList(1, lines.size())) {
            if (line.equals(lines.get(0))) {
                continue;
            }
            String[] v = line.split("\t", -1);
            Map<String, String> f = new LinkedHashMap<>();
            for (int i = 0; i < header.length && i < v.length; i++) {
                f.put(header[i], v[i]);
            }
            rows.add(new Row(f));
        }
        return rows;
    }

    /** The best passing W1 step of a server: the highest delivered rate. */
    static Optional<Row> bestW1(List<Row> rows, String server) {
        return rows.stream()
                .filter(r -> r.s("scenario").equals("W1") && r.s("server").equals(server) && r.pass())
                .max((a, b) -> Double.compare(a.d("delivered_per_s"), b.d("delivered_per_s")));
    }

    static List<String> servers(List<Row> rows) {
        List<String> order = new ArrayList<>(List.of("ours", "ceiling", "netty", "node"));
        rows.stream()
                .map(r -> r.s("server"))
                .distinct()
                .filter(s -> !order.contains(s))
                .forEach(order::add);
        return order.stream()
                .filter(s -> rows.stream().anyMatch(r -> r.s("server").equals(s)))
                .toList();
    }

    static String summary(List<Row> rows, List<String> run, String name) {
        StringBuilder b = new StringBuilder();
        b.append("Run `").append(name).append("`");
        run.stream().filter(l -> l.startsWith("command:")).findFirst().ifPresent(l -> b.append(", `")
                .append(l.substring(9).trim())
                .append("`"));
        b.append(".\n\n");
        for (String line : run) {
            if (!line.startsWith("command:")) {
                b.append("- ").append(line).append("\n");
            }
        }
        // a run without W1 (say --scenarios W4) has no W1 table, so that the README keeps the earlier one
        if (rows.stream().anyMatch(r -> r.s("scenario").equals("W1"))) {
            b.append("\n**W1 fan-out** (sockets and rooms: the W1 line above; a full run has 1000 sockets in 10 rooms "
                    + "of 100, 100-byte messages): the highest delivered rate with p99 <= 50 ms and no loss, over "
                    + "a sweep: the best passing step over every sweep of a server (count: W1 line); single runs vary +-20% "
                    + "and far more on a loaded box; generator CPU near 100% means the one-core load generator, "
                    + "not the server, set the limit.\n\n");
            b.append(
                    "| server | best delivered/s | p50 ms | p99 ms | deliveries per server CPU-s | server RSS MB | generator CPU % "
                            + "| steps (pass/fail/void) | where the sweep broke | load at best (1/5/15 min) |\n");
            b.append("|---|---:|---:|---:|---:|---:|---:|---|---|---|\n");
        }
        List<String> servers = servers(rows);
        for (String s : servers) {
            List<Row> steps = rows.stream()
                    .filter(r -> r.s("scenario").equals("W1") && r.s("server").equals(s))
                    .toList();
            if (steps.isEmpty()) {
                continue;
            }
            long pass = steps.stream().filter(Row::pass).count();
            long isVoid = steps.stream().filter(Row::isVoid).count();
            Optional<Row> best = bestW1(rows, s);
            double bestRate = best.map(r -> r.d("target_per_s")).orElse(0.0);
            // where the sweep broke: the lowest failing step above the best pass, else the lowest void one
            Optional<Row> fail = steps.stream()
                    .filter(r -> !r.pass() && !r.isVoid() && r.d("target_per_s") > bestRate)
                    .min((x, y) -> Double.compare(x.d("target_per_s"), y.d("target_per_s")));
            Optional<Row> voided = steps.stream()
                    .filter(r -> r.isVoid() && r.d("target_per_s") > bestRate)
                    .min((x, y) -> Double.compare(x.d("target_per_s"), y.d("target_per_s")));
            String failText = fail.map(r -> String.format(
                            Locale.ROOT,
                            "fail at %,.0f/s: p99 %s ms, lost %s%s",
                            r.d("target_per_s"),
                            r.s("p99_ms"),
                            r.s("lost"),
                            r.s("note").isEmpty() ? "" : ", " + r.s("note")))
                    .orElse(voided.map(r -> String.format(
                                    Locale.ROOT,
                                    "void at %,.0f/s (generator behind by %s ms, " + "its CPU %s%%)",
                                    r.d("target_per_s"),
                                    r.s("max_lag_ms"),
                                    r.s("gen_cpu_pct")))
                            .orElse("none"));
            String load = best.orElse(steps.get(0)).s("load");
            b.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | %s | %s | %s | %s | %d/%d/%d | %s | %s |\n",
                    NAMES.getOrDefault(s, s),
                    best.map(r -> String.format(Locale.ROOT, "%,.0f", r.d("delivered_per_s")))
                            .orElse("none passed"),
                    best.map(r -> r.s("p50_ms")).orElse("-"),
                    best.map(r -> r.s("p99_ms")).orElse("-"),
                    best.map(r -> String.format(Locale.ROOT, "%,.0f", r.d("per_cpu_s")))
                            .orElse("-"),
                    best.map(r -> r.s("server_rss_mb")).orElse("-"),
                    best.map(r -> r.s("gen_cpu_pct")).orElse("-"),
                    pass,
                    steps.size() - pass - isVoid,
                    isVoid,
                    failText,
                    load));
        }
        Optional<Row> ours = bestW1(rows, "ours");
        if (ours.isPresent()) {
            b.append("\nRatios of ours (target): ");
            List<String> parts = new ArrayList<>();
            for (String[] peer : new String[][] {{"node", "8"}, {"netty", "2"}, {"ceiling", "0.9"}}) {
                bestW1(rows, peer[0])
                        .ifPresent(p -> parts.add(String.format(
                                Locale.ROOT,
                                "%.2fx %s (>= %sx), %.2fx per CPU-s",
                                ours.get().d("delivered_per_s") / p.d("delivered_per_s"),
                                peer[0],
                                peer[1],
                                ours.get().d("per_cpu_s") / p.d("per_cpu_s"))));
            }
            b.append(parts.isEmpty() ? "no peer passed a step" : String.join("; ", parts))
                    .append(".\n");
        }
        List<Row> w2 = rows.stream().filter(r -> r.s("scenario").equals("W2")).toList();
        if (!w2.isEmpty()) {
            b.append(
                    "\n**W2 durable chat** (the platform: login, sockets in rooms of 10 (a full run: 5000), every message through "
                            + "`message:send`, acked after the H2 commit; one row per `chat.durability`): the highest "
                            + "acked rate with ack p99 <= 50 ms."
                            + "\n\n" + DURABLE_HEADER);
            // in the order run: process, then fsync
            for (String server : w2.stream().map(r -> r.s("server")).distinct().toList()) {
                b.append(durableRow(
                        platformName(server),
                        w2.stream().filter(r -> r.s("server").equals(server)).toList()));
            }
        }
        List<Row> w3 = rows.stream().filter(r -> r.s("scenario").equals("W3")).toList();
        if (!w3.isEmpty()) {
            b.append("\n**W3 capacity** (idle Socket.IO sockets opened and held, half of them, a hold, then the rest; "
                    + "RSS per socket added = server RSS growth over the second half / the sockets it added, what one "
                    + "more socket costs; the whole run's growth / sockets also counts the server's fixed part, such as "
                    + "a JVM's young generation touched once):\n\n| server | sockets | connects/s | held | server RSS "
                    + "MB after | RSS per socket added | whole run (at half, at the end) | pass | load |\n"
                    + "|---|---:|---:|---|---:|---|---|---|---|\n");
            for (Row r : w3) {
                String[] note = r.s("note").split("; ");
                if (note.length == 2) {
                    // a run before the second half was measured apart: its one figure is the whole run's
                    note = new String[] {note[0], "", note[1]};
                }
                b.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | %,.0f | %s | %s | %s | %s | %s | %s |\n",
                        NAMES.getOrDefault(r.s("server"), r.s("server")),
                        r.s("target_per_s"),
                        r.d("delivered_per_s"),
                        note[0],
                        r.s("server_rss_mb"),
                        note.length > 1 ? note[1] : "",
                        note.length > 2 ? note[2] : "",
                        r.s("pass"),
                        r.s("load")));
            }
        }
        fairness(rows).ifPresent(w4 -> b.append(w4.table()));
        coldStart(b, rows);
        if (rows.stream().anyMatch(r -> r.s("scenario").equals("W5"))) {
            b.append(cluster(rows));
        }
        return b.toString();
    }

    static final String DURABLE_HEADER =
            "| server | best acked msg/s | ack p50 ms | ack p99 ms | msgs per server CPU-s | server "
                    + "RSS MB | steps (pass/fail/void) | first failing step | history check | load |\n"
                    + "|---|---:|---:|---:|---:|---:|---|---|---|---|\n";

    /** A durable sweep's table row (W2 on H2, W5's on PostgreSQL): its best passing step and its history check. */
    static String durableRow(String name, List<Row> sweep) {
        Optional<Row> best = sweep.stream()
                .filter(r -> r.pass() && !r.s("target_per_s").equals("verify"))
                .max((x, y) -> Double.compare(x.d("delivered_per_s"), y.d("delivered_per_s")));
        List<Row> steps = sweep.stream()
                .filter(r -> !r.s("target_per_s").equals("verify"))
                .toList();
        Optional<Row> fail =
                steps.stream().filter(r -> !r.pass() && !r.isVoid()).findFirst();
        long pass = steps.stream().filter(Row::pass).count();
        long isVoid = steps.stream().filter(Row::isVoid).count();
        String verify = sweep.stream()
                .filter(r -> r.s("target_per_s").equals("verify"))
                .map(r -> r.s("note"))
                .findFirst()
                .orElse("not run");
        return String.format(
                Locale.ROOT,
                "| %s | %s | %s | %s | %s | %s | %d/%d/%d | %s | %s | %s |\n",
                name,
                best.map(r -> String.format(Locale.ROOT, "%,.0f", r.d("delivered_per_s")))
                        .orElse("none passed"),
                best.map(r -> r.s("p50_ms")).orElse("-"),
                best.map(r -> r.s("p99_ms")).orElse("-"),
                best.map(r -> String.format(Locale.ROOT, "%,.0f", r.d("per_cpu_s")))
                        .orElse("-"),
                best.map(r -> r.s("server_rss_mb")).orElse("-"),
                pass,
                steps.size() - pass - isVoid,
                isVoid,
                fail.map(r -> String.format(
                                Locale.ROOT,
                                "%,.0f/s: p99 %s ms%s",
                                r.d("target_per_s"),
                                r.s("p99_ms"),
                                r.s("note").isEmpty() ? "" : ", " + r.s("note")))
                        .orElse("none"),
                verify,
                best.orElse(steps.isEmpty() ? sweep.get(0) : steps.get(0)).s("load"));
    }

    /** W5's fan-out rows, in table order, with their names. */
    static final Map<String, String> W5_ROWS = new LinkedHashMap<>();

    static {
        W5_ROWS.put("h2-1node", "1 node, H2 (`scripts/run` defaults)");
        W5_ROWS.put("pg-1node", "1 cluster node (PostgreSQL, Redis)");
        W5_ROWS.put("pg-3nodes", "3 cluster nodes: senders on node 1, receivers on nodes 2-3");
    }

    static final String W5_DURABLE = "pg-durable";

    /** The best passing W5 fan-out step of a row: the highest delivered rate. */
    static Optional<Row> bestW5(List<Row> rows, String server) {
        return rows.stream()
                .filter(r -> r.s("scenario").equals("W5") && r.s("server").equals(server) && r.pass())
                .max((a, b) -> Double.compare(a.d("delivered_per_s"), b.d("delivered_per_s")));
    }

    static String cluster(List<Row> rows) {
        StringBuilder b = new StringBuilder(
                "\n**W5 cluster** (the platform on this box, every server process on one core: the same tenant load on "
                        + "each row, rooms of senders and receivers (the W5 line above; a full run: 20 rooms of 2 + 48), "
                        + "`message:send` acked after commit, each message delivered to the room's receivers): the "
                        + "highest delivered rate with delivery p99 within the W5 line's `--p99-ms` (50 ms unless "
                        + "`W5_P99_MS` raised it to find where messages go missing) and every acked message delivered. "
                        + "Deliveries per node CPU-s count the nodes only; Redis (one process) and PostgreSQL (every "
                        + "postgres process) are per 1,000 messages. See docs/cluster-capacity.md.\n\n"
                        + "| row | msgs/s | delivered/s | delivery p50 / p99 ms | ack p99 ms | deliveries per node CPU-s "
                        + "| nodes CPU % | Redis CPU ms / 1,000 msgs | PostgreSQL CPU ms / 1,000 msgs "
                        + "| steps (pass/fail/void) | where the sweep broke | load |\n"
                        + "|---|---:|---:|---|---:|---:|---:|---:|---:|---|---|---|\n");
        for (Map.Entry<String, String> e : W5_ROWS.entrySet()) {
            List<Row> steps = rows.stream()
                    .filter(r -> r.s("scenario").equals("W5") && r.s("server").equals(e.getKey()))
                    .toList();
            if (steps.isEmpty()) {
                continue;
            }
            Optional<Row> best = bestW5(rows, e.getKey());
            long pass = steps.stream().filter(Row::pass).count();
            long isVoid = steps.stream().filter(Row::isVoid).count();
            double bestRate = best.map(r -> r.d("target_per_s")).orElse(0.0);
            String broke = steps.stream()
                    .filter(r -> !r.pass() && !r.isVoid() && r.d("target_per_s") > bestRate)
                    .min((x, y) -> Double.compare(x.d("target_per_s"), y.d("target_per_s")))
                    .map(r -> String.format(
                            Locale.ROOT,
                            "%,.0f msgs/s: delivery p99 %s ms, ack p99 %.1f ms, nodes CPU %.0f%%%s",
                            noteValue(r, "msgs_per_s"),
                            r.s("p99_ms"),
                            noteValue(r, "ack_p99_ms"),
                            noteValue(r, "nodes_cpu_pct"),
                            r.d("lost") > 0 ? ", " + r.s("lost") + " missing" : ""))
                    .orElse("none");
            b.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %d/%d/%d | %s | %s |\n",
                    e.getValue(),
                    best.map(r -> String.format(Locale.ROOT, "%,.0f", noteValue(r, "msgs_per_s")))
                            .orElse("none passed"),
                    best.map(r -> String.format(Locale.ROOT, "%,.0f", r.d("delivered_per_s")))
                            .orElse("-"),
                    best.map(r -> r.s("p50_ms") + " / " + r.s("p99_ms")).orElse("-"),
                    best.map(r -> String.format(Locale.ROOT, "%.1f", noteValue(r, "ack_p99_ms")))
                            .orElse("-"),
                    best.map(r -> String.format(Locale.ROOT, "%,.0f", r.d("per_cpu_s")))
                            .orElse("-"),
                    best.map(r -> String.format(Locale.ROOT, "%.0f", noteValue(r, "nodes_cpu_pct")))
                            .orElse("-"),
                    best.map(r -> cpuPerThousand(r, "redis")).orElse("-"),
                    best.map(r -> cpuPerThousand(r, "postgres")).orElse("-"),
                    pass,
                    steps.size() - pass - isVoid,
                    isVoid,
                    broke,
                    best.orElse(steps.get(0)).s("load")));
        }
        List<Row> durable = rows.stream()
                .filter(r -> r.s("scenario").equals("W5") && r.s("server").equals(W5_DURABLE))
                .toList();
        if (!durable.isEmpty()) {
            b.append("\nDurable acks on PostgreSQL from one node (W2's load, `message:send` acked after the PostgreSQL "
                            + "commit; node, Redis and PostgreSQL on one core): the highest acked rate with ack p99 within "
                            + "`--p99-ms` (the W5 line).\n\n")
                    .append(DURABLE_HEADER)
                    .append(durableRow("1 cluster node, PostgreSQL", durable));
        }
        return b.toString();
    }

    private static String cpuPerThousand(Row r, String process) {
        double ms = noteValue(r, process + "_cpu_ms_per_1000");
        return Double.isNaN(ms) ? "n/a" : String.format(Locale.ROOT, "%.1f", ms);
    }

    /** W5's rows are there and sane (never their size): each fan-out row measured, the PostgreSQL rows' costs too. */
    static List<String> checkCluster(List<Row> rows) {
        List<String> problems = new ArrayList<>();
        for (String server : W5_ROWS.keySet()) {
            List<Row> steps = rows.stream()
                    .filter(r -> r.s("scenario").equals("W5") && r.s("server").equals(server))
                    .toList();
            if (steps.isEmpty()) {
                problems.add("W5 " + server + ": no row");
            }
            for (Row r : steps) {
                String id = "W5 " + server + " @" + r.s("target_per_s");
                if (!(r.d("delivered_per_s") > 0
                        && r.d("p50_ms") > 0
                        && r.d("p50_ms") <= r.d("p99_ms")
                        && r.d("per_cpu_s") > 0
                        && r.d("server_rss_mb") > 0
                        && noteValue(r, "msgs_per_s") > 0)) {
                    problems.add(id + ": numbers not sane");
                }
                if (server.startsWith("pg-")
                        && !(noteValue(r, "redis_cpu_ms_per_1000") >= 0
                                && noteValue(r, "postgres_cpu_ms_per_1000") >= 0)) {
                    problems.add(id + ": Redis or PostgreSQL CPU not measured");
                }
            }
        }
        List<Row> durable = rows.stream()
                .filter(r -> r.s("scenario").equals("W5") && r.s("server").equals(W5_DURABLE))
                .toList();
        if (durable.stream()
                .noneMatch(
                        r -> r.s("target_per_s").equals("verify") && r.d("lost") == 0 && r.d("delivered_per_s") > 0)) {
            problems.add("W5 durable: no history check, or acked messages missing from PostgreSQL");
        }
        if (durable.stream().noneMatch(r -> !r.s("target_per_s").equals("verify") && r.d("delivered_per_s") > 0)) {
            problems.add("W5 durable: no step row");
        }
        return problems;
    }

    /** The number after "key=" in a row's note ("a=1; b=2"), NaN when absent. */
    static double noteValue(Row r, String key) {
        Matcher m =
                Pattern.compile("(?:^|; )" + Pattern.quote(key) + "=([-0-9.]+)").matcher(r.s("note"));
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    /** W4 target: the quiet tenant's p99 under flood at most this many times its p99 alone. */
    static final double FAIRNESS_RATIO = 1.5;
    /** W4: the flood tenant counts as held at its limit when its accepted rate is within this share of it. */
    static final double LIMIT_TOLERANCE = 0.1;

    /** W4's three rows: the quiet tenant alone and under flood, and the flood tenant. */
    record Fairness(Row alone, Row underFlood, Row flood) {
        double ackRatio() {
            return underFlood.d("p99_ms") / alone.d("p99_ms");
        }

        double deliveryRatio() {
            return noteValue(underFlood, "delivery_p99_ms") / noteValue(alone, "delivery_p99_ms");
        }

        boolean heldAtLimit() {
            return Math.abs(flood.d("delivered_per_s") / noteValue(flood, "limit_per_s") - 1) <= LIMIT_TOLERANCE;
        }

        boolean isVoid() {
            return alone.isVoid() || underFlood.isVoid();
        }

        boolean pass() {
            return alone.pass()
                    && underFlood.pass()
                    && flood.pass()
                    && ackRatio() <= FAIRNESS_RATIO
                    && deliveryRatio() <= FAIRNESS_RATIO
                    && heldAtLimit();
        }

        String table() {
            return String.format(
                    Locale.ROOT,
                    "\n**W4 fairness** (two tenants on one server, rooms of 10 (the W4 line "
                            + "above): \"quiet\" sends `message:send` at a low fixed rate, alone and then while \"flood\" offers "
                            + "about twice its tenant-wide limit): pass when the quiet tenant's ack and delivery p99 under "
                            + "flood are both within %.1fx of alone and the flood tenant is held at its limit (+-%.0f%%).\n\n"
                            + "| quiet ack p99 ms: alone / under flood | ratio | quiet delivery p99 ms: alone / under flood "
                            + "| ratio | flood msg/s: offered / accepted / refused (limit) | server CPU %%: alone / flood "
                            + "| pass | load |\n|---|---:|---|---:|---|---|---|---|\n"
                            + "| %s / %s | %.2fx | %.2f / %.2f | %.2fx | %,.0f / %,.0f / %,.0f (%,.0f) | %.0f / %.0f | %s | %s |\n",
                    FAIRNESS_RATIO,
                    100 * LIMIT_TOLERANCE,
                    alone.s("p99_ms"),
                    underFlood.s("p99_ms"),
                    ackRatio(),
                    noteValue(alone, "delivery_p99_ms"),
                    noteValue(underFlood, "delivery_p99_ms"),
                    deliveryRatio(),
                    flood.d("target_per_s"),
                    flood.d("delivered_per_s"),
                    noteValue(flood, "refused_per_s"),
                    noteValue(flood, "limit_per_s"),
                    noteValue(alone, "server_cpu_pct"),
                    noteValue(underFlood, "server_cpu_pct"),
                    pass() + (isVoid() ? " (void: generator behind its schedule)" : ""),
                    underFlood.s("load"));
        }
    }

    static Optional<Fairness> fairness(List<Row> rows) {
        Optional<Row> alone = w4Row(rows, "quiet", "alone");
        Optional<Row> underFlood = w4Row(rows, "quiet", "flood");
        Optional<Row> flood = rows.stream()
                .filter(r -> r.s("scenario").equals("W4") && r.s("server").equals("flood"))
                .findFirst();
        return alone.isPresent() && underFlood.isPresent() && flood.isPresent()
                ? Optional.of(new Fairness(alone.get(), underFlood.get(), flood.get()))
                : Optional.empty();
    }

    private static Optional<Row> w4Row(List<Row> rows, String server, String phase) {
        return rows.stream()
                .filter(r -> r.s("scenario").equals("W4")
                        && r.s("server").equals(server)
                        && r.s("target_per_s").equals(phase))
                .findFirst();
    }

    static String allSteps(List<Row> rows) {
        StringBuilder b = new StringBuilder("| " + LoadGen.HEADER.replace("\t", " | ") + " |\n|");
        b.append("---|".repeat(LoadGen.HEADER.split("\t").length)).append("\n");
        for (Row r : rows) {
            b.append("| ").append(String.join(" | ", r.f().values())).append(" |\n");
        }
        return b.toString();
    }

    /** Two bar groups: best W1 delivered/s and W1 deliveries per server CPU-second, per server. */
    static String chart(List<Row> rows) {
        List<String> servers = servers(rows).stream()
                .filter(s -> rows.stream()
                        .anyMatch(r ->
                                r.s("scenario").equals("W1") && r.s("server").equals(s)))
                .toList();
        int w = 760;
        int h = 360;
        StringBuilder svg = new StringBuilder(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" "
                        + "font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
                w,
                h));
        String[][] panels = {
            {"delivered_per_s", "W1 best delivered/s (p99 <= 50 ms, no loss)"},
            {"per_cpu_s", "W1 deliveries per server CPU-second (same step)"}
        };
        String[] colors = {"#d62728", "#7f7f7f", "#1f77b4", "#2ca02c", "#9467bd"};
        for (int pi = 0; pi < panels.length; pi++) {
            String key = panels[pi][0];
            int p = pi;
            int x0 = 20 + p * (w / 2);
            int pw = w / 2 - 40;
            int top = 40;
            int base = h - 60;
            svg.append(String.format(
                    Locale.ROOT, "<text x=\"%d\" y=\"22\" font-weight=\"bold\">%s</text>\n", x0, panels[p][1]));
            double[] maxBox = {1};
            for (String s : servers) {
                maxBox[0] =
                        Math.max(maxBox[0], bestW1(rows, s).map(r -> r.d(key)).orElse(0.0));
            }
            int bw = servers.isEmpty() ? 0 : pw / servers.size() - 12;
            for (int i = 0; i < servers.size(); i++) {
                String s = servers.get(i);
                double v = bestW1(rows, s).map(r -> r.d(key)).orElse(0.0);
                int bh = (int) Math.round((base - top) * v / maxBox[0]);
                int x = x0 + i * (bw + 12);
                svg.append(String.format(
                        Locale.ROOT,
                        "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>\n"
                                + "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n"
                                + "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
                        x,
                        base - bh,
                        bw,
                        bh,
                        colors[i % colors.length],
                        x + bw / 2,
                        base - bh - 4,
                        v > 0 ? String.format(Locale.ROOT, "%,.0f", v) : "none",
                        x + bw / 2,
                        base + 16,
                        s));
            }
            svg.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n",
                    x0,
                    base,
                    x0 + pw,
                    base));
        }
        svg.append(String.format(
                Locale.ROOT,
                "<text x=\"20\" y=\"%d\" fill=\"#555\">load generator and server pinned "
                        + "to separate cores; see results.md for load averages and every step</text>\n</svg>\n",
                h - 20));
        return svg.toString();
    }

    /** A scenario's bold title: W1-W5, and the cold start's paragraph (START). */
    private static final Pattern SECTION = Pattern.compile("(?m)^\\*\\*(W\\d|Cold start)\\b[^*]*\\*\\*");
    /** A scenario's line in the header ("- W5: --rooms ..."). */
    private static final Pattern HEADER_LINE = Pattern.compile("(?m)^- (W\\d|START):[^\\n]*\\n");
    /** The order of a full run's summary. */
    private static final List<String> ORDER = List.of("W1", "W2", "W3", "W4", "START", "W5");

    private static final String REPRODUCE = "\nReproduce: ";

    private static String scenario(String title) {
        return title.equals("Cold start") ? "START" : title;
    }

    /** An empty map whose keys, scenarios, come in a full run's order. */
    private static Map<String, String> byScenario() {
        return new TreeMap<>(
                Comparator.comparingInt((String name) -> ORDER.contains(name) ? ORDER.indexOf(name) : ORDER.size())
                        .thenComparing(Comparator.naturalOrder()));
    }

    /** A summary's sections by scenario, each from its bold title up to the next one; the header before them. */
    static Map<String, String> sections(String summary) {
        Map<String, String> sections = byScenario();
        Matcher m = SECTION.matcher(summary);
        List<int[]> starts = new ArrayList<>();
        List<String> names = new ArrayList<>();
        while (m.find()) {
            starts.add(new int[] {m.start(), m.end()});
            names.add(scenario(m.group(1)));
        }
        for (int i = 0; i < starts.size(); i++) {
            int end = i + 1 < starts.size() ? starts.get(i + 1)[0] : summary.length();
            sections.put(names.get(i), summary.substring(starts.get(i)[0], end).strip());
        }
        return sections;
    }

    /** The header's line for each scenario it describes. */
    private static Map<String, String> headerLines(String header) {
        Map<String, String> lines = new LinkedHashMap<>();
        Matcher m = HEADER_LINE.matcher(header);
        while (m.find()) {
            lines.put(m.group(1), m.group());
        }
        return lines;
    }

    /**
     * The new summary, plus each scenario of the README's earlier block that this run did not measure (its table or
     * paragraph, marked with the run it came from, and its line in the header): a partial run (say {@code --scenarios
     * W4}) must not erase the others.
     */
    static String merged(String oldBlock, String summary) {
        Matcher oldRun = Pattern.compile("Run `([^`]+)`").matcher(oldBlock);
        String oldName = oldRun.find() ? oldRun.group(1) : "earlier";
        int reproduce = oldBlock.indexOf(REPRODUCE);
        String oldSummary = reproduce >= 0 ? oldBlock.substring(0, reproduce) : oldBlock;
        Map<String, String> old = sections(oldSummary);
        Map<String, String> all = sections(summary);
        Map<String, String> oldHeader = headerLines(header(oldSummary));
        String header = header(summary);
        Map<String, String> lines = headerLines(header);
        int at = lines.isEmpty()
                ? Math.max(0, header.indexOf("- load"))
                : header.indexOf(lines.values().iterator().next());
        for (String line : lines.values()) {
            header = header.replace(line, "");
        }
        Map<String, String> ordered = byScenario();
        ordered.putAll(lines);
        for (Map.Entry<String, String> e : old.entrySet()) {
            if (!all.containsKey(e.getKey())) {
                String section = e.getValue();
                Matcher title = SECTION.matcher(section);
                all.put(
                        e.getKey(),
                        section.contains("(from run `") || !title.find()
                                ? section
                                : section.substring(0, title.end()) + " (from run `" + oldName + "`)"
                                        + section.substring(title.end()));
                if (oldHeader.containsKey(e.getKey())) {
                    ordered.put(e.getKey(), oldHeader.get(e.getKey()));
                }
            }
        }
        // every scenario's line, in a full run's order, where the new run's first one was
        header = header.substring(0, at) + String.join("", ordered.values()) + header.substring(at);
        return header.stripTrailing() + "\n\n" + String.join("\n\n", all.values()) + "\n";
    }

    /** What comes before the first scenario's section. */
    private static String header(String summary) {
        Matcher first = SECTION.matcher(summary);
        return first.find() ? summary.substring(0, first.start()) : summary;
    }

    static void updateReadme(Path readme, String summary, String name) throws IOException {
        String text = Files.readString(readme);
        int a = text.indexOf(BEGIN);
        int z = text.indexOf(END);
        if (a >= 0 && z > a) {
            summary = merged(text.substring(a + BEGIN.length(), z), summary);
        }
        String block =
                BEGIN + "\n" + summary + "\nReproduce: `scripts/bench` (about 30 minutes; `scripts/bench --quick` "
                        + "is the smoke run). Full tables and a chart: `bench-results/<time>/`.\n" + END;
        if (a >= 0 && z > a) {
            text = text.substring(0, a) + block + text.substring(z + END.length());
        } else {
            text = text.stripTrailing() + "\n\n## Benchmark\n\n" + block + "\n";
        }
        Files.writeString(readme, text);
    }

    static List<String> check(List<Row> rows, String[] scenarios, String[] servers) {
        List<String> problems = new ArrayList<>();
        for (String scenario : scenarios) {
            if (scenario.equals("W2")) {
                List<Row> w2 =
                        rows.stream().filter(r -> r.s("scenario").equals("W2")).toList();
                if (w2.stream()
                        .noneMatch(r -> r.s("target_per_s").equals("verify")
                                && r.d("lost") == 0
                                && r.d("delivered_per_s") > 0)) {
                    problems.add("W2: no history check, or acked messages missing from H2");
                }
                w2.stream()
                        .filter(r -> !r.s("target_per_s").equals("verify"))
                        .findAny()
                        .ifPresentOrElse(
                                r -> {
                                    if (!(r.d("delivered_per_s") > 0
                                            && r.d("p50_ms") > 0
                                            && r.d("p50_ms") <= r.d("p99_ms")
                                            && r.d("server_rss_mb") > 0
                                            && r.d("server_cpu_s") >= 0)) {
                                        problems.add("W2 @" + r.s("target_per_s") + ": numbers not sane");
                                    }
                                },
                                () -> problems.add("W2: no step row"));
                continue;
            }
            if (scenario.equals("W4")) {
                problems.addAll(checkFairness(rows));
                continue;
            }
            if (scenario.equals("START")) {
                List<Row> starts = rows.stream()
                        .filter(r -> r.s("scenario").equals("START"))
                        .toList();
                if (starts.isEmpty()) {
                    problems.add("START: no row");
                }
                for (Row r : starts) {
                    if (!(r.d("p50_ms") > 0 && r.d("p99_ms") > 0 && r.d("server_rss_mb") > 0)) {
                        problems.add("START " + r.s("target_per_s") + ": numbers not sane");
                    }
                }
                continue;
            }
            if (scenario.equals("W5")) {
                problems.addAll(checkCluster(rows));
                continue;
            }
            for (String server : servers) {
                List<Row> mine = rows.stream()
                        .filter(r -> r.s("scenario").equals(scenario)
                                && r.s("server").equals(server))
                        .toList();
                if (mine.isEmpty()) {
                    problems.add(scenario + " " + server + ": no row");
                    continue;
                }
                for (Row r : mine) {
                    String id = scenario + " " + server + " @" + r.s("target_per_s");
                    for (String k : Arrays.asList("delivered_per_s", "lost", "server_cpu_s", "server_rss_mb")) {
                        if (Double.isNaN(r.d(k)) || r.d(k) < 0) {
                            problems.add(id + ": " + k + " = '" + r.s(k) + "'");
                        }
                    }
                    if (!(r.d("delivered_per_s") > 0) || !(r.d("server_rss_mb") > 0)) {
                        problems.add(id + ": nothing delivered or no RSS read");
                    }
                    if (scenario.equals("W1")) {
                        double p50 = r.d("p50_ms");
                        double p99 = r.d("p99_ms");
                        double max = r.d("max_ms");
                        if (!(p50 > 0 && p50 <= p99 && p99 <= max + 0.01)) {
                            problems.add(id + ": latencies not ordered: " + p50 + " " + p99 + " " + max);
                        }
                        if (!(r.d("per_cpu_s") > 0)) {
                            problems.add(id + ": deliveries per CPU-s not measured");
                        }
                    }
                }
            }
        }
        return problems;
    }

    /** W4's rows are there and sane: rates and latencies measured, ordered, refusals counted (never their size). */
    static List<String> checkFairness(List<Row> rows) {
        Optional<Fairness> w4 = fairness(rows);
        if (w4.isEmpty()) {
            return List.of("W4: missing a row (quiet alone, quiet under flood, flood)");
        }
        List<String> problems = new ArrayList<>();
        for (Row quiet : List.of(w4.get().alone(), w4.get().underFlood())) {
            String id = "W4 quiet " + quiet.s("target_per_s");
            double delivery50 = noteValue(quiet, "delivery_p50_ms");
            double delivery99 = noteValue(quiet, "delivery_p99_ms");
            if (!(quiet.d("delivered_per_s") > 0
                    && quiet.d("p50_ms") > 0
                    && quiet.d("p50_ms") <= quiet.d("p99_ms")
                    && quiet.d("lost") == 0
                    && delivery50 > 0
                    && delivery50 <= delivery99
                    && noteValue(quiet, "deliveries_per_s") > 0
                    && quiet.d("server_rss_mb") > 0
                    && noteValue(quiet, "server_cpu_pct") >= 0)) {
                problems.add(id + ": numbers not sane");
            }
        }
        Row flood = w4.get().flood();
        if (!(flood.d("target_per_s") > 0
                && flood.d("delivered_per_s") > 0
                && noteValue(flood, "refused_per_s") >= 0
                && noteValue(flood, "limit_per_s") > 0
                && flood.d("lost") == 0)) {
            problems.add("W4 flood: numbers not sane");
        }
        return problems;
    }
}
